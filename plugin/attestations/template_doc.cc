// plugin/attestations/template_doc.cc — the zip side (libzip, from and to memory, with bomb
// limits) and the XML side (pugixml: paragraphs, their text runs joined, placeholders found
// and replaced across runs).
#include "plugin/attestations/template_doc.h"

#include <zip.h>

#include <cstdlib>
#include <cstring>
#include <list>
#include <memory>
#include <pugixml.hpp>
#include <sstream>

#include "text/text.h"

namespace cd::attestations {
namespace {

constexpr uint64_t kRatioCheckedFrom = 1ull << 20;  // small parts compress well and are harmless
constexpr char kOdtMime[] = "application/vnd.oasis.opendocument.text";

crm::Status Refuse(std::string message) { return crm::Unprocessable(std::move(message)); }

// An archive opened over a copy of the bytes (kept alive here), readable and, when
// `writable`, modifiable and re-serialised by Finish().
class Archive {
 public:
  ~Archive() {
    if (za_ != nullptr) zip_discard(za_);
    if (src_ != nullptr) zip_source_free(src_);
  }
  crm::Status Open(std::string_view bytes, bool writable) {
    zip_error_t error;
    zip_error_init(&error);
    if (writable) {
      // libzip frees the buffer it was given once the archive is rewritten: malloc'd, its own.
      void* copy = std::malloc(std::max<size_t>(bytes.size(), 1));
      if (copy == nullptr) return crm::Internal("out of memory");
      std::memcpy(copy, bytes.data(), bytes.size());
      src_ = zip_source_buffer_create(copy, bytes.size(), 1, &error);
      if (src_ == nullptr) std::free(copy);
    } else {
      data_.assign(bytes);
      src_ = zip_source_buffer_create(data_.data(), data_.size(), 0, &error);
    }
    if (src_ == nullptr) return crm::Internal("zip: cannot create a source");
    zip_source_keep(src_);  // ours, also after zip_open_from_source takes a reference
    za_ = zip_open_from_source(src_, ZIP_CHECKCONS | (writable ? 0 : ZIP_RDONLY), &error);
    zip_error_fini(&error);
    if (za_ == nullptr) {
      // A failed open leaves the source untouched: drop the reference zip_source_keep added
      // (the destructor drops the first one).
      zip_source_free(src_);
      return Refuse("the file is not a .docx or .odt document (not a zip archive)");
    }
    return crm::Status::Ok();
  }
  zip_t* za() { return za_; }

  // Every entry's declared sizes within the limits (entry count, total, ratio).
  crm::Status CheckBomb(const TemplateLimits& limits) {
    zip_int64_t n = zip_get_num_entries(za_, 0);
    if (n <= 0) return Refuse("the file is not a .docx or .odt document (an empty archive)");
    if (static_cast<uint64_t>(n) > limits.max_entries)
      return Refuse("the archive has too many entries");
    uint64_t total = 0;
    for (zip_int64_t i = 0; i < n; ++i) {
      zip_stat_t st;
      if (zip_stat_index(za_, i, 0, &st) != 0) return Refuse("the archive is damaged");
      total += st.size;
      if (total > limits.max_total_uncompressed)
        return Refuse("the archive expands to more than the allowed size (zip bomb?)");
      if (st.size > kRatioCheckedFrom &&
          st.size / std::max<uint64_t>(st.comp_size, 1) > limits.max_ratio)
        return Refuse("the archive is compressed suspiciously well (zip bomb?)");
    }
    return crm::Status::Ok();
  }

  // The entry's bytes, at most `limit` of them actually read (sizes are not trusted).
  crm::Result<std::string> Read(const std::string& name, uint64_t limit) {
    zip_int64_t index = zip_name_locate(za_, name.c_str(), 0);
    if (index < 0) return crm::NotFound(name);
    zip_file_t* f = zip_fopen_index(za_, index, 0);
    if (f == nullptr) return Refuse("the archive's part " + name + " cannot be read");
    std::string out;
    char buf[16384];
    for (;;) {
      zip_int64_t got = zip_fread(f, buf, sizeof buf);
      if (got < 0) {
        zip_fclose(f);
        return Refuse("the archive's part " + name + " is damaged");
      }
      if (got == 0) break;
      out.append(buf, static_cast<size_t>(got));
      if (out.size() > limit) {
        zip_fclose(f);
        return Refuse("the part " + name + " is larger than allowed");
      }
    }
    zip_fclose(f);
    return out;
  }

  std::vector<std::string> Names() {
    std::vector<std::string> names;
    zip_int64_t n = zip_get_num_entries(za_, 0);
    for (zip_int64_t i = 0; i < n; ++i) {
      const char* name = zip_get_name(za_, i, 0);
      if (name != nullptr) names.emplace_back(name);
    }
    return names;
  }

  crm::Status Replace(const std::string& name, std::string content) {
    zip_int64_t index = zip_name_locate(za_, name.c_str(), 0);
    if (index < 0) return crm::Internal("zip: no part " + name);
    keep_.push_back(std::move(content));
    zip_source_t* s = zip_source_buffer(za_, keep_.back().data(), keep_.back().size(), 0);
    if (s == nullptr || zip_file_replace(za_, index, s, 0) != 0) {
      if (s != nullptr) zip_source_free(s);
      return crm::Internal("zip: cannot replace " + name);
    }
    return crm::Status::Ok();
  }

  // Writes the changes and returns the new archive's bytes.
  crm::Result<std::string> Finish() {
    if (zip_close(za_) != 0) return crm::Internal("zip: cannot write the archive");
    za_ = nullptr;
    zip_stat_t st;
    if (zip_source_stat(src_, &st) != 0 || zip_source_open(src_) != 0)
      return crm::Internal("zip: cannot read the written archive");
    std::string out(st.size, '\0');
    zip_int64_t got = zip_source_read(src_, out.data(), out.size());
    zip_source_close(src_);
    if (got < 0 || static_cast<uint64_t>(got) != st.size) return crm::Internal("zip: short read");
    return out;
  }

 private:
  std::string data_;
  zip_source_t* src_ = nullptr;
  zip_t* za_ = nullptr;
  std::list<std::string> keep_;
};

struct Document {
  TemplateFormat format;
  std::vector<std::string> parts;  // the XML parts that may hold placeholders
};

crm::Result<Document> Identify(Archive& archive, const TemplateLimits& limits) {
  std::vector<std::string> names = archive.Names();
  auto has = [&](std::string_view n) {
    for (const auto& x : names) {
      if (x == n) return true;
    }
    return false;
  };
  Document doc{TemplateFormat::kDocx, {}};
  if (has("word/document.xml") && has("[Content_Types].xml")) {
    for (const auto& n : names) {
      bool header_footer = (n.rfind("word/header", 0) == 0 || n.rfind("word/footer", 0) == 0) &&
                           n.size() > 4 && n.compare(n.size() - 4, 4, ".xml") == 0 &&
                           n.find('/', 5) == std::string::npos;
      if (n == "word/document.xml" || header_footer) doc.parts.push_back(n);
    }
    return doc;
  }
  if (has("mimetype") && has("content.xml")) {
    CRM_ASSIGN_OR_RETURN(std::string mime, archive.Read("mimetype", 256));
    if (crm::text::Trim(mime) != kOdtMime)
      return Refuse("the file is an OpenDocument but not a text document (.odt)");
    doc.format = TemplateFormat::kOdt;
    doc.parts = {"content.xml"};
    if (has("styles.xml")) doc.parts.push_back("styles.xml");  // headers and footers
    (void)limits;
    return doc;
  }
  return Refuse("the file is not a .docx or .odt document");
}

// One paragraph: its text nodes (pcdata) in document order and their joined text.
struct Paragraph {
  std::vector<pugi::xml_node> runs;
  std::string text;
};

bool IsParagraph(TemplateFormat f, const pugi::xml_node& n) {
  std::string_view name = n.name();
  if (f == TemplateFormat::kDocx) return name == "w:p";
  return name == "text:p" || name == "text:h";
}

void CollectParagraphs(TemplateFormat f, pugi::xml_node node, int current,
                       std::vector<Paragraph>& out) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element && IsParagraph(f, child)) {
      out.emplace_back();
      CollectParagraphs(f, child, static_cast<int>(out.size()) - 1, out);
    } else if (child.type() == pugi::node_element) {
      CollectParagraphs(f, child, current, out);
    } else if ((child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) &&
               current >= 0) {
      bool text = f == TemplateFormat::kOdt || std::string_view(node.name()) == "w:t";
      if (!text) continue;
      out[current].runs.push_back(child);
      out[current].text += child.value();
    }
  }
}

struct Match {
  size_t begin = 0;  // offsets in Paragraph::text, "{{" .. "}}" included
  size_t end = 0;
  std::string key;
};

// The placeholders of one paragraph; `unclosed` when a "{{" has no "}}" in it.
crm::Result<std::vector<Match>> FindPlaceholders(const std::string& text, bool& unclosed) {
  std::vector<Match> out;
  unclosed = false;
  size_t pos = 0;
  for (;;) {
    size_t open = text.find("{{", pos);
    size_t close = text.find("}}", pos);
    if (close < open) return Refuse("unbalanced braces: \"}}\" without \"{{\" in \"" + text + "\"");
    if (open == std::string::npos) return out;
    close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      unclosed = true;
      return out;
    }
    std::string inner = text.substr(open + 2, close - open - 2);
    if (inner.find("{{") != std::string::npos || inner.find('{') != std::string::npos)
      return Refuse("unbalanced braces in \"" + text + "\"");
    std::string key(crm::text::Trim(inner));
    if (!IsValidPlaceholderKey(key))
      return Refuse("invalid placeholder \"{{" + inner + "}}\" (letters, digits, '_' and '.')");
    out.push_back({open, close + 2, key});
    pos = close + 2;
  }
}

struct ParsedPart {
  std::string name;
  pugi::xml_document xml;
  std::vector<Paragraph> paragraphs;
  std::vector<std::vector<Match>> matches;  // per paragraph
};

crm::Status ParsePart(Archive& archive, TemplateFormat f, const TemplateLimits& limits,
                      uint64_t& read_total, ParsedPart& part) {
  CRM_ASSIGN_OR_RETURN(std::string xml, archive.Read(part.name, limits.max_xml));
  read_total += xml.size();
  if (read_total > limits.max_total_uncompressed) return Refuse("the document is too large");
  unsigned options = pugi::parse_default | pugi::parse_declaration | pugi::parse_pi |
                     pugi::parse_comments | pugi::parse_ws_pcdata | pugi::parse_doctype;
  pugi::xml_parse_result r =
      part.xml.load_buffer(xml.data(), xml.size(), options, pugi::encoding_utf8);
  if (!r)
    return Refuse("the part " + part.name + " is not well-formed XML (" + r.description() + ")");
  CollectParagraphs(f, part.xml, -1, part.paragraphs);
  for (size_t i = 0; i < part.paragraphs.size(); ++i) {
    bool unclosed = false;
    CRM_ASSIGN_OR_RETURN(auto m, FindPlaceholders(part.paragraphs[i].text, unclosed));
    part.matches.push_back(std::move(m));
    if (!unclosed) continue;
    for (size_t j = i + 1; j < part.paragraphs.size(); ++j) {
      const std::string& next = part.paragraphs[j].text;
      size_t close = next.find("}}"), open = next.find("{{");
      if (close != std::string::npos && close < open)
        return Refuse("a placeholder runs across paragraphs: \"" + part.paragraphs[i].text + "\"");
    }
    return Refuse("unbalanced braces: \"{{\" without \"}}\" in \"" + part.paragraphs[i].text +
                  "\"");
  }
  return crm::Status::Ok();
}

crm::Result<std::vector<std::unique_ptr<ParsedPart>>> ParseAll(Archive& archive,
                                                               const TemplateLimits& limits,
                                                               TemplateFormat& format) {
  CRM_RETURN_IF_ERROR(archive.CheckBomb(limits));
  CRM_ASSIGN_OR_RETURN(Document doc, Identify(archive, limits));
  format = doc.format;
  std::vector<std::unique_ptr<ParsedPart>> parts;
  uint64_t read_total = 0;
  for (const auto& name : doc.parts) {
    auto part = std::make_unique<ParsedPart>();
    part->name = name;
    CRM_RETURN_IF_ERROR(ParsePart(archive, doc.format, limits, read_total, *part));
    parts.push_back(std::move(part));
  }
  return parts;
}

// The value as XML can carry it: valid UTF-8, no control characters but tab and newline,
// CR LF and lone CR as newline.
std::string CleanValue(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size();) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && i + len <= v.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(v[i + k]) >> 6) == 2;
    if (!ok) {
      ++i;
      continue;
    }
    if (c == '\r') {
      out += '\n';
      if (i + 1 < v.size() && v[i + 1] == '\n') ++i;
    } else if (c >= 0x20 || c == '\n' || c == '\t') {
      out.append(v.substr(i, len));
    }
    i += len;
  }
  return out;
}

// Splits a text node holding "\n" into text, break, text... (w:br in a run / text:line-break).
void InsertBreaks(TemplateFormat f, pugi::xml_node text_node) {
  std::string value = text_node.value();
  if (value.find('\n') == std::string::npos) return;
  std::vector<std::string> lines;
  std::stringstream in(value);
  for (std::string line; std::getline(in, line, '\n');) lines.push_back(line);
  if (!value.empty() && value.back() == '\n') lines.emplace_back();
  text_node.set_value(lines[0].c_str());
  if (f == TemplateFormat::kDocx) {
    pugi::xml_node t = text_node.parent();
    pugi::xml_node run = t.parent();
    for (size_t i = 1; i < lines.size(); ++i) {
      pugi::xml_node br = run.insert_child_after("w:br", t);
      t = run.insert_child_after("w:t", br);
      t.append_attribute("xml:space") = "preserve";
      t.append_child(pugi::node_pcdata).set_value(lines[i].c_str());
    }
    return;
  }
  pugi::xml_node parent = text_node.parent();
  pugi::xml_node after = text_node;
  for (size_t i = 1; i < lines.size(); ++i) {
    pugi::xml_node br = parent.insert_child_after("text:line-break", after);
    after = parent.insert_child_after(pugi::node_pcdata, br);
    after.set_value(lines[i].c_str());
  }
}

// Replaces the paragraph's matches (last first, so earlier offsets stay right).
void FillParagraph(TemplateFormat f, Paragraph& p, const std::vector<Match>& matches,
                   const std::map<std::string, std::string>& values) {
  std::vector<size_t> starts;
  size_t at = 0;
  for (const auto& r : p.runs) {
    starts.push_back(at);
    at += std::string_view(r.value()).size();
  }
  std::vector<bool> touched(p.runs.size(), false);
  for (auto m = matches.rbegin(); m != matches.rend(); ++m) {
    auto v = values.find(m->key);
    if (v == values.end()) continue;
    size_t first = 0, last = 0;
    for (size_t i = 0; i < p.runs.size(); ++i) {
      size_t len = std::string_view(p.runs[i].value()).size();
      if (starts[i] <= m->begin && m->begin < starts[i] + len) first = i;
      if (starts[i] < m->end && m->end <= starts[i] + len) last = i;
    }
    std::string head = std::string(p.runs[first].value()).substr(0, m->begin - starts[first]);
    std::string tail = std::string(p.runs[last].value()).substr(m->end - starts[last]);
    std::string value = CleanValue(v->second);
    if (first == last) {
      p.runs[first].set_value((head + value + tail).c_str());
    } else {
      p.runs[first].set_value((head + value).c_str());
      for (size_t i = first + 1; i < last; ++i) p.runs[i].set_value("");
      p.runs[last].set_value(tail.c_str());
    }
    for (size_t i = first; i <= last; ++i) touched[i] = true;
  }
  for (size_t i = 0; i < p.runs.size(); ++i) {
    if (!touched[i]) continue;
    pugi::xml_node t = p.runs[i].parent();
    if (f == TemplateFormat::kDocx && !t.attribute("xml:space"))
      t.append_attribute("xml:space") = "preserve";
    InsertBreaks(f, p.runs[i]);
  }
}

}  // namespace

bool IsValidPlaceholderKey(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  if (!std::isalpha(static_cast<unsigned char>(key[0]))) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return false;
  }
  return key.back() != '.';
}

crm::Result<TemplateScan> ScanTemplate(std::string_view bytes, const TemplateLimits& limits) {
  Archive archive;
  CRM_RETURN_IF_ERROR(archive.Open(bytes, false));
  TemplateScan scan;
  CRM_ASSIGN_OR_RETURN(auto parts, ParseAll(archive, limits, scan.format));
  for (const auto& part : parts) {
    for (const auto& matches : part->matches) {
      for (const auto& m : matches) {
        bool seen = false;
        for (const auto& k : scan.keys) seen = seen || k == m.key;
        if (!seen) scan.keys.push_back(m.key);
      }
    }
  }
  return scan;
}

crm::Result<std::string> FillTemplate(std::string_view bytes,
                                      const std::map<std::string, std::string>& values,
                                      const TemplateLimits& limits) {
  Archive archive;
  CRM_RETURN_IF_ERROR(archive.Open(bytes, true));
  TemplateFormat format;
  CRM_ASSIGN_OR_RETURN(auto parts, ParseAll(archive, limits, format));
  for (auto& part : parts) {
    for (size_t i = 0; i < part->paragraphs.size(); ++i)
      FillParagraph(format, part->paragraphs[i], part->matches[i], values);
    std::ostringstream out;
    part->xml.save(out, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
    CRM_RETURN_IF_ERROR(archive.Replace(part->name, out.str()));
  }
  return archive.Finish();
}

}  // namespace cd::attestations
