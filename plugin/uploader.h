// plugin/uploader.h — who uploaded or archived a document, as a reader should see it (issue
// 15.12): the stored actor label (ActorLabel) becomes a name, "you" or "API"; the store is as is.
#pragma once

#include <string>
#include <string_view>

namespace cd {

// The words of the reader's language the text is made of (the pages' translations).
struct UploaderWords {
  std::string you;     // the client reading their own documents: "you", "vous", "u"
  std::string client;  // a client whose name is not known: "the client"
  std::string api;     // any API token: "API"
};

// The text for the stored label `stored` (access.h, ActorLabel: "admin:Marie Dupont",
// "client", "api:token of a@b.c"):
//   "admin:<name>"  -> <name> (a staff member's name or, without one, their email);
//   "client"        -> words.you when `reader_is_the_client`, else `client_name`, else
//                      words.client;
//   "api:..."       -> words.api (a token's owner is not shown to anyone);
//   anything else   -> as stored, "" staying "".
std::string UploaderText(std::string_view stored, bool reader_is_the_client,
                         std::string_view client_name, const UploaderWords& words);

}  // namespace cd
