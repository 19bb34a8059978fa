// sample-host/web/client_profile_page.cc — the admin client profile (SPEC H3, H4, H6): sections and
// edit form, plugin summary boxes and tabs, login management, the action history, and deletion.
#include <cctype>
#include <exception>
#include <map>

#include "sample-host/app/client_profile.h"
#include "sample-host/app/custom_actions.h"
#include "sample-host/app/device_store.h"
#include "sample-host/app/money.h"
#include "sample-host/core/plugin_call.h"
#include "sample-host/web/avatar_pages.h"
#include "sample-host/web/html.h"
#include "sample-host/web/page_routes.h"
#include "sample-host/web/page_support.h"
#include "sample-host/web/timeline_text.h"
#include "sample-host/web/user_messages.h"
#include "text/text.h"

namespace host::web {
namespace {

using Layout = crm::PageReply::Layout;

struct FieldSpec {
  std::string_view name;
  std::string_view type;  // input type, or "language"
  std::string_view autocomplete;
};
struct SectionSpec {
  std::string_view id;
  std::vector<FieldSpec> fields;
};

const std::vector<SectionSpec>& Sections() {
  static const auto* sections = new std::vector<SectionSpec>{
      {"personal",
       {{"first_name", "text", "given-name"},
        {"last_name", "text", "family-name"},
        {"birth_date", "date", "bday"},
        {"gender", "gender", "sex"},
        {"language", "language", ""}}},
      {"contact",
       {{"email", "email", "email"},
        {"phone", "tel", "tel"},
        {"mobile", "tel", "tel"},
        {"website", "url", "url"}}},
      {"address",
       {{"street", "text", "street-address"},
        {"postal_code", "text", "postal-code"},
        {"city", "text", "address-level2"},
        {"region", "text", "address-level1"},
        {"country", "text", "country-name"}}},
      {"billing",
       {{"company", "text", "organization"},
        {"vat_number", "text", "off"},
        {"tax_code", "text", "off"},
        {"tags", "text", "off"}}},
      // Issue 14 (SPEC H11, H17).
      {"billing_address",
       {{"billing_street", "text", "billing street-address"},
        {"billing_postal_code", "text", "billing postal-code"},
        {"billing_city", "text", "billing address-level2"},
        {"billing_region", "text", "billing address-level1"},
        {"billing_country", "text", "billing country-name"}}},
      {"delivery_address",
       {{"delivery_street", "text", "shipping street-address"},
        {"delivery_postal_code", "text", "shipping postal-code"},
        {"delivery_city", "text", "shipping address-level2"},
        {"delivery_region", "text", "shipping address-level1"},
        {"delivery_country", "text", "shipping country-name"}}},
      {"newsletter",
       {{"newsletter_status", "newsletter_status", ""}, {"newsletter_lists", "text", "off"}}},
  };
  return *sections;
}

std::string JoinTags(const std::vector<std::string>& tags) {
  std::string out;
  for (const std::string& tag : tags) out += (out.empty() ? "" : ", ") + tag;
  return out;
}

// Issue 14's form fields: "billing_street" ... "delivery_country", the newsletter's; nullptr
// for any other name.
std::string* ProfileField(Client& c, std::string_view name) {
  for (auto [prefix, address] : {std::pair{std::string_view("billing_"), &c.billing_address},
                                 std::pair{std::string_view("delivery_"), &c.delivery_address}}) {
    if (name.substr(0, prefix.size()) != prefix) continue;
    std::string_view part = name.substr(prefix.size());
    if (part == "street") return &address->street;
    if (part == "postal_code") return &address->postal_code;
    if (part == "city") return &address->city;
    if (part == "region") return &address->region;
    if (part == "country") return &address->country;
  }
  if (name == "newsletter_status") return &c.newsletter.status;
  return nullptr;
}

std::string ProfileFieldValue(const Client& c, std::string_view name) {
  if (name == "newsletter_lists") return JoinTags(c.newsletter.lists);
  std::string* field = ProfileField(const_cast<Client&>(c), name);
  return field != nullptr ? *field : std::string();
}

std::string FieldValue(const Client& c, std::string_view name) {
  if (name == "first_name") return c.first_name;
  if (name == "last_name") return c.last_name;
  if (name == "birth_date") return c.birth_date;
  if (name == "gender") return c.gender;
  if (name == "language") return c.language;
  if (name == "email") return c.email;
  if (name == "phone") return c.phone;
  if (name == "mobile") return c.mobile;
  if (name == "website") return c.website;
  if (name == "street") return c.address.street;
  if (name == "postal_code") return c.address.postal_code;
  if (name == "city") return c.address.city;
  if (name == "region") return c.address.region;
  if (name == "country") return c.address.country;
  if (name == "company") return c.company;
  if (name == "vat_number") return c.vat_number;
  if (name == "tax_code") return c.tax_code;
  if (name == "tags") return JoinTags(c.tags);
  return ProfileFieldValue(c, name);
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Issue 14's fields from the form (every field of the sections that has one).
void ApplyProfileForm(const crm::Request& request, Client& c) {
  for (const SectionSpec& spec : Sections()) {
    for (const FieldSpec& f : spec.fields) {
      if (std::string* field = ProfileField(c, f.name)) {
        *field = request.FormValue(f.name).value_or("");
      }
    }
  }
  c.newsletter.lists = SplitCommas(request.FormValue("newsletter_lists").value_or(""));
}

// The editable fields of `client` from the submitted form; ids and login state are not form fields.
void ApplyForm(const crm::Request& request, Client& c) {
  auto get = [&](std::string_view name) { return request.FormValue(name).value_or(""); };
  c.first_name = get("first_name");
  c.last_name = get("last_name");
  c.birth_date = get("birth_date");
  c.gender = get("gender");
  c.language = get("language");
  c.email = get("email");
  c.phone = get("phone");
  c.mobile = get("mobile");
  c.website = get("website");
  c.address.street = get("street");
  c.address.postal_code = get("postal_code");
  c.address.city = get("city");
  c.address.region = get("region");
  c.address.country = get("country");
  c.company = get("company");
  c.vat_number = get("vat_number");
  c.tax_code = get("tax_code");
  c.tags = SplitCommas(get("tags"));
  ApplyProfileForm(request, c);
}

crm::ClientInfo InfoOf(const Client& c) {
  crm::ClientInfo info;
  info.id = c.id;
  info.first_name = c.first_name;
  info.last_name = c.last_name;
  info.email = c.email;
  info.company = c.company;
  info.language = c.language;
  info.login_enabled = c.login_enabled;
  return info;
}

// A select among the genders or the newsletter statuses (issue 14), labels translated.
void SetChoiceField(TemplateData& field, const Texts& texts, std::string_view type,
                    const std::string& value) {
  std::vector<std::pair<std::string, std::string>> choices;
  std::string shown;
  const std::vector<std::string>& values =
      type == "gender" ? ClientGenders() : NewsletterStatuses();
  for (const std::string& v : values) {
    std::string label = type == "gender"
                            ? texts.Get("client.gender_" + (v.empty() ? std::string("none") : v))
                            : texts.Get("newsletter.state_" + v);
    if (v == value) shown = label;
    choices.emplace_back(v, label);
  }
  field.set("is_select", true);
  field.set("choices", Choices(choices, value));
  field.set("shown", shown.empty() ? value : shown);
}

TemplateData SectionsData(const Texts& texts, const Client& c) {
  TemplateData sections(TemplateData::type::list);
  for (const SectionSpec& spec : Sections()) {
    TemplateData section;
    section.set("title", texts.Get("profile.section." + std::string(spec.id)));
    section.set("id", std::string(spec.id));
    TemplateData fields(TemplateData::type::list);
    for (const FieldSpec& f : spec.fields) {
      TemplateData field;
      std::string name(f.name);
      std::string value = FieldValue(c, f.name);
      field.set("name", name);
      field.set("dom_id", "client-" + name);
      field.set("label", texts.Get("client." + name));
      field.set("value", value);
      field.set("shown", value.empty() ? std::string("—") : value);
      field.set("type", std::string(f.type));
      field.set("autocomplete", std::string(f.autocomplete));
      bool is_language = f.type == "language";
      field.set("is_select", is_language);
      if (is_language) {
        std::vector<std::pair<std::string, std::string>> choices;
        for (std::string_view code : crm::kLanguages) {
          choices.emplace_back(std::string(code), std::string(LanguageName(code)));
        }
        field.set("choices", Choices(choices, c.language));
        field.set("shown", std::string(LanguageName(c.language)));
      }
      if (name == "tags") field.set("help", texts.Get("client.tags_help"));
      if (name == "newsletter_lists") field.set("help", texts.Get("client.newsletter_lists_help"));
      if (f.type == "gender" || f.type == "newsletter_status") {
        SetChoiceField(field, texts, f.type, value);
      }
      fields.push_back(field);
    }
    section.set("fields", fields);
    sections.push_back(section);
  }
  return sections;
}

std::string DisplayName(const Client& c) {
  std::string name = InfoOf(c).DisplayName();
  return name.empty() ? "#" + std::to_string(c.id) : name;
}

// The photo's URL under its generated name (issue 14), when the client has one.
void SetAvatar(TemplateData& data, const Client& c) {
  if (!c.avatar.empty()) data.set("avatar", AvatarUrl(c));
}

// The tabs the viewer may see: the profile itself, then each plugin tab.
TemplateData TabsData(const HookRegistry& registry, const Texts& texts,
                      const crm::Principal& viewer, int64_t id, std::string_view active_tab) {
  TemplateData tabs(TemplateData::type::list);
  TemplateData overview;
  overview.set("label", texts.Get("profile.tab_overview"));
  overview.set("href", "/admin/clients/" + std::to_string(id));
  overview.set("active", active_tab.empty());
  tabs.push_back(overview);
  for (const auto& tab : registry.profile_tabs()) {
    if (!tab.hook.permission.empty() && !viewer.HasPermission(tab.hook.permission)) continue;
    TemplateData item;
    std::string tab_id = tab.owner + "." + tab.hook.id;
    item.set("label", texts.Raw(tab.hook.title_key));
    item.set("href", "/admin/clients/" + std::to_string(id) + "/tabs/" + PercentEncode(tab_id));
    item.set("active", tab_id == active_tab);
    tabs.push_back(item);
  }
  return tabs;
}

// What people see of a plugin's failure: its message, but never the detail of an internal
// error (a thrown exception included), which is in the log.
std::string PluginErrorText(const crm::Status& error) {
  return error.code() == crm::StatusCode::kInternal ? std::string("internal error")
                                                    : error.message();
}

TemplateData BoxesData(const DepsPtr& deps, const crm::Principal& viewer, const Client& client) {
  TemplateData boxes(TemplateData::type::list);
  crm::ClientInfo info = InfoOf(client);
  for (const auto& box : deps->registry.summary_boxes()) {
    if (!box.hook.permission.empty() && !viewer.HasPermission(box.hook.permission)) continue;
    TemplateData item;
    item.set("id", box.owner + "." + box.hook.id);
    // A failing box shows its error (a thrown one only as "internal error", the detail is
    // in the log); the other boxes and the profile stay.
    crm::Result<std::string> html =
        CallPlugin(deps->logger, "summary box " + box.owner + "." + box.hook.id,
                   [&] { return box.hook.render(info, viewer); });
    if (html.ok()) {
      item.set("html", html.value());  // escaped by the plugin (host-api/hooks.h)
    } else {
      item.set("error", PluginErrorText(html.status()));
    }
    boxes.push_back(item);
  }
  return boxes;
}

// Sets "boxes" and "has_boxes" (the sidebar exists only when a plugin gives it something).
void SetBoxes(TemplateData& data, const DepsPtr& deps, const crm::Principal& viewer,
              const Client& client) {
  TemplateData boxes = BoxesData(deps, viewer, client);
  data.set("has_boxes", !boxes.list_value().empty());
  data.set("boxes", boxes);
}

// The host's own box at the top of the sidebar (issue 14): the key figures from the history
// (SPEC H12, money in the reader's format), the origin (H16) and quick contact links (H18).
void SetHostSidebar(TemplateData& data, const DepsPtr& deps, const Texts& texts,
                    const Client& client) {
  TemplateData box;
  if (auto stats = deps->timeline.Stats(client.id); stats.ok()) {
    box.set("last_action", stats->last_action_at > 0
                               ? FormatTime(stats->last_action_at, texts.language(), deps->zone)
                               : std::string("—"));
    box.set("purchases", std::to_string(stats->purchases));
    box.set("revenue", FormatMoney(stats->revenue_cents, texts.language()));
    box.set("support_requests", std::to_string(stats->support_requests));
  } else {
    box.set("stats_error", stats.status().message());
  }
  const ClientOrigin& o = client.origin;
  TemplateData origin(TemplateData::type::list);
  for (auto [key, value] : {std::pair{"source", &o.source}, std::pair{"medium", &o.medium},
                            std::pair{"campaign", &o.campaign}, std::pair{"referrer", &o.referrer},
                            std::pair{"device", &o.device}}) {
    if (value->empty()) continue;
    TemplateData item;
    item.set("label", texts.Get("profile.origin_" + std::string(key)));
    item.set("value", *value);
    origin.push_back(item);
  }
  box.set("has_origin", !origin.list_value().empty());
  box.set("origin", origin);
  std::string phone = InternationalPhone(client.mobile, client.address.country);
  if (!phone.empty()) {
    box.set("tel", "tel:" + phone);
    box.set("sms", "sms:" + phone);
    box.set("whatsapp", "https://wa.me/" + phone.substr(1));
  }
  TemplateData devices(TemplateData::type::list);
  DeviceStore store(deps->db, [&deps] { return deps->clock.NowUnix(); });
  if (auto listed = store.List(client.id); listed.ok()) {
    for (const ClientDevice& d : *listed) {
      TemplateData item;
      item.set("id", std::to_string(d.id));
      item.set("label", d.label.empty() ? d.platform : d.label);
      item.set("platform", d.platform);
      item.set("last_seen", FormatTime(d.last_seen_at, texts.language(), deps->zone));
      devices.push_back(item);
    }
  }
  box.set("has_devices", !devices.list_value().empty());
  box.set("devices", devices);
  data.set("host_box", box);
  data.set("has_boxes", true);
}

// H13: a custom action's id (for its delete form), its sanitised note (trusted: the store keeps
// only host::SanitizeRichText's output) and its files.
void SetCustomAction(TemplateData& e, const TimelineRecord& r,
                     const std::vector<Attachment>& files) {
  e.set("entry_id", std::to_string(r.id));
  e.set("custom", IsCustomActionType(r.type));
  if (!r.note_html.empty()) e.set("note_html", r.note_html);
  TemplateData list(TemplateData::type::list);
  for (const Attachment& a : files) {
    TemplateData f;
    f.set("name", a.file_name);
    f.set("href", "/admin/clients/" + std::to_string(a.client_id) + "/timeline/" +
                      std::to_string(a.entry_id) + "/attachments/" + std::to_string(a.id));
    list.push_back(f);
  }
  e.set("has_attachments", !files.empty());
  e.set("attachments", list);
}

struct TimelineFilter {
  std::string from, to, type;
};

TemplateData TimelineData(const DepsPtr& deps, const Texts& texts, int64_t client_id,
                          const TimelineFilter& filter) {
  TemplateData data;
  TimelineQuery query;
  query.client_id = client_id;
  int64_t from = ParseDate(filter.from), to = ParseDate(filter.to);
  if (from >= 0) query.from = from;
  if (to >= 0) query.to = to + 86400;  // the "to" day is included
  if (!filter.type.empty()) query.types.push_back(filter.type);
  data.set("from", filter.from);
  data.set("to", filter.to);
  std::vector<std::pair<std::string, std::string>> type_choices;
  if (auto types = deps->timeline.Types(client_id); types.ok()) {
    for (const std::string& t : types.value())
      type_choices.emplace_back(t, TimelineTypeLabel(texts, t));
  }
  data.set("types", Choices(type_choices, filter.type));
  TemplateData entries(TemplateData::type::list);
  crm::Result<std::vector<TimelineRecord>> records = deps->timeline.List(query);
  // H13: every attachment of the client in one query, drawn under its entry.
  std::map<int64_t, std::vector<Attachment>> files;
  if (auto all = ListAttachments(deps->db, client_id); all.ok()) {
    for (Attachment& a : *all) files[a.entry_id].push_back(std::move(a));
  }
  if (records.ok()) {
    for (const TimelineRecord& r : records.value()) {
      TemplateData e;
      SetCustomAction(e, r, files[r.id]);
      e.set("when", FormatTime(r.created_at, texts.language(), deps->zone));
      e.set("type", TimelineTypeLabel(texts, r.type));
      e.set("title", TimelineText(texts, r.title));
      e.set("detail", TimelineText(texts, r.detail));
      e.set("actor", r.actor);
      e.set("note", r.type == "host.note");
      if (r.amount_cents) e.set("amount", FormatMoney(*r.amount_cents, texts.language()));
      entries.push_back(e);
    }
  } else {
    data.set("error", records.status().message());
  }
  data.set("empty", records.ok() && records.value().empty());
  data.set("entries", entries);
  return data;
}

struct ProfileExtras {
  std::string form_error;          // shown above the edit form (validation)
  std::string action_error;        // shown at the top (delete refused, password...)
  const Client* edited = nullptr;  // values to re-show after a refused save
  int status = 200;
};

crm::Status ShowProfile(const DepsPtr& deps, crm::Request& request, crm::Response& response,
                        const Client& client, const ProfileExtras& extras) {
  PageContext page(deps->registry, request);
  const Texts& texts = page.texts();
  const crm::Principal& viewer = request.Caller();
  std::string base = "/admin/clients/" + std::to_string(client.id);
  TemplateData data;
  data.set("base", base);
  data.set("id", std::to_string(client.id));
  data.set("name", DisplayName(client));
  data.set("initials", ClientInitials(client));
  SetAvatar(data, client);
  data.set("email", client.email);
  data.set("language", client.language);
  data.set("created_at", FormatTime(client.created_at, texts.language(), deps->zone));
  data.set("sections", SectionsData(texts, extras.edited != nullptr ? *extras.edited : client));
  data.set("tabs", TabsData(deps->registry, texts, viewer, client.id, ""));
  SetBoxes(data, deps, viewer, client);
  SetHostSidebar(data, deps, texts, client);
  data.set("can_write", viewer.HasPermission("clients.write"));
  data.set("can_delete", viewer.HasPermission("clients.delete"));
  data.set("can_impersonate", viewer.HasPermission("clients.impersonate"));
  data.set("login_enabled", client.login_enabled);
  data.set("email_confirmed", client.email_confirmed);
  TimelineFilter filter{request.Query("from").value_or(""), request.Query("to").value_or(""),
                        request.Query("type").value_or("")};
  data.set("timeline", TimelineData(deps, texts, client.id, filter));
  if (!extras.form_error.empty()) data.set("form_error", extras.form_error);
  if (!extras.action_error.empty()) data.set("action_error", extras.action_error);
  std::string notice = NoticeText(texts, request.Query("notice").value_or(""));
  if (!notice.empty()) data.set("notice", notice);
  data.set("delete_confirm",
           texts.Format("profile.delete_confirm", {{"name", DisplayName(client)}}));
  return page.Send(response, "client_profile", data, DisplayName(client), Layout::kAdmin,
                   extras.status);
}

// The client named by the {id} path parameter; kNotFound for anything that is not an existing id.
crm::Result<Client> ClientFromPath(const DepsPtr& deps, const crm::Request& request) {
  std::optional<int64_t> id = ParseId(request.PathParam("id"));
  if (!id) return crm::NotFound("no such client");
  return deps->clients.Get(*id);
}

std::string Actor(const crm::Principal& viewer) {
  return "admin:" + (viewer.display_name.empty() ? viewer.email : viewer.display_name);
}

crm::Status ShowNewForm(const DepsPtr& deps, crm::Request& request, crm::Response& response,
                        const Client& client, std::string error, int status) {
  PageContext page(deps->registry, request);
  TemplateData data;
  data.set("sections", SectionsData(page.texts(), client));
  if (!error.empty()) data.set("form_error", error);
  return page.Send(response, "client_new", data, page.texts().Get("profile.new_title"),
                   Layout::kAdmin, status);
}

using Handler = crm::Status (*)(const DepsPtr&, crm::Request&, crm::Response&);

crm::Status Add(crm::Registrar& registrar, const DepsPtr& deps, std::string method,
                std::string pattern, std::string permission, Handler handler) {
  crm::Route route;
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  route.audience = AdminAudience(std::move(permission));
  route.handler = [deps, handler](crm::Request& request, crm::Response& response) {
    return handler(deps, request, response);
  };
  return registrar.AddRoute(std::move(route));
}

// After a POST on a profile: back to the profile with a notice code.
crm::Status BackToProfile(crm::Response& response, int64_t id, std::string_view notice) {
  return response.Redirect("/admin/clients/" + std::to_string(id) +
                           "?notice=" + std::string(notice));
}

// An action on a profile failed: a server error is answered as such (500); anything else
// is shown on the profile with its message (422).
crm::Status ShowActionError(const DepsPtr& d, crm::Request& rq, crm::Response& rs,
                            const Client& client, const crm::Status& error) {
  if (error.http_status() >= 500) return error;
  ProfileExtras extras;
  extras.action_error = UserMessage(PageContext(d->registry, rq).texts(), error.message());
  extras.status = 422;
  return ShowProfile(d, rq, rs, client, extras);
}

crm::Status HandleNewForm(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  return ShowNewForm(d, rq, rs, Client(), "", 200);
}

crm::Status HandleCreate(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  Client client;
  ApplyForm(rq, client);
  crm::Result<Client> created = d->clients.Create(client);
  if (!created.ok()) {
    if (created.status().http_status() >= 500) return created.status();
    return ShowNewForm(
        d, rq, rs, client,
        UserMessage(PageContext(d->registry, rq).texts(), created.status().message()), 422);
  }
  return BackToProfile(rs, created->id, "created");
}

crm::Status HandleShow(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(Client client, ClientFromPath(d, rq));
  return ShowProfile(d, rq, rs, client, {});
}

crm::Status HandleUpdate(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(Client client, ClientFromPath(d, rq));
  Client edited = client;
  ApplyForm(rq, edited);
  crm::Result<Client> saved = d->clients.Update(edited);
  if (!saved.ok()) {
    if (saved.status().http_status() >= 500) return saved.status();
    ProfileExtras extras;
    extras.form_error = UserMessage(PageContext(d->registry, rq).texts(), saved.status().message());
    extras.edited = &edited;
    extras.status = 422;
    return ShowProfile(d, rq, rs, client, extras);
  }
  crm::TimelineEntry entry{saved->id, "host.update", TimelineMessage("web.timeline.updated"), "",
                           Actor(rq.Caller())};
  if (auto added = d->timeline.Add(entry); !added.ok()) {
    d->logger.Warn("web", "timeline: " + added.status().ToString());
  }
  return BackToProfile(rs, saved->id, "saved");
}

crm::Status HandleDelete(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(Client client, ClientFromPath(d, rq));
  crm::Status deleted = d->clients.Delete(client.id);
  if (!deleted.ok()) {
    // A plugin refused (or the database failed): nothing was deleted; say why.
    d->logger.Warn("web", "delete client " + std::to_string(client.id) + ": " + deleted.ToString());
    PageContext page(d->registry, rq);
    ProfileExtras extras;
    extras.action_error = page.texts().Get("profile.delete_refused") + " " + deleted.message();
    extras.status = deleted.code() == crm::StatusCode::kInternal ? 500 : 409;
    return ShowProfile(d, rq, rs, client, extras);
  }
  return rs.Redirect("/admin/clients?notice=deleted");
}

crm::Status HandleLogin(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(Client client, ClientFromPath(d, rq));
  bool enable = rq.FormValue("enabled").value_or("") == "1";
  CRM_RETURN_IF_ERROR(d->clients.SetLoginEnabled(client.id, enable));
  return BackToProfile(rs, client.id, enable ? "login_enabled" : "login_disabled");
}

crm::Status HandlePassword(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(Client client, ClientFromPath(d, rq));
  bool generate = rq.FormValue("mode").value_or("") == "generate";
  crm::Status s;
  if (generate) {
    // The password goes to the client by mail only; it is not shown here.
    s = d->auth.GenerateClientPassword(client.id).status();
  } else {
    s = d->auth.SetClientPassword(client.id, rq.FormValue("password").value_or(""));
    // A client who cannot confirm their email (the admin gives them the password in
    // person) would otherwise be refused at login.
    if (s.ok() && rq.FormValue("confirm_email").value_or("") == "1") {
      s = d->auth.SetEmailConfirmed(client.id, true);
    }
  }
  if (!s.ok()) return ShowActionError(d, rq, rs, client, s);
  return BackToProfile(rs, client.id, generate ? "password_sent" : "password_set");
}

crm::Status HandleConfirmation(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(Client client, ClientFromPath(d, rq));
  crm::Status s = d->auth.SendEmailConfirmation(client.id);
  if (!s.ok()) return ShowActionError(d, rq, rs, client, s);
  return BackToProfile(rs, client.id, "confirmation_sent");
}

crm::Status HandleRemoveDevice(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(Client client, ClientFromPath(d, rq));
  std::optional<int64_t> device_id = ParseId(rq.PathParam("device_id"));
  if (!device_id) return crm::NotFound("no such device");
  DeviceStore store(d->db, [&d] { return d->clock.NowUnix(); });
  CRM_RETURN_IF_ERROR(store.Remove(client.id, *device_id));
  return BackToProfile(rs, client.id, "saved");
}

crm::Status HandleNote(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(Client client, ClientFromPath(d, rq));
  crm::Result<int64_t> added =
      d->timeline.AddNote(client.id, rq.FormValue("title").value_or(""),
                          rq.FormValue("note").value_or(""), Actor(rq.Caller()));
  if (!added.ok()) return ShowActionError(d, rq, rs, client, added.status());
  return rs.Redirect("/admin/clients/" + std::to_string(client.id) + "?notice=note_added#timeline");
}

// The tab named by {tab_id} ("<owner>.<id>", or the bare id), or nullptr.
const Registered<crm::ProfileTab>* FindTab(const HookRegistry& registry, std::string_view tab_id) {
  for (const auto& tab : registry.profile_tabs()) {
    if (tab.owner + "." + tab.hook.id == tab_id || tab.hook.id == tab_id) return &tab;
  }
  return nullptr;
}

crm::Status HandleTab(const DepsPtr& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(Client client, ClientFromPath(d, rq));
  const Registered<crm::ProfileTab>* found =
      FindTab(d->registry, rq.PathParam("tab_id").value_or(""));
  if (found == nullptr) return crm::NotFound("no such tab");
  const crm::Principal& viewer = rq.Caller();
  if (!found->hook.permission.empty() && !viewer.HasPermission(found->hook.permission)) {
    return crm::PermissionDenied("this tab needs the permission " + found->hook.permission);
  }
  PageContext page(d->registry, rq);
  TemplateData data;
  std::string canonical = found->owner + "." + found->hook.id;
  data.set("base", "/admin/clients/" + std::to_string(client.id));
  data.set("name", DisplayName(client));
  data.set("initials", ClientInitials(client));
  SetAvatar(data, client);
  data.set("email", client.email);
  data.set("language", client.language);
  data.set("tabs", TabsData(d->registry, page.texts(), viewer, client.id, canonical));
  SetBoxes(data, d, viewer, client);
  // A failing tab shows its error in the tab (a thrown one only as "internal error");
  // the profile around it stays.
  crm::Result<std::string> html = CallPlugin(
      d->logger, "tab " + canonical, [&] { return found->hook.render(InfoOf(client), rq); });
  if (rs.Started()) return crm::Status::Ok();  // the tab answered by itself
  if (html.ok()) {
    data.set("tab_html", html.value());
  } else {
    data.set("tab_error", PluginErrorText(html.status()));
  }
  return page.Send(rs, "client_tab", data,
                   DisplayName(client) + " · " + page.texts().Raw(found->hook.title_key),
                   Layout::kAdmin);
}

struct ProfileRoute {
  const char* method;
  const char* pattern;
  const char* permission;
  Handler handler;
};

constexpr ProfileRoute kProfileRoutes[] = {
    {"GET", "/admin/clients/new", "clients.write", HandleNewForm},
    {"POST", "/admin/clients/new", "clients.write", HandleCreate},
    {"GET", "/admin/clients/{id}", "clients.read", HandleShow},
    {"POST", "/admin/clients/{id}", "clients.write", HandleUpdate},
    {"POST", "/admin/clients/{id}/delete", "clients.delete", HandleDelete},
    {"POST", "/admin/clients/{id}/login", "clients.write", HandleLogin},
    {"POST", "/admin/clients/{id}/password", "clients.write", HandlePassword},
    {"POST", "/admin/clients/{id}/confirmation", "clients.write", HandleConfirmation},
    {"POST", "/admin/clients/{id}/timeline", "clients.write", HandleNote},
    {"POST", "/admin/clients/{id}/devices/{device_id}/delete", "clients.write", HandleRemoveDevice},
    {"GET", "/admin/clients/{id}/tabs/{tab_id}", "clients.read", HandleTab},
};

}  // namespace

crm::Status RegisterClientProfilePages(crm::Registrar& registrar, DepsPtr deps) {
  for (const ProfileRoute& r : kProfileRoutes) {
    CRM_RETURN_IF_ERROR(Add(registrar, deps, r.method, r.pattern, r.permission, r.handler));
  }
  return crm::Status::Ok();
}

}  // namespace host::web
