// tests/core/elf_manifest_test.cc — the ELF reader and the manifest parser, on real test plugins
// and on hostile inputs (truncated and corrupted copies must give errors, never crash).
#include "sample-host/core/elf_manifest.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>

#include "host-api/version.h"
#include "tests/core/temp_dir.h"

namespace host {
namespace {

const std::filesystem::path kPlugins = CRM_TEST_PLUGIN_DIR;

TEST(ElfManifestTest, ReadsManifestAndExportsOfAGoodPlugin) {
  auto f = ReadElfPluginFile(kPlugins / "test_plugin_good.so");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_TRUE(f->manifest_text);
  EXPECT_TRUE(f->Exports(CRM_PLUGIN_ENTRY_SYMBOL));
  EXPECT_FALSE(f->Exports("Register"));  // hidden visibility
  auto m = ParseManifest(*f->manifest_text);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->id, "test-good");
  EXPECT_EQ(m->name, "Good test plugin");
  EXPECT_EQ(m->version, "1.0.0");
  EXPECT_EQ(m->api_major, CRM_HOST_API_MAJOR);
  EXPECT_EQ(m->toolchain, CRM_TOOLCHAIN_FINGERPRINT);
  EXPECT_TRUE(
      CheckManifestCompatible(*m, CRM_HOST_API_MAJOR, CRM_HOST_API_MINOR, CRM_TOOLCHAIN_FINGERPRINT)
          .ok());
}

TEST(ElfManifestTest, PlainLibraryHasNoManifestAndMissingEntryIsSeen) {
  auto plain = ReadElfPluginFile(kPlugins / "test_plugin_no_manifest.so");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->manifest_text);
  auto missing = ReadElfPluginFile(kPlugins / "test_plugin_missing_entry.so");
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->manifest_text);
  EXPECT_FALSE(missing->Exports(CRM_PLUGIN_ENTRY_SYMBOL));
  EXPECT_TRUE(missing->Exports("crm_plugin_entry_v0"));
}

TEST(ElfManifestTest, NonElfInputsAreNotLoadable) {
  testing::TempDir dir;
  testing::WriteFile(dir.path() / "empty.so", "");
  testing::WriteFile(dir.path() / "text.so", "this is not a library\n");
  auto empty = ReadElfPluginFile(dir.path() / "empty.so");
  EXPECT_EQ(empty.status().code(), crm::StatusCode::kInvalidArgument);
  EXPECT_NE(empty.status().message().find("not a loadable library"), std::string::npos);
  auto text = ReadElfPluginFile(dir.path() / "text.so");
  EXPECT_NE(text.status().message().find("not a loadable library"), std::string::npos);
  EXPECT_EQ(ReadElfPluginFile(dir.path() / "absent.so").status().code(),
            crm::StatusCode::kNotFound);
  // An executable is ELF but not ET_DYN... or is PIE (ET_DYN); a relocatable object is neither.
  std::string obj = testing::ReadFile(kPlugins / "test_plugin_good.so");
  ASSERT_GT(obj.size(), sizeof(Elf64_Ehdr));
  Elf64_Ehdr eh;
  std::memcpy(&eh, obj.data(), sizeof eh);
  eh.e_type = ET_REL;
  std::memcpy(obj.data(), &eh, sizeof eh);
  testing::WriteFile(dir.path() / "rel.so", obj);
  EXPECT_NE(ReadElfPluginFile(dir.path() / "rel.so").status().message().find("not a shared object"),
            std::string::npos);
  eh.e_type = ET_DYN;
  eh.e_machine = EM_ARM;
  std::memcpy(obj.data(), &eh, sizeof eh);
  testing::WriteFile(dir.path() / "arm.so", obj);
  EXPECT_NE(ReadElfPluginFile(dir.path() / "arm.so").status().message().find("another machine"),
            std::string::npos);
}

TEST(ElfManifestTest, TruncatedAndCorruptedCopiesNeverCrash) {
  testing::TempDir dir;
  const std::string good = testing::ReadFile(kPlugins / "test_plugin_good.so");
  ASSERT_GT(good.size(), 4096u);
  int errors = 0;
  // Truncations at many lengths, including inside the section header table at the end.
  for (size_t len : {size_t{0}, size_t{4}, size_t{63}, size_t{64}, size_t{1000}, good.size() / 2,
                     good.size() - 1, good.size() - 64, good.size() - 65}) {
    testing::WriteFile(dir.path() / "t.so", good.substr(0, len));
    if (!ReadElfPluginFile(dir.path() / "t.so").ok()) ++errors;
  }
  EXPECT_EQ(errors, 9);  // every truncation is detected
  // Flipping bytes of the header fields that hold offsets and counts.
  Elf64_Ehdr eh;
  std::memcpy(&eh, good.data(), sizeof eh);
  const uint64_t shdrs = eh.e_shoff;
  uint32_t seed = 12345;
  for (int i = 0; i < 400; ++i) {
    std::string bad = good;
    seed = seed * 1103515245u + 12345u;
    size_t span = static_cast<size_t>(eh.e_shnum) * sizeof(Elf64_Shdr);
    size_t pos =
        (i % 2 == 0) ? (seed % sizeof(Elf64_Ehdr)) : static_cast<size_t>(shdrs + seed % span);
    bad[pos] = static_cast<char>(seed >> 8);
    testing::WriteFile(dir.path() / "c.so", bad);
    auto r = ReadElfPluginFile(dir.path() / "c.so");  // must simply return
    (void)r;
  }
  SUCCEED();
}

TEST(ElfManifestTest, ParseManifestRefusesBadText) {
  EXPECT_FALSE(ParseManifest("").ok());
  EXPECT_FALSE(ParseManifest("crm-plugin-manifest/2\nid=x\n").ok());
  EXPECT_FALSE(ParseManifest("crm-plugin-manifest/1\nid=x\n").ok());  // missing keys
  const std::string base =
      "crm-plugin-manifest/1\nid=x\nversion=1\ntoolchain=t\nentry=e\napi_major=1\n";
  EXPECT_TRUE(ParseManifest(base + "api_minor=0\n").ok());
  EXPECT_FALSE(ParseManifest(base + "api_minor=zero\n").ok());
  EXPECT_FALSE(ParseManifest(base + "api_minor=0\ngarbage line\n").ok());
  auto m = ParseManifest(base + "api_minor=3\nextra=a=b\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->api_minor, 3);
  EXPECT_EQ(m->fields.at("extra"), "a=b");
  EXPECT_EQ(m->name, "x");  // name defaults to the id
}

TEST(ElfManifestTest, CompatibilityRules) {
  PluginManifest m;
  m.api_major = 1;
  m.api_minor = 2;
  m.toolchain = "tc";
  EXPECT_TRUE(CheckManifestCompatible(m, 1, 2, "tc").ok());
  EXPECT_TRUE(CheckManifestCompatible(m, 1, 5, "tc").ok());
  auto minor = CheckManifestCompatible(m, 1, 1, "tc");
  EXPECT_NE(minor.message().find("newer than this host's 1.1"), std::string::npos)
      << minor.message();
  auto major = CheckManifestCompatible(m, 2, 9, "tc");
  EXPECT_NE(major.message().find("major 1"), std::string::npos) << major.message();
  auto tc = CheckManifestCompatible(m, 1, 2, "other");
  EXPECT_NE(tc.message().find("plugin \"tc\", host \"other\""), std::string::npos) << tc.message();
}

}  // namespace
}  // namespace host
