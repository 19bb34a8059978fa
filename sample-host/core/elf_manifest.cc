// sample-host/core/elf_manifest.cc — a minimal, defensive ELF64 reader (section headers, one named
// section, .dynsym) and the manifest parser. The file is only mapped read-only, never mapped
// executable or dlopen()ed.
#include "sample-host/core/elf_manifest.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <limits>
#include <utility>

#include "host-api/version.h"

namespace host {
namespace {

// Plugins are small; anything far larger is not one of ours (and would cost memory to read).
constexpr uint64_t kMaxPluginFileBytes = 512ull << 20;

#if defined(__x86_64__)
constexpr uint16_t kMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kMachine = EM_AARCH64;
#else
#error "sample-host: add this machine's ELF e_machine value"
#endif

crm::Status NotLoadable(const std::string& why) {
  return crm::InvalidArgument("not a loadable library: " + why);
}

// True when [offset, offset + size) lies inside a buffer of `total` bytes (no overflow).
bool InRange(uint64_t offset, uint64_t size, uint64_t total) {
  return offset <= total && size <= total - offset;
}

template <typename T>
T ReadStruct(std::string_view bytes, uint64_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));  // memcpy: the file may be unaligned
  return value;
}

// A NUL-terminated name inside [table_offset, table_offset + table_size), or nullopt.
std::optional<std::string_view> NameAt(std::string_view bytes, uint64_t table_offset,
                                       uint64_t table_size, uint64_t index) {
  if (index >= table_size) return std::nullopt;
  const char* start = bytes.data() + table_offset + index;
  size_t max = static_cast<size_t>(table_size - index);
  const void* nul = std::memchr(start, '\0', max);
  if (!nul) return std::nullopt;
  return std::string_view(start, static_cast<const char*>(nul) - start);
}

}  // namespace

bool ElfPluginFile::Exports(std::string_view symbol) const {
  for (const auto& s : exported_symbols) {
    if (s == symbol) return true;
  }
  return false;
}

// The file mapped read-only (never executable): only the pages the reader touches (headers,
// section names, the manifest, .dynsym) become resident. Reading a plugin with its debug
// information whole cost its size in RSS at every start (85 MiB, issue 9's memory target).
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  MappedFile& operator=(MappedFile&&) = delete;
  ~MappedFile() {
    if (data_) ::munmap(data_, size_);
  }
  std::string_view bytes() const {
    return data_ ? std::string_view(static_cast<const char*>(data_), size_) : std::string_view();
  }
  // Maps `size` bytes of `fd` (0 bytes: an empty view).
  bool Map(int fd, size_t size) {
    if (size == 0) return true;
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) return false;
    data_ = p;
    size_ = size;
    return true;
  }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

// The whole file, at most kMaxPluginFileBytes, mapped read-only.
crm::Result<MappedFile> ReadWholeFile(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return crm::NotFound(file.string() + " is not a regular file");
  uint64_t size = std::filesystem::file_size(file, ec);
  if (ec) return crm::NotFound("cannot stat " + file.string() + ": " + ec.message());
  if (size > kMaxPluginFileBytes) return NotLoadable("file larger than 512 MiB");
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return crm::NotFound("cannot open " + file.string());
  MappedFile mapped;
  const bool ok = mapped.Map(fd, static_cast<size_t>(size));
  ::close(fd);  // the mapping stays valid
  if (!ok) return crm::NotFound("cannot read " + file.string());
  return mapped;
}

// The ELF header, checked to be a 64-bit little-endian shared object for this machine
// with section headers of the expected size.
crm::Result<Elf64_Ehdr> CheckElfHeader(std::string_view bytes) {
  const uint64_t total = bytes.size();
  if (total == 0) return NotLoadable("empty file");
  if (total < SELFMAG || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0)
    return NotLoadable("no ELF signature");
  if (total < sizeof(Elf64_Ehdr)) return NotLoadable("too short for an ELF header");
  auto eh = ReadStruct<Elf64_Ehdr>(bytes, 0);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) return NotLoadable("not a 64-bit ELF file");
  if (eh.e_ident[EI_DATA] != ELFDATA2LSB) return NotLoadable("not little-endian");
  if (eh.e_ident[EI_VERSION] != EV_CURRENT) return NotLoadable("unknown ELF version");
  if (eh.e_type != ET_DYN)
    return NotLoadable("not a shared object (ELF type " + std::to_string(eh.e_type) + ")");
  if (eh.e_machine != kMachine)
    return NotLoadable("built for another machine (e_machine " + std::to_string(eh.e_machine) +
                       ")");
  if (eh.e_shoff == 0) return NotLoadable("no section headers");
  if (eh.e_shentsize != sizeof(Elf64_Shdr)) return NotLoadable("unexpected section header size");
  return eh;
}

crm::Result<ElfPluginFile> ReadElfPluginFile(const std::filesystem::path& file) {
  CRM_ASSIGN_OR_RETURN(MappedFile mapped, ReadWholeFile(file));
  const std::string_view bytes = mapped.bytes();
  CRM_ASSIGN_OR_RETURN(Elf64_Ehdr eh, CheckElfHeader(bytes));
  const uint64_t total = bytes.size();

  // Section count and name-table index may overflow into section 0 (ELF gABI).
  if (!InRange(eh.e_shoff, sizeof(Elf64_Shdr), total))
    return NotLoadable("section headers outside the file");
  auto sh0 = ReadStruct<Elf64_Shdr>(bytes, eh.e_shoff);
  uint64_t shnum = eh.e_shnum != 0 ? eh.e_shnum : sh0.sh_size;
  uint64_t shstrndx = eh.e_shstrndx != SHN_XINDEX ? eh.e_shstrndx : sh0.sh_link;
  if (shnum == 0 || shnum > total / sizeof(Elf64_Shdr)) return NotLoadable("bad section count");
  if (!InRange(eh.e_shoff, shnum * sizeof(Elf64_Shdr), total))
    return NotLoadable("section headers outside the file");
  if (shstrndx >= shnum) return NotLoadable("bad section name table index");

  auto section = [&](uint64_t i) {
    return ReadStruct<Elf64_Shdr>(bytes, eh.e_shoff + i * sizeof(Elf64_Shdr));
  };
  // Section data range, with SHT_NOBITS (no bytes in the file) counted as empty.
  auto data_ok = [&](const Elf64_Shdr& s) {
    return s.sh_type == SHT_NOBITS || InRange(s.sh_offset, s.sh_size, total);
  };

  Elf64_Shdr names = section(shstrndx);
  if (names.sh_type != SHT_STRTAB || !data_ok(names)) return NotLoadable("bad section name table");

  ElfPluginFile out;
  std::optional<Elf64_Shdr> dynsym;
  for (uint64_t i = 0; i < shnum; ++i) {
    Elf64_Shdr s = section(i);
    if (s.sh_type == SHT_DYNSYM && !dynsym) dynsym = s;
    auto name = NameAt(bytes, names.sh_offset, names.sh_size, s.sh_name);
    if (!name || *name != CRM_PLUGIN_MANIFEST_SECTION) continue;
    if (s.sh_type == SHT_NOBITS || !data_ok(s))
      return NotLoadable("manifest section outside the file");
    std::string_view text(bytes.data() + s.sh_offset, static_cast<size_t>(s.sh_size));
    size_t nul = text.find('\0');
    if (nul != std::string_view::npos) text = text.substr(0, nul);
    out.manifest_text = std::string(text);
  }

  if (!dynsym) return NotLoadable("no dynamic symbol table");
  if (!data_ok(*dynsym) || dynsym->sh_type == SHT_NOBITS)
    return NotLoadable("dynamic symbol table outside the file");
  if (dynsym->sh_link >= shnum) return NotLoadable("bad dynamic string table index");
  Elf64_Shdr dynstr = section(dynsym->sh_link);
  if (dynstr.sh_type != SHT_STRTAB || !data_ok(dynstr))
    return NotLoadable("bad dynamic string table");
  uint64_t count = dynsym->sh_size / sizeof(Elf64_Sym);
  for (uint64_t i = 1; i < count; ++i) {  // symbol 0 is the reserved null symbol
    auto sym = ReadStruct<Elf64_Sym>(bytes, dynsym->sh_offset + i * sizeof(Elf64_Sym));
    if (sym.st_shndx == SHN_UNDEF) continue;
    unsigned bind = ELF64_ST_BIND(sym.st_info);
    if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE) continue;
    unsigned visibility = ELF64_ST_VISIBILITY(sym.st_other);
    if (visibility != STV_DEFAULT && visibility != STV_PROTECTED) continue;
    auto name = NameAt(bytes, dynstr.sh_offset, dynstr.sh_size, sym.st_name);
    if (name && !name->empty()) out.exported_symbols.emplace_back(*name);
  }
  return out;
}

crm::Result<PluginManifest> ParseManifest(std::string_view text) {
  constexpr std::string_view kHeader = "crm-plugin-manifest/1";
  PluginManifest m;
  size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first) {
      if (line != kHeader)
        return crm::InvalidArgument("manifest does not start with \"crm-plugin-manifest/1\"");
      first = false;
      continue;
    }
    if (line.empty()) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return crm::InvalidArgument("manifest line without key=value: \"" +
                                  std::string(line.substr(0, 80)) + "\"");
    }
    m.fields[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  if (first) return crm::InvalidArgument("empty manifest");
  for (const char* key : {"id", "version", "api_major", "api_minor", "toolchain", "entry"}) {
    if (!m.fields.count(key) || m.fields[key].empty()) {
      return crm::InvalidArgument(std::string("manifest lacks \"") + key + "\"");
    }
  }
  auto number = [&](const char* key, int* out) -> crm::Status {
    const std::string& v = m.fields[key];
    if (v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos) {
      return crm::InvalidArgument(std::string("manifest ") + key + " is not a number: \"" + v +
                                  "\"");
    }
    *out = std::stoi(v);
    return crm::Status::Ok();
  };
  CRM_RETURN_IF_ERROR(number("api_major", &m.api_major));
  CRM_RETURN_IF_ERROR(number("api_minor", &m.api_minor));
  m.id = m.fields["id"];
  m.name = m.fields.count("name") ? m.fields["name"] : m.id;
  m.version = m.fields["version"];
  m.toolchain = m.fields["toolchain"];
  m.entry = m.fields["entry"];
  return m;
}

crm::Status CheckManifestCompatible(const PluginManifest& m, int host_major, int host_minor,
                                    std::string_view host_toolchain) {
  if (m.api_major != host_major) {
    return crm::Conflict("host API major " + std::to_string(m.api_major) +
                         " of the plugin differs from the host's " + std::to_string(host_major));
  }
  if (m.api_minor > host_minor) {
    return crm::Conflict("plugin needs host API " + std::to_string(m.api_major) + "." +
                         std::to_string(m.api_minor) + ", newer than this host's " +
                         std::to_string(host_major) + "." + std::to_string(host_minor));
  }
  if (m.toolchain != host_toolchain) {
    return crm::Conflict("toolchain fingerprint differs: plugin \"" + m.toolchain + "\", host \"" +
                         std::string(host_toolchain) + "\"");
  }
  return crm::Status::Ok();
}

}  // namespace host
