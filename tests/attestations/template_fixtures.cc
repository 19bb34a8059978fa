// tests/attestations/template_fixtures.cc — see template_fixtures.h.
#include "tests/attestations/template_fixtures.h"

#include <zip.h>

#include <list>
#include <stdexcept>

namespace cd_test {

std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(src);
  zip_t* za = zip_open_from_source(src, ZIP_TRUNCATE, &error);
  if (za == nullptr) throw std::runtime_error("zip open");
  bool first = true;
  for (const auto& [name, content] : entries) {
    zip_source_t* s = zip_source_buffer(za, content.data(), content.size(), 0);
    zip_int64_t i = zip_file_add(za, name.c_str(), s, ZIP_FL_ENC_UTF_8);
    if (first) zip_set_file_compression(za, i, ZIP_CM_STORE, 0);
    first = false;
  }
  if (zip_close(za) != 0) throw std::runtime_error("zip close");
  zip_stat_t st;
  zip_source_stat(src, &st);
  zip_source_open(src);
  std::string out(st.size, '\0');
  zip_source_read(src, out.data(), out.size());
  zip_source_close(src);
  zip_source_free(src);
  return out;
}

std::string DocxParagraph(const std::vector<std::string>& runs) {
  std::string p = "<w:p>";
  for (const auto& r : runs)
    p += "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">" + r + "</w:t></w:r>";
  return p + "</w:p>";
}

std::string MakeDocx(const std::string& body_xml, const std::string& header_xml,
                     const std::string& footer_xml) {
  const std::string ns =
      "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
  std::string types =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" "
      "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      "<Override PartName=\"/word/document.xml\" "
      "ContentType=\"application/"
      "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
      "<Override PartName=\"/word/header1.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
      "<Override PartName=\"/word/footer1.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
      "</Types>";
  std::string rels =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
      "Target=\"word/document.xml\"/>"
      "</Relationships>";
  std::string doc_rels =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rIdH\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" "
      "Target=\"header1.xml\"/>"
      "<Relationship Id=\"rIdF\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" "
      "Target=\"footer1.xml\"/>"
      "</Relationships>";
  std::string document =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document " + ns +
      "><w:body>" + body_xml +
      "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdH\"/>"
      "<w:footerReference w:type=\"default\" r:id=\"rIdF\"/></w:sectPr>"
      "</w:body></w:document>";
  std::string header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:hdr " + ns +
                       ">" + (header_xml.empty() ? DocxParagraph({"Header"}) : header_xml) +
                       "</w:hdr>";
  std::string footer = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:ftr " + ns +
                       ">" + (footer_xml.empty() ? DocxParagraph({"Footer"}) : footer_xml) +
                       "</w:ftr>";
  return MakeZip({{"[Content_Types].xml", types},
                  {"_rels/.rels", rels},
                  {"word/_rels/document.xml.rels", doc_rels},
                  {"word/document.xml", document},
                  {"word/header1.xml", header},
                  {"word/footer1.xml", footer}});
}

std::string MakeOdt(const std::string& body_xml, const std::string& header_xml) {
  const std::string ns =
      "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
      "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
      "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" office:version=\"1.2\"";
  std::string manifest =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
      "manifest:version=\"1.2\">"
      "<manifest:file-entry manifest:full-path=\"/\" "
      "manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
      "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
      "<manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>"
      "</manifest:manifest>";
  std::string content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content " + ns +
                        "><office:body><office:text>" + body_xml +
                        "</office:text></office:body></office:document-content>";
  std::string styles = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-styles " + ns +
                       "><office:master-styles><style:master-page style:name=\"Standard\">"
                       "<style:header>" +
                       (header_xml.empty() ? "<text:p>Header</text:p>" : header_xml) +
                       "</style:header></style:master-page></office:master-styles>"
                       "</office:document-styles>";
  return MakeZip({{"mimetype", "application/vnd.oasis.opendocument.text"},
                  {"META-INF/manifest.xml", manifest},
                  {"content.xml", content},
                  {"styles.xml", styles}});
}

std::string ZipEntry(const std::string& zip, const std::string& name) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
  zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &error);
  if (za == nullptr) {
    zip_source_free(src);
    return "";
  }
  std::string out;
  if (zip_file_t* f = zip_fopen(za, name.c_str(), 0)) {
    char buf[4096];
    for (zip_int64_t n; (n = zip_fread(f, buf, sizeof buf)) > 0;) out.append(buf, n);
    zip_fclose(f);
  }
  zip_close(za);
  return out;
}

}  // namespace cd_test
