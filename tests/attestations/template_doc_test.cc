// tests/attestations/template_doc_test.cc — attestation templates (SPEC AT1): placeholders listed
// from body, headers and footers; filling across split runs, with escaping and line breaks, in
// .docx and .odt; every refusal (not a zip, not a document, zip bomb, over-large XML, unbalanced
// braces, a placeholder across paragraphs, an invalid key).
#include "plugin/attestations/template_doc.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "tests/attestations/template_fixtures.h"

namespace cd::attestations {
namespace {

using cd_test::DocxParagraph;
using cd_test::MakeDocx;
using cd_test::MakeOdt;
using cd_test::ZipEntry;

// The text of every w:t / pcdata of an XML part, concatenated ("|" for each w:br/line-break).
std::string VisibleText(const std::string& xml) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(xml.c_str(), pugi::parse_default | pugi::parse_ws_pcdata));
  std::string out;
  struct Walker : pugi::xml_tree_walker {
    std::string* out;
    bool for_each(pugi::xml_node& n) override {
      std::string_view name = n.name();
      if (name == "w:br" || name == "text:line-break") *out += "|";
      if (n.type() == pugi::node_pcdata) *out += n.value();
      return true;
    }
  } walker;
  walker.out = &out;
  doc.traverse(walker);
  return out;
}

TEST(TemplateScan, ListsPlaceholdersOfBodyHeaderAndFooter) {
  std::string docx = MakeDocx(DocxParagraph({"Dear {{client.last_name}}, ", "{{ motif }}"}) +
                                  DocxParagraph({"again {{motif}} {{date_debut}}"}),
                              DocxParagraph({"{{contract.number}}"}), DocxParagraph({"{{today}}"}));
  auto scan = ScanTemplate(docx);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_EQ(scan->format, TemplateFormat::kDocx);
  EXPECT_EQ(scan->keys, (std::vector<std::string>{"client.last_name", "motif", "date_debut",
                                                  "contract.number", "today"}));
}

TEST(TemplateFill, FindsAPlaceholderSplitAcrossRuns) {
  std::string docx = MakeDocx(DocxParagraph({"Motif: {", "{mo", "tif}", "} end"}));
  auto scan = ScanTemplate(docx);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_EQ(scan->keys, (std::vector<std::string>{"motif"}));
  auto filled = FillTemplate(docx, {{"motif", "Déménagement"}});
  ASSERT_TRUE(filled.ok()) << filled.status().ToString();
  EXPECT_EQ(VisibleText(ZipEntry(*filled, "word/document.xml")), "Motif: Déménagement end");
  // The result is still a valid template archive with the other parts untouched.
  EXPECT_EQ(ZipEntry(*filled, "_rels/.rels"), ZipEntry(docx, "_rels/.rels"));
  EXPECT_TRUE(ScanTemplate(*filled).ok());
}

TEST(TemplateFill, EscapesValuesAndTurnsLineBreaksIntoBreaks) {
  std::string docx = MakeDocx(DocxParagraph({"A {{motif}} Z"}));
  auto filled = FillTemplate(docx, {{"motif", "<b>&\"x\"</w:t>\r\nline 2\nline 3\x01"}});
  ASSERT_TRUE(filled.ok()) << filled.status().ToString();
  std::string xml = ZipEntry(*filled, "word/document.xml");
  EXPECT_EQ(xml.find("<b>"), std::string::npos);
  EXPECT_NE(xml.find("&lt;b&gt;&amp;"), std::string::npos);
  EXPECT_EQ(VisibleText(xml), "A <b>&\"x\"</w:t>|line 2|line 3 Z");
  EXPECT_NE(xml.find("<w:br"), std::string::npos);
}

TEST(TemplateFill, FillsHeadersAndFootersAndLeavesUnknownKeys) {
  std::string docx =
      MakeDocx(DocxParagraph({"{{motif}} {{other}}"}), DocxParagraph({"No {{contract.number}}"}),
               DocxParagraph({"On {{to", "day}}"}));
  auto filled =
      FillTemplate(docx, {{"motif", "M"}, {"contract.number", "AUTO-1"}, {"today", "01/12/2026"}});
  ASSERT_TRUE(filled.ok()) << filled.status().ToString();
  EXPECT_EQ(VisibleText(ZipEntry(*filled, "word/document.xml")), "M {{other}}");
  EXPECT_EQ(VisibleText(ZipEntry(*filled, "word/header1.xml")), "No AUTO-1");
  EXPECT_EQ(VisibleText(ZipEntry(*filled, "word/footer1.xml")), "On 01/12/2026");
}

TEST(TemplateFill, OdtSpansLineBreaksAndHeader) {
  std::string odt =
      MakeOdt("<text:p>Hello <text:span>{{cli</text:span>ent.first_name}} &amp; {{motif}}</text:p>",
              "<text:p>N° {{contract.number}}</text:p>");
  auto scan = ScanTemplate(odt);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_EQ(scan->format, TemplateFormat::kOdt);
  EXPECT_EQ(scan->keys,
            (std::vector<std::string>{"client.first_name", "motif", "contract.number"}));
  auto filled = FillTemplate(
      odt, {{"client.first_name", "Léa"}, {"motif", "a\nb<"}, {"contract.number", "7"}});
  ASSERT_TRUE(filled.ok()) << filled.status().ToString();
  EXPECT_EQ(VisibleText(ZipEntry(*filled, "content.xml")), "Hello Léa & a|b<");
  EXPECT_EQ(VisibleText(ZipEntry(*filled, "styles.xml")), "N° 7");
  EXPECT_EQ(ZipEntry(*filled, "mimetype"), "application/vnd.oasis.opendocument.text");
}

void ExpectRefused(const std::string& bytes, const std::string& words,
                   const TemplateLimits& limits = {}) {
  auto scan = ScanTemplate(bytes, limits);
  ASSERT_FALSE(scan.ok());
  EXPECT_EQ(scan.status().code(), crm::StatusCode::kUnprocessable);
  EXPECT_NE(scan.status().message().find(words), std::string::npos) << scan.status().message();
  EXPECT_FALSE(FillTemplate(bytes, {}, limits).ok());
}

TEST(TemplateScan, RefusesWhatIsNotADocument) {
  ExpectRefused("%PDF-1.7 not a zip", "not a zip");
  ExpectRefused("", "not a .docx or .odt");
  ExpectRefused(cd_test::MakeZip({{"a.txt", "hello"}}), "not a .docx or .odt");
  ExpectRefused(cd_test::MakeZip({{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
                                  {"content.xml", "<x/>"}}),
                "not a text document");
  std::string broken = MakeDocx(DocxParagraph({"x"}));
  ExpectRefused(
      cd_test::MakeZip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w:document"}}),
      "not well-formed");
  ExpectRefused(broken.substr(0, broken.size() / 2), "not a zip");
}

TEST(TemplateScan, RefusesZipBombsAndOverLargeXml) {
  std::string zeros(8u << 20, '0');
  ExpectRefused(cd_test::MakeZip({{"[Content_Types].xml", "<Types/>"},
                                  {"word/document.xml", "<w:document/>"},
                                  {"word/media/zeros.bin", zeros}}),
                "zip bomb");
  TemplateLimits small;
  small.max_total_uncompressed = 1u << 20;
  small.max_ratio = 1u << 20;
  std::string big(2u << 20, 'x');
  ExpectRefused(cd_test::MakeZip({{"[Content_Types].xml", "<Types/>"},
                                  {"word/document.xml", "<w:document/>"},
                                  {"word/media/big.bin", big}}),
                "zip bomb", small);
  TemplateLimits tiny_xml;
  tiny_xml.max_xml = 512;
  std::string many;
  for (int i = 0; i < 40; ++i) many += DocxParagraph({"paragraph"});
  ExpectRefused(MakeDocx(many), "larger than allowed", tiny_xml);
}

TEST(TemplateScan, RefusesUnbalancedBracesAndPlaceholdersAcrossParagraphs) {
  ExpectRefused(MakeDocx(DocxParagraph({"Dear {{motif"})), "unbalanced");
  ExpectRefused(MakeDocx(DocxParagraph({"Dear motif}}"})), "unbalanced");
  ExpectRefused(MakeDocx(DocxParagraph({"{{a {{b}}"})), "unbalanced");
  ExpectRefused(MakeDocx(DocxParagraph({"Dear {{mo"}) + DocxParagraph({"tif}} end"})),
                "across paragraphs");
  ExpectRefused(MakeDocx(DocxParagraph({"{{two words}}"})), "invalid placeholder");
  ExpectRefused(MakeDocx(DocxParagraph({"ok"}), "", DocxParagraph({"{{x"})), "unbalanced");
  // Single braces are ordinary text.
  EXPECT_TRUE(ScanTemplate(MakeDocx(DocxParagraph({"a {b} c"}))).ok());
}

TEST(TemplateKeys, Syntax) {
  EXPECT_TRUE(IsValidPlaceholderKey("client.last_name"));
  EXPECT_TRUE(IsValidPlaceholderKey("date_debut"));
  EXPECT_FALSE(IsValidPlaceholderKey("1abc"));
  EXPECT_FALSE(IsValidPlaceholderKey("a-b"));
  EXPECT_FALSE(IsValidPlaceholderKey("a."));
  EXPECT_FALSE(IsValidPlaceholderKey(""));
}

}  // namespace
}  // namespace cd::attestations
