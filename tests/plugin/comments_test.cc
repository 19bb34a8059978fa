// tests/plugin/comments_test.cc — comments (PT3): the rules (1-5000 characters, 422; another
// client's document, 404), the stored rows and journal entry, and the batched mails (several
// comments within 10 minutes make one mail, sent once the side is quiet).
#include "plugin/comments/comments.h"

#include <gtest/gtest.h>

#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

class CommentsTest : public cd_test::ModuleTest {
 protected:
  CommentsTest() {
    ann_ = host_.AddClient("Ann");
    bob_ = host_.AddClient("Bob");
    EXPECT_OK(
        host_.Db().Exec("UPDATE clients SET email = 'ann@example.com', language = 'fr'"
                        " WHERE id = ?",
                        {ann_}));
    TypeDraft d;
    d.name = LocalizedText{"ID card", "Carte d'identité", ""};
    auto t = sv_.types().Create(d);
    EXPECT_OK(t);
    type_ = t->id;
  }
  int64_t ann_ = 0, bob_ = 0, type_ = 0;
};

TEST_F(CommentsTest, RulesAndStoredRows) {
  EXPECT_EQ(AddComment(sv_, cd_test::Client(ann_), ann_, type_, "  ").status().code(),
            crm::StatusCode::kUnprocessable);
  EXPECT_EQ(
      AddComment(sv_, cd_test::Client(ann_), ann_, type_, std::string(5001, 'a')).status().code(),
      crm::StatusCode::kUnprocessable);
  // 5000 characters of two bytes each are fine.
  std::string accents;
  for (int i = 0; i < 5000; ++i) accents += "\xC3\xA9";
  EXPECT_OK(AddComment(sv_, cd_test::Client(ann_), ann_, type_, accents));
  EXPECT_EQ(AddComment(sv_, cd_test::Client(bob_), ann_, type_, "hi").status().code(),
            crm::StatusCode::kNotFound);
  EXPECT_EQ(ListComments(sv_, cd_test::Client(bob_), ann_, type_).status().code(),
            crm::StatusCode::kNotFound);
  EXPECT_EQ(AddComment(sv_, cd_test::Admin({"documents.read"}), ann_, type_, "hi").status().code(),
            crm::StatusCode::kPermissionDenied);
  auto c = AddComment(sv_, cd_test::Admin(), ann_, type_, "<b>Please</b> send the back");
  ASSERT_OK(c);
  EXPECT_EQ(c->author_kind, "staff");
  auto list = ListComments(sv_, cd_test::Client(ann_), ann_, type_);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].body, "<b>Please</b> send the back");  // stored as written, escaped on pages
  auto journal = host_.Db().QueryAll("SELECT action FROM cd_journal WHERE action = 'commented'");
  ASSERT_OK(journal);
  EXPECT_EQ(journal->size(), 2u);
}

TEST_F(CommentsTest, MailsAreBatchedAfterTenQuietMinutes) {
  Settings settings;
  settings.notify_email = "office@example.com";
  ASSERT_OK(sv_.settings().Save(settings));
  ASSERT_OK(AddComment(sv_, cd_test::Admin(), ann_, type_, "First"));
  host_.now += 300;
  ASSERT_OK(AddComment(sv_, cd_test::Admin(), ann_, type_, "Second"));
  ASSERT_OK(AddComment(sv_, cd_test::Client(ann_), ann_, type_, "Answer"));
  host_.now += 300;  // 5 minutes after the last: still within the window
  auto none = SendCommentMails(sv_);
  ASSERT_OK(none);
  EXPECT_EQ(*none, 0);
  host_.now += 301;
  auto sent = SendCommentMails(sv_);
  ASSERT_OK(sent);
  EXPECT_EQ(*sent, 2);  // one to the client (both staff comments), one to notify_email
  ASSERT_EQ(host_.mails.size(), 2u);
  const crm::MailMessage* to_client = nullptr;
  const crm::MailMessage* to_staff = nullptr;
  for (const auto& m : host_.mails) (m.to == "ann@example.com" ? to_client : to_staff) = &m;
  ASSERT_NE(to_client, nullptr);
  ASSERT_NE(to_staff, nullptr);
  EXPECT_EQ(to_staff->to, "office@example.com");
  EXPECT_NE(to_client->text_body.find("First"), std::string::npos);
  EXPECT_NE(to_client->text_body.find("Second"), std::string::npos);
  EXPECT_NE(to_client->text_body.find("Carte d'identité"), std::string::npos);  // French
  EXPECT_NE(to_client->text_body.find("http://127.0.0.1:8080/account/documents"),
            std::string::npos);
  EXPECT_EQ(to_client->text_body.find("Answer"), std::string::npos);
  EXPECT_NE(to_staff->text_body.find("Answer"), std::string::npos);
  // Sent once.
  EXPECT_EQ(*SendCommentMails(sv_), 0);
  EXPECT_EQ(host_.mails.size(), 2u);
}

}  // namespace
}  // namespace cd
