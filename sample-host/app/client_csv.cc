// sample-host/app/client_csv.cc — client export through ClientStore::ForEach (one streamed query)
// and import through ClientStore::Create/Update, so CSV rows obey exactly the validation of the API
// and pages.
#include "sample-host/app/client_csv.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <set>

#include "sample-host/app/csv.h"
#include "sample-host/core/logger.h"  // FormatIsoUtc
#include "text/text.h"

namespace host {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kMaxImportRows = 100000;

std::string ValueText(const crm::SqlValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return "";
}

std::string JoinTags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : ",") + t;
  return out;
}

std::vector<std::string> SplitTags(std::string_view s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t end = s.find(',', pos);
    if (end == std::string_view::npos) end = s.size();
    out.emplace_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

// Lower case without the spaces spreadsheets sometimes keep around header names and values.
std::string Folded(std::string_view s) { return crm::text::ToLowerAscii(crm::text::Trim(s)); }

std::vector<std::string> ClientFields(const Client& c) {
  return {std::to_string(c.id),
          c.first_name,
          c.last_name,
          c.email,
          c.phone,
          c.mobile,
          c.website,
          c.birth_date,
          c.gender,
          c.language,
          c.address.street,
          c.address.postal_code,
          c.address.city,
          c.address.region,
          c.address.country,
          c.company,
          c.vat_number,
          c.tax_code,
          JoinTags(c.tags),
          c.login_enabled ? "yes" : "no",
          c.created_at ? FormatIsoUtc(c.created_at) : ""};
}

// Issue 14's columns, after the ones above (ClientProfileCsvColumns order).
void AppendProfileFields(const Client& c, std::vector<std::string>& out) {
  for (const ClientAddress* a : {&c.billing_address, &c.delivery_address}) {
    for (const std::string* v : {&a->street, &a->postal_code, &a->city, &a->region, &a->country}) {
      out.push_back(*v);
    }
  }
  const ClientOrigin& o = c.origin;
  for (const std::string* v : {&o.source, &o.medium, &o.campaign, &o.referrer, &o.device}) {
    out.push_back(*v);
  }
  out.push_back(c.newsletter.status);
  out.push_back(JoinTags(c.newsletter.lists));
}

const std::vector<std::string>& ClientProfileCsvColumns() {
  static const std::vector<std::string> cols = {
      "billing_street",  "billing_postal_code", "billing_city",         "billing_region",
      "billing_country", "delivery_street",     "delivery_postal_code", "delivery_city",
      "delivery_region", "delivery_country",    "origin_source",        "origin_medium",
      "origin_campaign", "origin_referrer",     "origin_device",        "newsletter_status",
      "newsletter_lists"};
  return cols;
}

}  // namespace

const std::vector<std::string>& ClientCsvColumns() {
  static const std::vector<std::string> cols = {
      "id",      "first_name",    "last_name", "email",    "phone",      "mobile",
      "website", "birth_date",    "gender",    "language", "street",     "postal_code",
      "city",    "region",        "country",   "company",  "vat_number", "tax_code",
      "tags",    "login_enabled", "created_at"};
  static const std::vector<std::string>* all = [] {
    auto* v = new std::vector<std::string>(cols);
    v->insert(v->end(), ClientProfileCsvColumns().begin(), ClientProfileCsvColumns().end());
    return v;
  }();
  return *all;
}

crm::Status ExportClientsCsv(ClientStore& store, const ClientListQuery& query,
                             const CsvExportOptions& options,
                             const std::function<crm::Status(std::string_view chunk)>& write) {
  const char sep = options.separator == ';' ? ';' : ',';
  std::string buffer;
  if (options.bom) buffer += csv::kUtf8Bom;
  crm::Status write_status;
  auto flush = [&](bool force) {
    if (!write_status.ok()) return;
    if (buffer.size() >= kChunk || (force && !buffer.empty())) {
      write_status = write(buffer);
      buffer.clear();
    }
  };
  crm::Status s = store.ForEach(
      query,
      [&](const std::vector<ClientListColumn>& columns) {
        std::vector<std::string> header = ClientCsvColumns();
        for (const auto& c : columns) header.push_back(c.key);
        buffer += csv::Row(header, sep);
      },
      [&](const ClientListRow& row) {
        std::vector<std::string> fields = ClientFields(row.client);
        AppendProfileFields(row.client, fields);
        for (const auto& v : row.column_values) fields.push_back(ValueText(v));
        buffer += csv::Row(fields, sep);
        flush(false);
        return write_status.ok();
      });
  if (!s.ok()) return s;
  flush(true);
  return write_status;
}

namespace {

// One CSV record read through the header's column names.
class CsvRow {
 public:
  CsvRow(const std::map<std::string, size_t>& index, const csv::Record& record)
      : index_(index), record_(record) {}
  // The field of column `name` (unguarded), or nullopt when the header has no such column.
  std::optional<std::string> Get(const std::string& name) const {
    auto it = index_.find(name);
    if (it == index_.end() || it->second >= record_.fields.size()) return std::nullopt;
    return csv::Unguard(record_.fields[it->second]);
  }

 private:
  const std::map<std::string, size_t>& index_;
  const csv::Record& record_;
};

// The client a row with an `id` updates, or nullopt (the row creates one). An id from
// another database (or from a row created by this very import) may name an unrelated
// client: update only when the row also names the same person (same email, or same first
// and last name); otherwise create, never overwrite.
std::optional<Client> ClientToUpdate(ClientStore& store, const CsvRow& row,
                                     const std::set<int64_t>& created_here) {
  std::optional<int64_t> id = crm::text::ParseId(row.Get("id"));
  if (!id || created_here.count(*id) != 0) return std::nullopt;
  auto existing = store.Get(*id);
  if (!existing.ok()) return std::nullopt;
  std::string email = Folded(row.Get("email").value_or(""));
  bool same_email = !existing->email.empty() && Folded(existing->email) == email;
  bool same_name = row.Get("last_name").value_or("") == existing->last_name &&
                   row.Get("first_name").value_or("") == existing->first_name &&
                   !(existing->last_name.empty() && existing->first_name.empty());
  if (!same_email && !same_name) return std::nullopt;
  return std::move(*existing);
}

// Issue 14's columns (the origin is kept only when the row creates a client).
void ApplyCsvProfile(const CsvRow& row, Client& c) {
  const std::vector<std::string>& names = ClientProfileCsvColumns();
  std::string* fields[] = {&c.billing_address.street,
                           &c.billing_address.postal_code,
                           &c.billing_address.city,
                           &c.billing_address.region,
                           &c.billing_address.country,
                           &c.delivery_address.street,
                           &c.delivery_address.postal_code,
                           &c.delivery_address.city,
                           &c.delivery_address.region,
                           &c.delivery_address.country,
                           &c.origin.source,
                           &c.origin.medium,
                           &c.origin.campaign,
                           &c.origin.referrer,
                           &c.origin.device,
                           &c.newsletter.status};
  for (size_t i = 0; i < std::size(fields); ++i) {
    if (auto v = row.Get(names[i])) *fields[i] = *v;
  }
  if (auto lists = row.Get("newsletter_lists")) {
    c.newsletter.lists.clear();
    if (!crm::text::Trim(*lists).empty()) c.newsletter.lists = SplitTags(*lists);
  }
}

// Copies the row's columns onto `c`. login_enabled and created_at are not imported:
// logins are turned on by an admin on purpose, one client at a time.
void ApplyCsvRow(const CsvRow& row, Client& c) {
  struct Field {
    const char* name;
    std::string Client::*field;
  };
  static constexpr Field kFields[] = {
      {"first_name", &Client::first_name}, {"last_name", &Client::last_name},
      {"email", &Client::email},           {"phone", &Client::phone},
      {"mobile", &Client::mobile},         {"website", &Client::website},
      {"birth_date", &Client::birth_date}, {"gender", &Client::gender},
      {"language", &Client::language},     {"company", &Client::company},
      {"vat_number", &Client::vat_number}, {"tax_code", &Client::tax_code},
  };
  for (const Field& f : kFields) {
    if (auto v = row.Get(f.name)) c.*f.field = *v;
  }
  struct AddressField {
    const char* name;
    std::string ClientAddress::*field;
  };
  static constexpr AddressField kAddress[] = {
      {"street", &ClientAddress::street},   {"postal_code", &ClientAddress::postal_code},
      {"city", &ClientAddress::city},       {"region", &ClientAddress::region},
      {"country", &ClientAddress::country},
  };
  for (const AddressField& f : kAddress) {
    if (auto v = row.Get(f.name)) c.address.*f.field = *v;
  }
  if (auto t = row.Get("tags")) c.tags = SplitTags(*t);
  ApplyCsvProfile(row, c);
}

// Imports one record (not the header); `created_here` collects the ids it creates.
CsvImportResult ImportRecord(ClientStore& store, const std::map<std::string, size_t>& index,
                             size_t header_fields, const csv::Record& rec,
                             std::set<int64_t>& created_here) {
  CsvImportResult res;
  res.line = rec.line;
  if (rec.fields.size() != header_fields) {
    res.message = "expected " + std::to_string(header_fields) + " fields, found " +
                  std::to_string(rec.fields.size());
    return res;
  }
  CsvRow row(index, rec);
  std::optional<Client> existing = ClientToUpdate(store, row, created_here);
  bool update = existing.has_value();
  Client c = update ? std::move(*existing) : Client();
  ApplyCsvRow(row, c);
  auto saved = update ? store.Update(std::move(c)) : store.Create(std::move(c));
  if (!saved.ok()) {
    res.message = saved.status().message();
    return res;
  }
  res.ok = true;
  res.client_id = saved->id;
  res.message = update ? "updated" : "created";
  if (!update) created_here.insert(saved->id);
  return res;
}

}  // namespace

crm::Result<std::vector<CsvImportResult>> ImportClientsCsv(ClientStore& store,
                                                           std::string_view text) {
  CRM_ASSIGN_OR_RETURN(std::vector<csv::Record> records, csv::Parse(text));
  if (records.empty()) return crm::InvalidArgument("csv: empty file");
  // Map header names to positions.
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < records[0].fields.size(); ++i) {
    index.emplace(Folded(records[0].fields[i]), i);
  }
  bool usable = index.count("last_name") || index.count("first_name") || index.count("company");
  if (!usable) {
    return crm::InvalidArgument(
        "csv: the first line must name the columns (at least one of first_name, last_name, "
        "company)");
  }
  if (records.size() - 1 > kMaxImportRows) {
    return crm::InvalidArgument("csv: at most " + std::to_string(kMaxImportRows) +
                                " rows per import");
  }
  std::vector<CsvImportResult> results;
  std::set<int64_t> created_here;
  for (size_t r = 1; r < records.size(); ++r) {
    results.push_back(
        ImportRecord(store, index, records[0].fields.size(), records[r], created_here));
  }
  return results;
}

}  // namespace host
