// plugin/portal/export.cc — ExportClient (export.h) with libzip: each object is copied to a temp
// file (or read in place on the local disk) and added as a file source, so libzip streams it
// into the archive when it is closed.
#include "plugin/portal/export.h"

#include <zip.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "plugin/access.h"
#include "plugin/api_json.h"
#include "plugin/api_routes.h"
#include "plugin/comments/comments.h"
#include "plugin/documents/use_cases.h"
#include "plugin/links/links.h"
#include "plugin/portal/portal_json.h"
#include "plugin/portal/use_cases.h"

namespace cd {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// A fresh, empty temp file under the module's tmp/ (the scrub sweeps stale ones).
crm::Result<fs::path> TempFile(Services& sv, const char* suffix) {
  std::string pattern = (sv.files().root() / "tmp" / "export-XXXXXX").string() + suffix;
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  int fd = mkstemps(buf.data(), static_cast<int>(std::string_view(suffix).size()));
  if (fd < 0) return crm::Internal("export: cannot create a temp file");
  close(fd);
  return fs::path(buf.data());
}

// The archive being written, and the temp copies it reads when it is closed.
class ExportZip {
 public:
  explicit ExportZip(Services& sv) : sv_(sv) {}
  ~ExportZip() {
    if (za_ != nullptr) zip_discard(za_);
    std::error_code ec;
    for (const fs::path& p : copies_) fs::remove(p, ec);
    if (!done_ && !path_.empty()) fs::remove(path_, ec);
  }

  crm::Status Open() {
    CRM_ASSIGN_OR_RETURN(path_, TempFile(sv_, ".zip"));
    int error = 0;
    za_ = zip_open(path_.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (za_ == nullptr) return crm::Internal("export: cannot open the archive");
    return crm::Status::Ok();
  }

  // Adds the object `key` as `name`.
  crm::Status AddObject(const std::string& key, const std::string& name) {
    CRM_ASSIGN_OR_RETURN(auto reader, sv_.files().objects().Open(key));
    fs::path source;
    if (auto local = reader->LocalPath()) {
      source = *local;
    } else {
      CRM_ASSIGN_OR_RETURN(source, TempFile(sv_, ".part"));
      copies_.push_back(source);
      std::ofstream out(source, std::ios::binary);
      std::vector<char> buf(64 * 1024);
      while (true) {
        CRM_ASSIGN_OR_RETURN(size_t n, reader->Read(buf.data(), buf.size()));
        if (n == 0) break;
        out.write(buf.data(), static_cast<std::streamsize>(n));
      }
      if (!out) return crm::Internal("export: cannot copy a file");
    }
    zip_source_t* src = zip_source_file(za_, source.c_str(), 0, -1);
    if (src == nullptr || zip_file_add(za_, name.c_str(), src, ZIP_FL_ENC_UTF_8) < 0) {
      if (src != nullptr) zip_source_free(src);
      return crm::Internal("export: cannot add " + name);
    }
    return crm::Status::Ok();
  }

  // Adds manifest.json and writes the archive; returns its path.
  crm::Result<fs::path> Close(std::string manifest) {
    manifest_ = std::move(manifest);
    zip_source_t* src = zip_source_buffer(za_, manifest_.data(), manifest_.size(), 0);
    if (src == nullptr || zip_file_add(za_, "manifest.json", src, ZIP_FL_ENC_UTF_8) < 0) {
      if (src != nullptr) zip_source_free(src);
      return crm::Internal("export: cannot add the manifest");
    }
    if (zip_close(za_) != 0) return crm::Internal("export: cannot write the archive");
    za_ = nullptr;
    done_ = true;
    return path_;
  }

 private:
  Services& sv_;
  zip_t* za_ = nullptr;
  fs::path path_;
  std::vector<fs::path> copies_;
  std::string manifest_;
  bool done_ = false;
};

// Adds each file of `files` (a JSON array with "id", "name") under `dir`, setting its "path".
crm::Status AddFiles(ExportZip& zip, json::array& files, const std::vector<std::string>& keys,
                     const std::string& dir) {
  for (size_t i = 0; i < files.size() && i < keys.size(); ++i) {
    json::object& f = files[i].as_object();
    std::string path =
        dir + std::to_string(f.at("id").as_int64()) + "-" + std::string(f.at("name").as_string());
    CRM_RETURN_IF_ERROR(zip.AddObject(keys[i], path));
    f["path"] = path;
  }
  return crm::Status::Ok();
}

json::array CommentsJson(const std::vector<Comment>& comments) {
  json::array out;
  for (const Comment& c : comments) {
    json::object o = CommentToJson(c);
    if (c.type_id != 0) o["type_id"] = c.type_id;
    if (c.shared_id != 0) o["shared_id"] = c.shared_id;
    out.push_back(std::move(o));
  }
  return out;
}

// The documents with their archived versions and comments; their files into the archive.
crm::Status AddDocuments(Services& sv, const crm::Principal& actor, int64_t client_id,
                         ExportZip& zip, json::object& manifest) {
  CRM_ASSIGN_OR_RETURN(auto docs, ListDocuments(sv, actor, client_id));
  json::array out;
  std::vector<Comment> comments;
  for (const ClientDocument& d : docs) {
    json::object o = DocumentToJson(d, "en", kApiPrefix);
    std::vector<std::string> keys;
    for (const StoredFile& f : d.files) keys.push_back(f.storage_key);
    const std::string dir = "files/documents/" + std::to_string(d.type.id) + "/";
    CRM_RETURN_IF_ERROR(AddFiles(zip, o["files"].as_array(), keys, dir));
    CRM_ASSIGN_OR_RETURN(auto versions, ListDocumentVersions(sv, actor, client_id, d.type.id));
    json::array vs;
    for (const ArchivedVersion& v : versions) {
      json::object vo = ArchivedToJson(v, kApiPrefix);
      std::vector<std::string> vkeys;
      for (const StoredFile& f : v.files) vkeys.push_back(f.storage_key);
      CRM_RETURN_IF_ERROR(AddFiles(zip, vo["files"].as_array(), vkeys, "files/archive/"));
      vs.push_back(std::move(vo));
    }
    o["versions"] = std::move(vs);
    CRM_ASSIGN_OR_RETURN(auto cs, ListComments(sv, actor, client_id, d.type.id));
    comments.insert(comments.end(), cs.begin(), cs.end());
    out.push_back(std::move(o));
  }
  manifest["documents"] = std::move(out);
  manifest["comments"] = CommentsJson(comments);
  return crm::Status::Ok();
}

// Projects and shared documents (decisions, payments, comments); their files into the archive.
crm::Status AddPortal(Services& sv, const crm::Principal& actor, int64_t client_id, ExportZip& zip,
                      json::object& manifest) {
  CRM_ASSIGN_OR_RETURN(auto projects, ListProjects(sv, actor, client_id));
  json::array ps;
  for (const Project& p : projects) ps.push_back(ProjectToJson(p));
  manifest["projects"] = std::move(ps);
  CRM_ASSIGN_OR_RETURN(auto shared, ListShared(sv, actor, client_id, std::nullopt));
  json::array out;
  json::array& comments = manifest["comments"].as_array();
  const std::string base =
      std::string(kApiPrefix) + "/clients/" + std::to_string(client_id) + "/shared";
  for (const SharedDocument& d : shared) {
    json::object o = SharedToJson(d, base);
    std::vector<std::string> keys;
    for (const SharedFile& f : d.files) keys.push_back(f.storage_key);
    CRM_RETURN_IF_ERROR(
        AddFiles(zip, o["files"].as_array(), keys, "files/shared/" + std::to_string(d.id) + "/"));
    CRM_ASSIGN_OR_RETURN(auto cs, ListSharedComments(sv, actor, client_id, d.id));
    for (auto& c : CommentsJson(cs)) comments.push_back(std::move(c));
    out.push_back(std::move(o));
  }
  manifest["shared_documents"] = std::move(out);
  return crm::Status::Ok();
}

crm::Result<json::array> JournalJson(Services& sv, int64_t client_id) {
  JournalQuery q;
  q.client_id = client_id;
  q.all = true;
  q.oldest_first = true;
  CRM_ASSIGN_OR_RETURN(JournalPage page, sv.journal().List(q));
  json::array out;
  for (const JournalEntry& e : page.items) out.push_back(JournalEntryToJson(e));
  return out;
}

}  // namespace

crm::Result<fs::path> ExportClient(Services& sv, const crm::Principal& actor, int64_t client_id) {
  if (actor.IsClient()) return crm::PermissionDenied("the export is for staff");
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_RETURN_IF_ERROR(sv.host().FindClient(client_id).status());
  ExportZip zip(sv);
  CRM_RETURN_IF_ERROR(zip.Open());
  json::object manifest{{"client_id", client_id}, {"exported_at", IsoTimeUtc(sv.host().NowUnix())}};
  CRM_RETURN_IF_ERROR(AddDocuments(sv, actor, client_id, zip, manifest));
  CRM_RETURN_IF_ERROR(AddPortal(sv, actor, client_id, zip, manifest));
  // Journaled before the journal is read, so the export lists itself.
  CRM_RETURN_IF_ERROR(sv.journal().Append(actor, {"exported", client_id, "client", ""}));
  CRM_ASSIGN_OR_RETURN(manifest["journal"], JournalJson(sv, client_id));
  // Signed links as the API lists them: never a token (only its hash is stored).
  CRM_ASSIGN_OR_RETURN(std::vector<Link> links, ListLinks(sv, actor, client_id));
  json::array links_json;
  for (const Link& link : links) links_json.push_back(LinkJson(link, sv.host().NowUnix()));
  manifest["links"] = std::move(links_json);
  return zip.Close(json::serialize(manifest));
}

}  // namespace cd
