// tests/text/json_writer_test.cc — the appending JSON writer (text/json_writer.h): escaping,
// commas at every nesting level, numbers, and texts that read back the same through Boost.JSON.
#include "text/json_writer.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace crm::text {
namespace {

TEST(JsonWriterTest, EscapesQuotesBackslashesControlsAndHtmlCharacters) {
  std::string out;
  AppendJsonEscaped(out, std::string_view("a\"b\\c\nd\re\tf\x01g\x1f<h>&i\0j", 21));
  EXPECT_EQ(out, "a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001f\\u003ch\\u003e\\u0026i\\u0000j");
  out.clear();
  AppendJsonEscaped(out, "Élise Ørsted 日本 plain");
  EXPECT_EQ(out, "Élise Ørsted 日本 plain");  // UTF-8 as it is
}

TEST(JsonWriterTest, CommasAtEveryLevel) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("a").Int(1).Key("b").BeginArray();
  w.String("x").BeginObject().EndObject().BeginArray().EndArray().Null().EndArray();
  w.Key("c").BeginObject().Key("d").Bool(true).Key("e").Bool(false).EndObject();
  w.Key("f").Double(0.5).Key("g").Double(1.0 / 0.0).Key("h").Int(-9007199254740993);
  w.EndObject();
  EXPECT_EQ(out,
            "{\"a\":1,\"b\":[\"x\",{},[],null],\"c\":{\"d\":true,\"e\":false},"
            "\"f\":0.5,\"g\":null,\"h\":-9007199254740993}");
}

TEST(JsonWriterTest, TextsReadBackTheSame) {
  const std::string texts[] = {"",
                               "plain",
                               "quote \" and \\ backslash",
                               "line\nbreak\ttab",
                               std::string("nul\0byte", 8),
                               "<script>&amp;</script>",
                               "Élise \xe2\x80\xa8 separator",
                               "\x7f del"};
  for (const std::string& t : texts) {
    std::string out;
    JsonWriter w(out);
    w.BeginObject().Key(t).String(t).EndObject();
    boost::json::value v = boost::json::parse(out);
    ASSERT_TRUE(v.is_object()) << out;
    EXPECT_EQ(std::string(v.as_object().at(t).as_string()), t) << out;
  }
}

}  // namespace
}  // namespace crm::text
