// sample-host/app/rich_text.cc — SanitizeRichText: libxml2's HTML parser builds the tree, and a
// recursive walk writes out the allowed elements only, escaping every text and attribute value.
#include "sample-host/app/rich_text.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <mutex>

#include "text/text.h"

namespace host {
namespace {

// Nesting deeper than this is flattened (a note has no reason to nest so much; the walk stays
// well within the stack).
constexpr int kMaxDepth = 32;

constexpr std::array<std::string_view, 13> kAllowed = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "blockquote", "a"};
constexpr std::array<std::string_view, 12> kDropWithContent = {
    "script", "style", "iframe",   "object",   "embed",  "template",
    "svg",    "math",  "noscript", "textarea", "select", "title"};

template <size_t N>
bool In(const std::array<std::string_view, N>& set, std::string_view name) {
  return std::find(set.begin(), set.end(), name) != set.end();
}

std::string_view Name(const xmlNode* node) {
  return node->name ? std::string_view(reinterpret_cast<const char*>(node->name)) : "";
}

// http:, https: or mailto:, nothing else (no javascript:, data:, vbscript:, relative URLs
// that a later <base> could turn into anything). Control characters and spaces, which browsers
// strip inside a scheme ("java\tscript:"), refuse the link.
bool SafeHref(std::string_view href) {
  for (unsigned char ch : href) {
    if (ch < 0x20 || ch == 0x7F || ch == ' ') return false;
  }
  std::string lower = crm::text::ToLowerAscii(href.substr(0, 8));
  return lower.starts_with("http://") || lower.starts_with("https://") ||
         lower.starts_with("mailto:");
}

std::string HrefOf(xmlNode* node) {
  std::unique_ptr<xmlChar, void (*)(void*)> value(
      xmlGetProp(node, reinterpret_cast<const xmlChar*>("href")), xmlFree);
  if (!value) return "";
  std::string href(crm::text::Trim(reinterpret_cast<const char*>(value.get())));
  return SafeHref(href) ? href : "";
}

void Walk(xmlNode* first, int depth, std::string& out);

void Element(xmlNode* node, int depth, std::string& out) {
  std::string name = crm::text::ToLowerAscii(Name(node));
  if (In(kDropWithContent, name) || name == "head") return;
  if (!In(kAllowed, name) || depth >= kMaxDepth) {
    Walk(node->children, depth + 1, out);  // the content stays, the element goes
    return;
  }
  if (name == "br") {
    out += "<br>";
    return;
  }
  if (name == "a") {
    std::string href = HrefOf(node);
    if (href.empty()) {
      Walk(node->children, depth + 1, out);
      return;
    }
    out += "<a href=\"" + crm::text::EscapeHtml(href) +
           "\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">";
  } else {
    out += "<" + name + ">";
  }
  Walk(node->children, depth + 1, out);
  out += "</" + name + ">";
}

void Walk(xmlNode* first, int depth, std::string& out) {
  for (xmlNode* node = first; node != nullptr; node = node->next) {
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      if (node->content) out += crm::text::EscapeHtml(reinterpret_cast<const char*>(node->content));
    } else if (node->type == XML_ELEMENT_NODE) {
      Element(node, depth, out);
    }
    // Comments, processing instructions, entity references, DTDs: dropped.
  }
}

xmlNode* Body(xmlNode* root) {
  for (xmlNode* n = root ? root->children : nullptr; n != nullptr; n = n->next) {
    if (n->type == XML_ELEMENT_NODE && crm::text::ToLowerAscii(Name(n)) == "body") return n;
  }
  return nullptr;
}

}  // namespace

std::string SanitizeRichText(std::string_view html) {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
  html = html.substr(0, kMaxRichTextBytes);
  // A full document around the fragment, so that the parser never guesses where the body is.
  std::string doc = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>";
  doc.append(html);
  doc += "</body></html>";
  std::unique_ptr<xmlDoc, void (*)(xmlDoc*)> parsed(
      htmlReadMemory(
          doc.data(), static_cast<int>(doc.size()), nullptr, "UTF-8",
          HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT),
      xmlFreeDoc);
  if (!parsed) return "";
  std::string out;
  // Everything the parser put in the body or after it (a stray "</body>" in the note does not
  // hide what follows it; the head's content never is the note's).
  if (xmlNode* body = Body(xmlDocGetRootElement(parsed.get()))) {
    Walk(body->children, 0, out);
    Walk(body->next, 0, out);
  }
  return out;
}

}  // namespace host
