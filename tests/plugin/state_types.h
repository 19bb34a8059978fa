// tests/plugin/state_types.h — the document types the state and client-set tests make: with
// review or not, with an expiry date field ("valid_until") or not.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "plugin/model.h"
#include "plugin/services.h"

namespace cd_test {

// A failure is reported and gives a type of id 0.
inline cd::DocumentType MakeStateType(cd::Services& sv, const std::string& name, bool review,
                                      bool dated) {
  cd::TypeDraft d;
  d.name = cd::LocalizedText{name, "", ""};
  d.review = review;
  if (dated) {
    d.fields = std::vector<cd::FieldDef>{
        {"valid_until", {"Valid until", "", ""}, cd::FieldType::kDate, false}};
    d.expiry_field = "valid_until";
  }
  auto t = sv.types().Create(d);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : cd::DocumentType{};
}

}  // namespace cd_test
