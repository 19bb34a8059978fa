// tests/app/rich_text_test.cc — SanitizeRichText (SPEC H13) against an XSS corpus (OWASP's filter
// evasion cheat sheet and html5sec.org vectors, in the forms an editor or an attacker would send)
// and the formatting it must keep.
#include "sample-host/app/rich_text.h"

#include <gtest/gtest.h>

#include <string>

#include "text/text.h"

namespace host {
namespace {

// What must never come out, whatever went in (lower-cased output checked).
constexpr const char* kForbidden[] = {
    "<script", "javascript:", "vbscript:", "data:",     " on",        "style=", "<iframe", "<svg",
    "<img",    "<object",     "<embed",    "<form",     "<input",     "<base",  "<meta",   "<link",
    "<style",  "<math",       "srcdoc",    "<template", "formaction", "<body",  "<xss"};

constexpr const char* kCorpus[] = {
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
    "<img src=x onerror=alert(1)//",
    "<IMG "
    "SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#"
    "116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
    "<a href=\" javascript:alert(1)\">space</a>",
    "<a href=\"java\nscript:alert(1)\">newline</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
    "<a href=\"//evil.example/x\">protocol-relative</a>",
    "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
    "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
    "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    "<iframe src=http://xss.rocks/scriptlet.html <",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<svg/onload=alert('XSS')>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<p style=\"background:url(javascript:alert(1))\">styled</p>",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html "
    "base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K\">",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.rocks/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH\" "
    "type=\"image/svg+xml\"></EMBED>",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<xss onafterscriptexecute=alert(1)><script>1</script>",
    "<b onclick=alert(1)>bold</b>",
    "<a href=\"https://example.com\" onclick=\"alert(1)\" style=\"color:red\">ok</a>",
    "</body><script>alert(1)</script>",
    "<textarea><script>alert(1)</script></textarea>",
    "<select><option><script>alert(1)</script></select>",
    "<p>a</p></body></html><script>alert(1)</script>",
    "<?xml-stylesheet href=\"javascript:alert(1)\"?>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
};

TEST(RichTextTest, NothingOfTheXssCorpusSurvives) {
  for (const char* vector : kCorpus) {
    std::string out = crm::text::ToLowerAscii(SanitizeRichText(vector));
    for (const char* bad : kForbidden) {
      EXPECT_EQ(out.find(bad), std::string::npos)
          << vector << "\n  -> " << out << "\n  has " << bad;
    }
  }
}

TEST(RichTextTest, KeepsTheEditorsFormatting) {
  EXPECT_EQ(SanitizeRichText("<p>Hello <b>bold</b> <i>it</i> <u>u</u> <s>s</s></p>"),
            "<p>Hello <b>bold</b> <i>it</i> <u>u</u> <s>s</s></p>");
  EXPECT_EQ(SanitizeRichText("<ul><li>one</li><li>two<br>lines</li></ul><ol><li>1</li></ol>"),
            "<ul><li>one</li><li>two<br>lines</li></ul><ol><li>1</li></ol>");
  EXPECT_EQ(SanitizeRichText("<STRONG>x</STRONG><em>y</em>"), "<strong>x</strong><em>y</em>");
  EXPECT_EQ(SanitizeRichText("<a href=\"https://example.com/a?b=1&amp;c=2\">link</a>"),
            "<a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow noopener noreferrer\" "
            "target=\"_blank\">link</a>");
  EXPECT_EQ(SanitizeRichText("<a href=\"mailto:marie@example.com\">mail</a>"),
            "<a href=\"mailto:marie@example.com\" rel=\"nofollow noopener noreferrer\" "
            "target=\"_blank\">mail</a>");
}

TEST(RichTextTest, UnwrapsOrDropsTheRest) {
  // Unknown or unsafe containers keep their text; a refused link keeps its text.
  EXPECT_EQ(SanitizeRichText("<div><span>text</span></div>"), "text");
  EXPECT_EQ(SanitizeRichText("<a href=\"javascript:alert(1)\">click</a>"), "click");
  EXPECT_EQ(SanitizeRichText("<script>alert(1)</script>after"), "after");
  EXPECT_EQ(SanitizeRichText("<style>p{}</style><p>x</p>"), "<p>x</p>");
  // Text is escaped; entities come out as text, not markup.
  EXPECT_EQ(SanitizeRichText("1 < 2 &amp; &lt;script&gt;"), "1 &lt; 2 &amp; &lt;script&gt;");
  EXPECT_EQ(SanitizeRichText("Élise « ça »"), "Élise « ça »");
  EXPECT_EQ(SanitizeRichText(""), "");
  // Deep nesting is cut short (the parser's own depth limit), never a stack overflow, and what
  // comes out nests at most 32 elements deep.
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "<b>";
  deep += "x";
  std::string flat = SanitizeRichText(deep);
  size_t opened = 0;
  for (size_t at = flat.find("<b>"); at != std::string::npos; at = flat.find("<b>", at + 1))
    ++opened;
  EXPECT_LE(opened, 32u);
  std::string nested;
  for (int i = 0; i < 100; ++i) nested += "<b>";
  EXPECT_NE(SanitizeRichText(nested + "y").find("y"), std::string::npos);
  // Over the limit: cut, never refused as a whole.
  std::string long_note(kMaxRichTextBytes + 100, 'a');
  EXPECT_EQ(SanitizeRichText(long_note).size(), kMaxRichTextBytes);
}

}  // namespace
}  // namespace host
