// plugin/attestations/template_doc.h — attestation templates (SPEC AT1): a .docx or .odt read
// with a real zip library (libzip) and XML parser (pugixml). Scanning checks the archive (a real
// zip, no zip bomb, no over-large XML) and lists the {{placeholders}}; filling replaces them in
// the body, headers and footers, joining the text runs of a paragraph so a placeholder Word
// split across runs is still found. Pure functions over bytes: no file, no database.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/status.h"

namespace cd::attestations {

enum class TemplateFormat { kDocx, kOdt };

struct TemplateLimits {
  uint64_t max_entries = 1000;
  uint64_t max_total_uncompressed = 64ull << 20;  // all entries together, as read
  uint64_t max_ratio = 200;                       // uncompressed / compressed, per entry
  uint64_t max_xml = 8ull << 20;                  // one XML part we parse
};

struct TemplateScan {
  TemplateFormat format = TemplateFormat::kDocx;
  std::vector<std::string> keys;  // each {{key}} once, in order of first appearance
};

// kUnprocessable with a message a person can act on: not a zip, not a .docx/.odt, zip bomb,
// XML part too large or malformed, unbalanced braces, a placeholder across paragraphs, or an
// invalid key (letters, digits, '_' and '.', starting with a letter).
crm::Result<TemplateScan> ScanTemplate(std::string_view bytes, const TemplateLimits& limits = {});

// The template with every {{key}} found in `values` replaced (XML-escaped; "\n" becomes a line
// break; characters XML cannot hold are dropped). Keys without a value are left as they are.
// Same refusals as ScanTemplate.
crm::Result<std::string> FillTemplate(std::string_view bytes,
                                      const std::map<std::string, std::string>& values,
                                      const TemplateLimits& limits = {});

// True for a key that may appear between braces.
bool IsValidPlaceholderKey(std::string_view key);

}  // namespace cd::attestations
