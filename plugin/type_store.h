// plugin/type_store.h — document types (CD1): validation, storage in cd_types, ordering.
// Archiving (active=false) keeps a type's documents; deletion is refused while any exist.
#pragma once

#include <cstdint>
#include <vector>

#include "host-api/services.h"
#include "host-api/status.h"
#include "plugin/model.h"

namespace cd {

// Checks a complete type. kUnprocessable with "field: message" for the first rule
// broken (name.en required, max_size within (0, kMaxMaxSize], max_files in
// [1, kMaxMaxFiles], accept non-empty lower-case type/subtype, field keys unique).
crm::Status ValidateType(const DocumentType& type);

// Parses the seeds' form "Date of issue, Place of issue" into text fields with unique
// slug keys ("date_of_issue", "place_of_issue"; a repeated slug gets "_2", "_3").
// The labels are English (the default language).
std::vector<FieldDef> FieldsFromLabels(std::string_view comma_separated);

// Sets the `language` ("fr", "nl") labels of `fields` from the same comma-separated form,
// by position ("Date d'émission, Lieu d'émission"); an empty item or a missing tail leaves
// that field without a translation. kUnprocessable when there are more labels than fields.
crm::Status SetLabelTranslations(std::vector<FieldDef>& fields, std::string_view language,
                                 std::string_view comma_separated);

// Thread-safe (each call runs on the host's Database).
class TypeStore {
 public:
  explicit TypeStore(crm::HostServices& host);

  // Every type ordered by position then id; only active ones unless include_inactive.
  crm::Result<std::vector<DocumentType>> List(bool include_inactive) const;
  // kNotFound when there is no such type.
  crm::Result<DocumentType> Get(int64_t id) const;
  // Creates a type from the draft plus defaults (position: after the last). kUnprocessable
  // when invalid (see ValidateType), kInvalidArgument when name is missing.
  crm::Result<DocumentType> Create(const TypeDraft& draft);
  // Applies the set members of the draft; kNotFound, kUnprocessable.
  crm::Result<DocumentType> Update(int64_t id, const TypeDraft& draft);
  // Deletes a type that no client has a document (current or archived) of; kConflict
  // otherwise (archive it with active=false instead), kNotFound when absent.
  crm::Status Delete(int64_t id);
  // Swaps the type with its neighbour above (`up`) or below in the list order, renumbering
  // every position 0..n-1 in one transaction. kNotFound when absent; the first type moved
  // up (or the last down) stays where it is.
  crm::Status Move(int64_t id, bool up);

 private:
  crm::HostServices& host_;
};

}  // namespace cd
