// plugin/attestations/worker/pdf_worker.cc — cd-pdf-worker: converts documents to PDF/A-2b with a
// warm LibreOfficeKit (loaded once with lok_init_2 from LibreOffice's program folder), one job at
// a time, for the module's supervisor (plugin/attestations/pdf_converter.h).
// Protocol on stdin/stdout, one line each way per job:
//   -> "<input path>\t<output path>\n"      <- "ok\n" | "error <reason>\n"
// At start it answers "ready\n" (or "error ..." and exits 2). LibreOffice's own chatter goes to
// stderr: the protocol keeps the original stdout for itself.
//   cd-pdf-worker --profile DIR [--program /usr/lib/libreoffice/program]
#include <LibreOfficeKit/LibreOfficeKitInit.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace {

// PDF/A-2b (archival): LibreOfficeKit takes the PDF export's FilterData as JSON.
constexpr char kPdfOptions[] = "{\"SelectPdfVersion\":{\"type\":\"long\",\"value\":\"2\"}}";

std::string FileUrl(const std::string& path) {
  std::string url = "file://";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_') {
      url += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      url += buf;
    }
  }
  return url;
}

void Reply(FILE* out, const std::string& line) {
  std::fputs((line + "\n").c_str(), out);
  std::fflush(out);
}

std::string LastError(LibreOfficeKit* office) {
  char* e = office->pClass->getError(office);
  std::string s = e != nullptr ? e : "unknown error";
  if (e != nullptr) office->pClass->freeError(e);
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

std::string Convert(LibreOfficeKit* office, const std::string& in, const std::string& out) {
  LibreOfficeKitDocument* doc = office->pClass->documentLoad(office, FileUrl(in).c_str());
  if (doc == nullptr) return "error cannot load the document: " + LastError(office);
  int saved = doc->pClass->saveAs(doc, FileUrl(out).c_str(), "pdf", kPdfOptions);
  doc->pClass->destroy(doc);
  if (!saved) return "error cannot export the PDF: " + LastError(office);
  return "ok";
}

}  // namespace

int main(int argc, char** argv) {
  std::string profile, program = "/usr/lib/libreoffice/program";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--profile") profile = argv[i + 1];
    if (flag == "--program") program = argv[i + 1];
  }
  // The protocol's own stdout; fd 1 then points to stderr for LibreOffice's messages.
  FILE* out = fdopen(dup(STDOUT_FILENO), "w");
  if (out == nullptr || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) return 2;
  if (profile.empty()) {
    Reply(out, "error --profile DIR is required");
    return 2;
  }
  LibreOfficeKit* office = lok_init_2(program.c_str(), FileUrl(profile).c_str());
  if (office == nullptr) {
    Reply(out, "error LibreOfficeKit did not start from " + program);
    return 2;
  }
  Reply(out, "ready");
  std::string line;
  while (std::getline(std::cin, line)) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      Reply(out, "error bad request");
      continue;
    }
    Reply(out, Convert(office, line.substr(0, tab), line.substr(tab + 1)));
  }
  office->pClass->destroy(office);
  return 0;
}
