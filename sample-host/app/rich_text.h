// sample-host/app/rich_text.h — the formatted note of a custom action (SPEC H13, issue 14): what a
// small rich-text editor sends, reduced to a short allow-list of elements by a real HTML parser
// (libxml2's, which builds the tree the way a browser would) and written out again. The note is
// stored only in this sanitised form, never as received.
#pragma once

#include <string>
#include <string_view>

namespace host {

// The longest note accepted, in bytes of HTML as received.
inline constexpr size_t kMaxRichTextBytes = 64 * 1024;

// Keeps p, br, strong, b, em, i, u, s, ul, ol, li, blockquote and a. Every attribute goes, but
// a link's href when it is http:, https: or mailto: (checked after the parser decoded entities,
// with control characters and spaces refused); links get rel="nofollow noopener noreferrer"
// and target="_blank". script, style, iframe, object, embed, template, svg, math, noscript,
// textarea, select, title and head go with their content; any other element (div, span, img,
// form, ...) is replaced by its content. Comments and processing instructions go. Text is
// escaped. The result is UTF-8, safe to insert in a page as HTML. Input over kMaxRichTextBytes
// is cut at that length first. Thread-safe.
std::string SanitizeRichText(std::string_view html);

}  // namespace host
