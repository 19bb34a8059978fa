// tests/plugins/translation_gap_plugin.cc — a valid plugin whose Dutch catalog lacks a key: it
// loads (English is the fallback) but the loader warns the admin.
#include "host-api/plugin.h"

namespace {
crm::Status Register(crm::Registrar& r, crm::HostServices&) {
  CRM_RETURN_IF_ERROR(r.AddTranslations("en", {{"gap.title", "Title"}, {"gap.help", "Help"}}));
  CRM_RETURN_IF_ERROR(r.AddTranslations("fr", {{"gap.title", "Titre"}, {"gap.help", "Aide"}}));
  return r.AddTranslations("nl", {{"gap.title", "Titel"}});
}
}  // namespace

CRM_PLUGIN("test-translation-gap", "Translation gap", "1.0.0", Register)
