// tests/fuzz/csv_fuzz.cc — libFuzzer target: the CSV reader of the client import, and the
// writer/reader round trip (what Row writes, Parse reads back field for field).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sample-host/app/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto records = host::csv::Parse(text);
  if (!records.ok()) return 0;
  for (char separator : {';', ','}) {
    std::string written;
    for (const auto& record : *records) written += host::csv::Row(record.fields, separator);
    auto again = host::csv::Parse(written, separator);
    if (!again.ok()) __builtin_trap();
    // Blank records are skipped by the reader: compare the non-blank ones.
    std::vector<std::vector<std::string>> a, b;
    for (const auto& r : *records)
      if (!(r.fields.size() == 1 && r.fields[0].empty())) a.push_back(r.fields);
    for (const auto& r : *again)
      if (!(r.fields.size() == 1 && r.fields[0].empty())) b.push_back(r.fields);
    if (a.size() != b.size()) __builtin_trap();
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].size() != b[i].size()) __builtin_trap();
      for (size_t j = 0; j < a[i].size(); ++j)
        if (host::csv::Unguard(b[i][j]) != a[i][j] && b[i][j] != a[i][j]) __builtin_trap();
    }
  }
  return 0;
}
