// tests/attestations/template_fixtures.h — small .docx and .odt archives built in memory (libzip)
// for the template tests, and a reader of one archive entry.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cd_test {

// A zip of these entries, in order (the first one stored uncompressed, as ODT's mimetype).
std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& entries);

// A .docx whose body holds `body_xml` (w:p elements), with a header and a footer part.
std::string MakeDocx(const std::string& body_xml, const std::string& header_xml = "",
                     const std::string& footer_xml = "");
// A .odt whose office:text holds `body_xml` (text:p elements); styles.xml with a header.
std::string MakeOdt(const std::string& body_xml, const std::string& header_xml = "");

// Paragraph helpers: one w:p of these runs' texts.
std::string DocxParagraph(const std::vector<std::string>& runs);

// The entry's content ("" when missing).
std::string ZipEntry(const std::string& zip, const std::string& name);

}  // namespace cd_test
