// plugin/image_metadata.cc — location metadata removal for stored JPEG/PNG/WebP/HEIF originals:
// streamed container rewrites, bounds-checked (inputs are hostile), that never touch pixels.
//
// EXIF is edited here rather than with libexif: libexif rebuilds the whole block on save (it
// drops tags it does not know by default and moves MakerNote data whose inner offsets are
// relative to the TIFF header), while zeroing the GPS IFD in place changes nothing else.
#include "plugin/image_metadata.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "text/text.h"

namespace cd {
namespace fs = std::filesystem;

namespace {

constexpr size_t kIoBuffer = 64 * 1024;

crm::Status Truncated(std::string_view what) {
  return crm::InvalidArgument(std::string(what) + ": the file is truncated");
}

crm::Status IoError(std::string_view what) {
  return crm::Internal(std::string(what) + ": " + std::strerror(errno));
}

// Buffered, exact writes to a file descriptor; PatchAt rewrites bytes already flushed.
class Writer {
 public:
  explicit Writer(int fd) : fd_(fd) { buffer_.reserve(kIoBuffer); }

  crm::Status Write(std::string_view data) {
    if (buffer_.size() + data.size() > kIoBuffer) CRM_RETURN_IF_ERROR(Flush());
    if (data.size() >= kIoBuffer) return WriteAll(data);
    buffer_.append(data);
    return crm::Status::Ok();
  }

  crm::Status Flush() {
    crm::Status s = WriteAll(buffer_);
    buffer_.clear();
    return s;
  }

  crm::Status PatchAt(uint64_t offset, std::string_view data) {
    CRM_RETURN_IF_ERROR(Flush());
    ssize_t n = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset));
    if (n != static_cast<ssize_t>(data.size())) return IoError("write");
    return crm::Status::Ok();
  }

 private:
  crm::Status WriteAll(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return IoError("write");
      data.remove_prefix(static_cast<size_t>(n));
    }
    return crm::Status::Ok();
  }

  int fd_;
  std::string buffer_;
};

// Buffered reads from a file descriptor; every exact read reports a short file as truncated.
class Reader {
 public:
  // Twice the I/O size: a whole JPEG segment (64 KiB) must fit in a Peek.
  explicit Reader(int fd) : fd_(fd), buffer_(2 * kIoBuffer) {}

  crm::Status ReadExact(void* out, size_t n) {
    char* dst = static_cast<char*>(out);
    while (n > 0) {
      CRM_ASSIGN_OR_RETURN(std::string_view chunk, Next(n));
      if (chunk.empty()) return Truncated("read");
      std::memcpy(dst, chunk.data(), chunk.size());
      dst += chunk.size();
      n -= chunk.size();
    }
    return crm::Status::Ok();
  }

  crm::Result<std::string> ReadString(size_t n) {
    std::string out(n, '\0');
    CRM_RETURN_IF_ERROR(ReadExact(out.data(), n));
    return out;
  }

  // Copies (or, with no writer, skips) exactly n bytes.
  crm::Status Copy(Writer* w, uint64_t n) {
    while (n > 0) {
      CRM_ASSIGN_OR_RETURN(std::string_view chunk, Next(n));
      if (chunk.empty()) return Truncated("read");
      if (w != nullptr) CRM_RETURN_IF_ERROR(w->Write(chunk));
      n -= chunk.size();
    }
    return crm::Status::Ok();
  }

  // Up to n (<= 128 KiB) next bytes, fewer only at the end of the file; not consumed.
  crm::Result<std::string_view> Peek(size_t n) {
    n = std::min(n, buffer_.size());
    if (end_ - pos_ < n) {
      std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
      while (end_ < n) {
        CRM_ASSIGN_OR_RETURN(size_t got, ReadInto(buffer_.data() + end_, buffer_.size() - end_));
        if (got == 0) break;
        end_ += got;
      }
    }
    return std::string_view(buffer_.data() + pos_, std::min(n, end_ - pos_));
  }

  void Consume(size_t n) { pos_ += std::min(n, end_ - pos_); }

  crm::Status CopyRest(Writer& w) {
    for (;;) {
      CRM_ASSIGN_OR_RETURN(std::string_view chunk, Next(kIoBuffer));
      if (chunk.empty()) return crm::Status::Ok();
      CRM_RETURN_IF_ERROR(w.Write(chunk));
    }
  }

 private:
  // Up to `max` buffered bytes (empty at the end of the file), consumed.
  crm::Result<std::string_view> Next(uint64_t max) {
    if (pos_ == end_) {
      CRM_ASSIGN_OR_RETURN(size_t got, ReadInto(buffer_.data(), kIoBuffer));
      pos_ = 0;
      end_ = got;
    }
    size_t take = static_cast<size_t>(std::min<uint64_t>(max, end_ - pos_));
    std::string_view out(buffer_.data() + pos_, take);
    pos_ += take;
    return out;
  }

  crm::Result<size_t> ReadInto(char* dst, size_t max) {
    ssize_t n;
    do n = ::read(fd_, dst, max);
    while (n < 0 && errno == EINTR);
    if (n < 0) return IoError("read");
    return static_cast<size_t>(n);
  }

  int fd_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
};

crm::Status FsyncFolder(const fs::path& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_CLOEXEC | O_DIRECTORY);
  if (fd < 0) return IoError("open folder");
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IoError("fsync folder");
  return crm::Status::Ok();
}

// A temp file beside the target, removed on destruction unless Commit renamed it over it.
class TempBeside {
 public:
  explicit TempBeside(const fs::path& target) : target_(target) {}
  TempBeside(const TempBeside&) = delete;
  TempBeside& operator=(const TempBeside&) = delete;
  ~TempBeside() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty() && !committed_) ::unlink(path_.c_str());
  }

  // Creates it with the target's permission bits.
  crm::Status Open(mode_t mode) {
    std::string name = "." + target_.filename().string() + ".strip-XXXXXX";
    std::string templ = (target_.parent_path() / name).string();
    fd_ = ::mkostemp(templ.data(), O_CLOEXEC);
    if (fd_ < 0) return IoError("create temp file");
    path_ = templ;
    if (::fchmod(fd_, mode & 07777) != 0) return IoError("chmod temp file");
    return crm::Status::Ok();
  }

  int fd() const { return fd_; }
  const fs::path& path() const { return path_; }

  crm::Status Commit() {
    if (::fsync(fd_) != 0) return IoError("fsync");
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return IoError("close");
    if (::rename(path_.c_str(), target_.c_str()) != 0) return IoError("rename");
    committed_ = true;
    fs::path folder = target_.parent_path();
    return FsyncFolder(folder.empty() ? fs::path(".") : folder);
  }

 private:
  fs::path target_;
  fs::path path_;
  int fd_ = -1;
  bool committed_ = false;
};

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::string Counted(int n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s") + " dropped";
}

// ---- EXIF (TIFF) -------------------------------------------------------------------------

constexpr uint16_t kGpsPointerTag = 0x8825;
constexpr uint16_t kExifPointerTag = 0x8769;

// Bounds-checked view of a TIFF block; reads outside it give 0, writes outside it are lost.
class Tiff {
 public:
  explicit Tiff(std::string& data) : d_(data) {}

  bool ParseHeader() {
    if (d_.size() < 8) return false;
    if (d_.compare(0, 4, "II*\0", 4) == 0)
      little_ = true;
    else if (d_.compare(0, 4, "MM\0*", 4) == 0)
      little_ = false;
    else
      return false;
    return true;
  }

  uint32_t U16(uint64_t at) const { return Get(at, 2); }
  uint32_t U32(uint64_t at) const { return Get(at, 4); }
  void Put(uint64_t at, uint32_t value, int width) {
    for (int i = 0; i < width; ++i) {
      int shift = little_ ? 8 * i : 8 * (width - 1 - i);
      Set(at + i, static_cast<char>((value >> shift) & 0xFF));
    }
  }
  void Zero(uint64_t from, uint64_t count) {
    from = std::max<uint64_t>(from, 8);  // keep the header readable
    for (uint64_t i = from; i < d_.size() && i < from + count; ++i) d_[i] = '\0';
  }
  void Move(uint64_t to, uint64_t from, uint64_t count) {
    for (uint64_t i = 0; i < count; ++i) Set(to + i, Byte(from + i));
  }
  uint64_t size() const { return d_.size(); }

 private:
  char Byte(uint64_t at) const { return at < d_.size() ? d_[at] : '\0'; }
  void Set(uint64_t at, char c) {
    if (at < d_.size()) d_[at] = c;
  }
  uint32_t Get(uint64_t at, int width) const {
    uint32_t v = 0;
    for (int i = 0; i < width; ++i) {
      uint32_t b = static_cast<unsigned char>(Byte(at + i));
      v |= little_ ? b << (8 * i) : b << (8 * (width - 1 - i));
    }
    return v;
  }

  std::string& d_;
  bool little_ = true;
};

enum class IfdShape { kAbsent, kOk, kBroken };

// An IFD that starts past the end cannot be read by anyone (absent); one that starts inside
// but whose entries run past the end is broken: a lenient reader might still read part of it.
IfdShape ShapeOf(const Tiff& t, uint64_t offset) {
  if (offset == 0 || offset + 2 > t.size()) return IfdShape::kAbsent;
  if (offset < 8) return IfdShape::kBroken;
  uint64_t entries = t.U16(offset);
  return offset + 2 + entries * 12 <= t.size() ? IfdShape::kOk : IfdShape::kBroken;
}

uint64_t TypeSize(uint32_t type) {
  static constexpr std::array<uint64_t, 14> kSizes = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4};
  return type < kSizes.size() ? kSizes[type] : 0;
}

// Zeroes a GPS IFD: its entries' out-of-line values, then the IFD itself.
void ZeroGpsIfd(Tiff& t, uint64_t offset) {
  if (ShapeOf(t, offset) != IfdShape::kOk) {
    t.Zero(offset, 2);  // unreadable anyway; clear what is there
    return;
  }
  uint64_t entries = t.U16(offset);
  for (uint64_t i = 0; i < entries; ++i) {
    uint64_t entry = offset + 2 + i * 12;
    uint64_t bytes = TypeSize(t.U16(entry + 2)) * t.U32(entry + 4);
    if (bytes > 4) t.Zero(t.U32(entry + 8), bytes);
  }
  t.Zero(offset, 2 + entries * 12 + 4);
}

// Removes the GPS pointer entries of the IFD at `offset` (shape kOk): kept entries move up,
// the next-IFD pointer follows them and the freed tail is zeroed; nothing else moves.
void RemoveGpsPointers(Tiff& t, uint64_t offset) {
  uint64_t entries = t.U16(offset);
  uint64_t kept = 0;
  for (uint64_t i = 0; i < entries; ++i) {
    uint64_t entry = offset + 2 + i * 12;
    if (t.U16(entry) == kGpsPointerTag) continue;
    if (kept != i) t.Move(offset + 2 + kept * 12, entry, 12);
    ++kept;
  }
  uint64_t old_next = offset + 2 + entries * 12;
  uint64_t new_next = offset + 2 + kept * 12;
  t.Move(new_next, old_next, 4);
  t.Zero(new_next + 4, (entries - kept) * 12);
  t.Put(offset, static_cast<uint32_t>(kept), 2);
}

// The IFDs a reader would look in for a GPS pointer: IFD0, its chain (IFD1...), and the EXIF
// IFD of each. False when one of them is broken.
bool CollectIfds(const Tiff& t, std::vector<uint64_t>& ifds) {
  std::set<uint64_t> seen;
  std::vector<uint64_t> todo = {t.U32(4)};
  for (uint64_t next = t.U32(4); ifds.size() < 8 && !todo.empty();) {
    uint64_t offset = todo.back();
    todo.pop_back();
    IfdShape shape = ShapeOf(t, offset);
    if (shape == IfdShape::kBroken) return false;
    if (shape == IfdShape::kAbsent || !seen.insert(offset).second) continue;
    ifds.push_back(offset);
    uint64_t entries = t.U16(offset);
    for (uint64_t i = 0; i < entries; ++i) {
      uint64_t entry = offset + 2 + i * 12;
      if (t.U16(entry) == kExifPointerTag) todo.push_back(t.U32(entry + 8));
    }
    if (offset == next) {  // a chain IFD: follow its next pointer
      next = t.U32(offset + 2 + entries * 12);
      todo.push_back(next);
    }
  }
  return true;
}

enum class ExifOutcome { kNoGps, kGpsRemoved, kUnsafe };

// Removes the GPS IFD from a TIFF block (the EXIF APP1 payload after "Exif\0\0") in place.
ExifOutcome RemoveGpsFromTiff(std::string& tiff) {
  Tiff t(tiff);
  if (!t.ParseHeader()) return ExifOutcome::kUnsafe;
  std::vector<uint64_t> ifds;
  if (!CollectIfds(t, ifds)) return ExifOutcome::kUnsafe;
  std::vector<uint64_t> gps_ifds;
  std::vector<uint64_t> holders;
  for (uint64_t offset : ifds) {
    uint64_t entries = t.U16(offset);
    for (uint64_t i = 0; i < entries; ++i) {
      uint64_t entry = offset + 2 + i * 12;
      if (t.U16(entry) != kGpsPointerTag) continue;
      gps_ifds.push_back(t.U32(entry + 8));
      if (holders.empty() || holders.back() != offset) holders.push_back(offset);
    }
  }
  if (gps_ifds.empty()) return ExifOutcome::kNoGps;
  for (uint64_t offset : gps_ifds) ZeroGpsIfd(t, offset);
  // Zeroing may have hit a holder IFD only in hostile files; re-check before editing it.
  for (uint64_t offset : holders) {
    if (ShapeOf(t, offset) == IfdShape::kOk) RemoveGpsPointers(t, offset);
  }
  return ExifOutcome::kGpsRemoved;
}

// ---- JPEG --------------------------------------------------------------------------------

// "Exif\0" and a pad byte (libexif and exiftool accept any), then the TIFF block.
constexpr std::string_view kExifId("Exif\0", 5);
constexpr size_t kTiffStart = 6;

struct JpegEdits {
  int gps = 0;
  int exif_dropped = 0;
  int exif_blanked = 0;
  int app1 = 0;
  int app13 = 0;

  StripReport Report() const {
    std::vector<std::string> parts;
    if (gps > 0) parts.push_back(std::to_string(gps) + " gps ifd removed");
    if (exif_dropped > 0) parts.push_back(Counted(exif_dropped, "unparseable exif segment"));
    if (exif_blanked > 0) parts.push_back(std::to_string(exif_blanked) + " bad exif blanked");
    if (app1 > 0) parts.push_back(Counted(app1, "xmp (app1) segment"));
    if (app13 > 0) parts.push_back(Counted(app13, "app13 segment"));
    if (parts.empty()) return {false, "jpeg: no location metadata"};
    return {true, "jpeg: " + Join(parts)};
  }
};

// Removes the GPS IFD from an EXIF APP1 payload in place (its size does not change).
ExifOutcome RemoveGpsFromExif(std::string& payload) {
  if (payload.size() < kTiffStart) return ExifOutcome::kUnsafe;
  std::string tiff = payload.substr(kTiffStart);
  ExifOutcome outcome = RemoveGpsFromTiff(tiff);
  if (outcome == ExifOutcome::kGpsRemoved) payload.replace(kTiffStart, std::string::npos, tiff);
  return outcome;
}

// The next marker's code, after its 0xFF and any fill bytes.
crm::Result<uint8_t> ReadMarker(Reader& r) {
  unsigned char c = 0;
  CRM_RETURN_IF_ERROR(r.ReadExact(&c, 1));
  if (c != 0xFF) return crm::InvalidArgument("jpeg: expected a marker");
  while (c == 0xFF) CRM_RETURN_IF_ERROR(r.ReadExact(&c, 1));
  if (c == 0x00) return crm::InvalidArgument("jpeg: stray 0xFF00 before the scan");
  return c;
}

crm::Status WriteSegment(Writer& w, uint8_t marker, std::string_view payload) {
  size_t length = payload.size() + 2;
  const char head[4] = {'\xFF', static_cast<char>(marker), static_cast<char>(length >> 8),
                        static_cast<char>(length & 0xFF)};
  CRM_RETURN_IF_ERROR(w.Write(std::string_view(head, 4)));
  return w.Write(payload);
}

// A segment before the first scan: APP13 (Photoshop IRB, IPTC: city, sublocation...) goes,
// APP1 stays only as EXIF without GPS (the others are XMP, standard or extended, in practice).
crm::Status HandleSegment(uint8_t marker, std::string& payload, Writer& w, JpegEdits& edits) {
  if (marker == 0xED) {
    ++edits.app13;
    return crm::Status::Ok();
  }
  if (marker == 0xE1 && !std::string_view(payload).starts_with(kExifId)) {
    ++edits.app1;
    return crm::Status::Ok();
  }
  if (marker == 0xE1) {
    ExifOutcome outcome = RemoveGpsFromExif(payload);
    if (outcome == ExifOutcome::kUnsafe) {
      ++edits.exif_dropped;
      return crm::Status::Ok();
    }
    if (outcome == ExifOutcome::kGpsRemoved) ++edits.gps;
  }
  return WriteSegment(w, marker, payload);
}

// At a 0xFF 0xE1 after the first scan: an EXIF segment loses its GPS IFD in place (or, when it
// cannot be walked, its TIFF block is zeroed); anything else is passed over by two bytes.
crm::Status PassTailApp1(Reader& r, Writer& w, JpegEdits& edits) {
  CRM_ASSIGN_OR_RETURN(std::string_view head, r.Peek(4));
  size_t length = head.size() == 4 ? static_cast<size_t>(static_cast<unsigned char>(head[2]) << 8 |
                                                         static_cast<unsigned char>(head[3]))
                                   : 0;
  CRM_ASSIGN_OR_RETURN(std::string_view seg, r.Peek(2 + length));
  if (length < 2 + kTiffStart || seg.size() < 2 + length || !seg.substr(4).starts_with(kExifId)) {
    CRM_RETURN_IF_ERROR(w.Write(seg.substr(0, 2)));
    r.Consume(2);
    return crm::Status::Ok();
  }
  std::string payload(seg.substr(4));
  CRM_RETURN_IF_ERROR(w.Write(seg.substr(0, 4)));
  r.Consume(seg.size());
  ExifOutcome outcome = RemoveGpsFromExif(payload);
  if (outcome == ExifOutcome::kGpsRemoved) ++edits.gps;
  if (outcome == ExifOutcome::kUnsafe) {
    ++edits.exif_blanked;
    std::fill(payload.begin() + kTiffStart, payload.end(), '\0');
  }
  return w.Write(payload);
}

// The first scan and what follows, as it is, except the EXIF segments of further pictures
// (MPF previews, gain maps, appended after the first EOI), edited at the same size so that
// the MPF offsets stay right. Entropy-coded data escapes every 0xFF, so a 0xFF 0xE1 found
// there is a marker.
crm::Status CopyJpegTail(Reader& r, Writer& w, JpegEdits& edits) {
  for (;;) {
    CRM_ASSIGN_OR_RETURN(std::string_view window, r.Peek(kIoBuffer));
    if (window.empty()) return crm::Status::Ok();
    size_t at = window.find("\xFF\xE1");
    if (at == std::string_view::npos) {
      // Keep a last byte back unless at the end: it may be the 0xFF of a marker.
      at = window.size() < kIoBuffer ? window.size() : window.size() - 1;
      CRM_RETURN_IF_ERROR(w.Write(window.substr(0, at)));
      r.Consume(at);
      continue;
    }
    CRM_RETURN_IF_ERROR(w.Write(window.substr(0, at)));
    r.Consume(at);
    CRM_RETURN_IF_ERROR(PassTailApp1(r, w, edits));
  }
}

crm::Result<StripReport> StripJpeg(Reader& r, Writer& w) {
  unsigned char soi[2];
  CRM_RETURN_IF_ERROR(r.ReadExact(soi, 2));
  if (soi[0] != 0xFF || soi[1] != 0xD8) return crm::InvalidArgument("jpeg: no SOI marker");
  CRM_RETURN_IF_ERROR(w.Write("\xFF\xD8"));
  JpegEdits edits;
  for (;;) {
    CRM_ASSIGN_OR_RETURN(uint8_t marker, ReadMarker(r));
    const char code[2] = {'\xFF', static_cast<char>(marker)};
    if (marker == 0xDA) {  // SOS
      CRM_RETURN_IF_ERROR(w.Write(std::string_view(code, 2)));
      CRM_RETURN_IF_ERROR(CopyJpegTail(r, w, edits));
      break;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // TEM, RSTn: no length
      CRM_RETURN_IF_ERROR(w.Write(std::string_view(code, 2)));
      continue;
    }
    if (marker == 0xD8 || marker == 0xD9) return crm::InvalidArgument("jpeg: no scan");
    unsigned char length[2];
    CRM_RETURN_IF_ERROR(r.ReadExact(length, 2));
    size_t size = static_cast<size_t>(length[0] << 8 | length[1]);
    if (size < 2) return crm::InvalidArgument("jpeg: bad segment length");
    CRM_ASSIGN_OR_RETURN(std::string payload, r.ReadString(size - 2));
    CRM_RETURN_IF_ERROR(HandleSegment(marker, payload, w, edits));
  }
  CRM_RETURN_IF_ERROR(w.Flush());
  return edits.Report();
}

// ---- PNG ---------------------------------------------------------------------------------

constexpr std::string_view kPngSignature("\x89PNG\r\n\x1a\n", 8);
constexpr size_t kPngKeywordBytes = 80;  // keyword (1-79 bytes) and its NUL

uint32_t Be32(const unsigned char* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

uint32_t Le32(const unsigned char* p) {
  return uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
}

// XMP, and ImageMagick's hex "raw profiles" (EXIF, XMP, IPTC, APP1 copies) in text chunks.
bool IsMetadataKeyword(std::string_view keyword) {
  if (keyword == "XML:com.adobe.xmp") return true;
  constexpr std::string_view kRaw = "Raw profile type ";
  if (keyword.size() <= kRaw.size() ||
      !crm::text::EqualsIgnoreCaseAscii(keyword.substr(0, kRaw.size()), kRaw)) {
    return false;
  }
  std::string_view kind = keyword.substr(kRaw.size());
  for (std::string_view k : {"exif", "xmp", "iptc", "app1", "8bim"}) {
    if (crm::text::EqualsIgnoreCaseAscii(kind, k)) return true;
  }
  return false;
}

// Copies one PNG chunk (head already read) or drops it; true when dropped.
crm::Result<bool> PassPngChunk(Reader& r, Writer& w, const unsigned char head[8]) {
  uint32_t length = Be32(head);
  std::string_view type(reinterpret_cast<const char*>(head + 4), 4);
  if (type == "eXIf") {
    CRM_RETURN_IF_ERROR(r.Copy(nullptr, uint64_t{length} + 4));
    return true;
  }
  std::string prefix;
  if (type == "tEXt" || type == "zTXt" || type == "iTXt") {
    CRM_ASSIGN_OR_RETURN(prefix, r.ReadString(std::min<size_t>(length, kPngKeywordBytes)));
    std::string_view keyword(prefix.data(), std::min(prefix.find('\0'), prefix.size()));
    if (IsMetadataKeyword(keyword)) {
      CRM_RETURN_IF_ERROR(r.Copy(nullptr, uint64_t{length} - prefix.size() + 4));
      return true;
    }
  }
  CRM_RETURN_IF_ERROR(w.Write(std::string_view(reinterpret_cast<const char*>(head), 8)));
  CRM_RETURN_IF_ERROR(w.Write(prefix));
  CRM_RETURN_IF_ERROR(r.Copy(&w, uint64_t{length} - prefix.size() + 4));  // data, then CRC
  return false;
}

crm::Result<StripReport> StripPng(Reader& r, Writer& w) {
  CRM_ASSIGN_OR_RETURN(std::string signature, r.ReadString(kPngSignature.size()));
  if (signature != kPngSignature) return crm::InvalidArgument("png: bad signature");
  CRM_RETURN_IF_ERROR(w.Write(signature));
  int dropped = 0;
  for (bool end = false; !end;) {
    unsigned char head[8];
    CRM_RETURN_IF_ERROR(r.ReadExact(head, 8));
    if (Be32(head) > 0x7FFFFFFFu) return crm::InvalidArgument("png: bad chunk length");
    for (int i = 4; i < 8; ++i) {
      unsigned char c = head[i];
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
        return crm::InvalidArgument("png: bad chunk type");
    }
    end = std::memcmp(head + 4, "IEND", 4) == 0;
    CRM_ASSIGN_OR_RETURN(bool was_dropped, PassPngChunk(r, w, head));
    dropped += was_dropped ? 1 : 0;
  }
  CRM_RETURN_IF_ERROR(r.CopyRest(w));  // whatever follows IEND, as it is
  CRM_RETURN_IF_ERROR(w.Flush());
  if (dropped == 0) return StripReport{false, "png: no location metadata"};
  return StripReport{true, "png: " + Counted(dropped, "metadata chunk")};
}

// ---- WebP --------------------------------------------------------------------------------

constexpr unsigned char kVp8xExifFlag = 0x08;
constexpr unsigned char kVp8xXmpFlag = 0x04;
constexpr uint32_t kMaxVp8xSize = 1024;  // the chunk is 10 bytes; anything near this is hostile

struct WebpState {
  uint64_t left = 0;     // bytes of the RIFF payload still to read
  uint64_t written = 4;  // RIFF payload bytes written ("WEBP" so far)
  int dropped = 0;
  bool flags_cleared = false;
};

crm::Status PassWebpChunk(Reader& r, Writer& w, WebpState& s) {
  if (s.left < 8) return crm::InvalidArgument("webp: chunk header past the RIFF end");
  unsigned char head[8];
  CRM_RETURN_IF_ERROR(r.ReadExact(head, 8));
  uint64_t size = Le32(head + 4);
  s.left -= 8;
  if (size > s.left) return crm::InvalidArgument("webp: chunk past the RIFF end");
  uint64_t padded = std::min(size + (size & 1), s.left);  // the last pad byte may be missing
  s.left -= padded;
  std::string_view fourcc(reinterpret_cast<const char*>(head), 4);
  if (fourcc == "EXIF" || fourcc == "XMP ") {
    ++s.dropped;
    return r.Copy(nullptr, padded);
  }
  CRM_RETURN_IF_ERROR(w.Write(std::string_view(reinterpret_cast<const char*>(head), 8)));
  s.written += 8 + padded;
  if (fourcc != "VP8X" || size == 0) return r.Copy(&w, padded);
  if (size > kMaxVp8xSize) return crm::InvalidArgument("webp: bad VP8X chunk");
  CRM_ASSIGN_OR_RETURN(std::string data, r.ReadString(padded));
  unsigned char flags = static_cast<unsigned char>(data[0]);
  unsigned char cleared = flags & ~(kVp8xExifFlag | kVp8xXmpFlag);
  s.flags_cleared = s.flags_cleared || cleared != flags;
  data[0] = static_cast<char>(cleared);
  return w.Write(data);
}

crm::Result<StripReport> StripWebp(Reader& r, Writer& w) {
  unsigned char header[12];
  CRM_RETURN_IF_ERROR(r.ReadExact(header, 12));
  if (std::memcmp(header, "RIFF", 4) != 0 || std::memcmp(header + 8, "WEBP", 4) != 0)
    return crm::InvalidArgument("webp: not a RIFF WEBP file");
  WebpState s;
  uint32_t riff_size = Le32(header + 4);
  if (riff_size < 4) return crm::InvalidArgument("webp: bad RIFF size");
  s.left = riff_size - 4;
  CRM_RETURN_IF_ERROR(w.Write(std::string_view(reinterpret_cast<const char*>(header), 12)));
  while (s.left > 0) CRM_RETURN_IF_ERROR(PassWebpChunk(r, w, s));
  CRM_RETURN_IF_ERROR(r.CopyRest(w));  // bytes after the RIFF, as they are
  if (s.dropped == 0 && !s.flags_cleared) return StripReport{false, "webp: no location metadata"};
  uint32_t size = static_cast<uint32_t>(s.written);  // never more than the original
  const char le[4] = {static_cast<char>(size), static_cast<char>(size >> 8),
                      static_cast<char>(size >> 16), static_cast<char>(size >> 24)};
  CRM_RETURN_IF_ERROR(w.PatchAt(4, std::string_view(le, 4)));
  std::string method = "webp: " + Counted(s.dropped, "metadata chunk");
  if (s.flags_cleared) method += ", vp8x flags cleared";
  return StripReport{true, method};
}

// ---- HEIF --------------------------------------------------------------------------------
// The EXIF and XMP of a HEIF file are items of its top-level 'meta' box, located by 'iloc'
// extents. They are edited in place at their size: EXIF loses its GPS IFD like a JPEG's (or is
// zeroed when it cannot be walked), XMP is overwritten with spaces. No box moves, no offset
// changes, the pictures are not re-encoded (libvips 8.14 here can save HEIF, but a 12 MP
// re-encode takes ~25 s and is lossy).

constexpr uint64_t kMaxMetaBox = 4 * 1024 * 1024;       // Apple's are a few KiB
constexpr uint64_t kMaxMetadataItem = 4 * 1024 * 1024;  // EXIF/XMP items

// Bounds-checked big-endian reads over an in-memory box; a read past the end marks it bad.
class BoxData {
 public:
  explicit BoxData(std::string_view d) : d_(d) {}
  uint64_t Uint(int bytes) {
    if (bytes == 0) return 0;
    if (bytes < 0 || bytes > 8 || d_.size() - pos_ < static_cast<size_t>(bytes)) return Fail();
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<unsigned char>(d_[pos_ + i]);
    pos_ += static_cast<size_t>(bytes);
    return v;
  }
  std::string_view CString() {
    size_t nul = d_.find('\0', pos_);
    if (nul == std::string_view::npos) return Fail(), std::string_view();
    std::string_view out = d_.substr(pos_, nul - pos_);
    pos_ = nul + 1;
    return out;
  }
  bool bad() const { return bad_; }
  size_t pos() const { return pos_; }

 private:
  uint64_t Fail() {
    bad_ = true;
    pos_ = d_.size();
    return 0;
  }
  std::string_view d_;
  size_t pos_ = 0;
  bool bad_ = false;
};

struct Box {
  std::string_view type;
  std::string_view payload;
  size_t payload_offset;  // within the parent's payload
};

// The child boxes of a payload; nullopt when one of them does not fit.
std::optional<std::vector<Box>> ChildBoxes(std::string_view data) {
  std::vector<Box> out;
  for (size_t at = 0; at < data.size();) {
    BoxData b(data.substr(at));
    uint64_t size = b.Uint(4);
    b.Uint(4);
    if (size == 1) size = b.Uint(8);
    if (size == 0) size = data.size() - at;
    if (b.bad() || size < b.pos() || size > data.size() - at) return std::nullopt;
    std::string_view type = data.substr(at + 4, 4);
    out.push_back({type, data.substr(at + b.pos(), size - b.pos()), at + b.pos()});
    at += size;
  }
  return out;
}

enum class HeifItemKind { kExif, kXmp };

// Item ids of the EXIF and XMP items, from 'iinf' (infe version 2 and 3: HEIF's).
std::optional<std::map<uint32_t, HeifItemKind>> MetadataItems(std::string_view iinf) {
  BoxData b(iinf);
  uint64_t version = b.Uint(1);
  b.Uint(3);
  b.Uint(version == 0 ? 2 : 4);  // entry count: the boxes that follow tell
  if (b.bad()) return std::nullopt;
  auto entries = ChildBoxes(iinf.substr(b.pos()));
  if (!entries) return std::nullopt;
  std::map<uint32_t, HeifItemKind> out;
  for (const Box& e : *entries) {
    if (e.type != "infe") continue;
    BoxData f(e.payload);
    uint64_t v = f.Uint(1);
    f.Uint(3);
    if (v < 2) continue;  // no item_type before version 2; HEIF writes 2 or 3
    uint32_t id = static_cast<uint32_t>(f.Uint(v == 2 ? 2 : 4));
    f.Uint(2);  // protection index
    std::string_view type = e.payload.substr(std::min(f.pos(), e.payload.size()));
    f.Uint(4);
    f.CString();  // item name
    if (f.bad()) return std::nullopt;
    if (type.starts_with("Exif")) out[id] = HeifItemKind::kExif;
    if (type.starts_with("mime") && f.CString() == "application/rdf+xml")
      out[id] = HeifItemKind::kXmp;
  }
  return out;
}

struct Extent {
  uint64_t offset;  // in the file
  uint64_t length;
};

struct IlocSizes {
  int offset, length, base, index;
};

// The file extents of `wanted` items, from 'iloc'. Construction method 1 (in 'idat') is mapped
// through `idat_offset` (the file offset of the idat payload); items in other files are
// skipped. nullopt when the box is malformed or an extent is open-ended.
std::optional<std::map<uint32_t, std::vector<Extent>>> ItemExtents(
    std::string_view iloc, const std::map<uint32_t, HeifItemKind>& wanted,
    std::optional<uint64_t> idat_offset) {
  BoxData b(iloc);
  uint64_t v = b.Uint(1);
  b.Uint(3);
  uint64_t packed = b.Uint(2);
  IlocSizes sz{static_cast<int>(packed >> 12), static_cast<int>(packed >> 8 & 15),
               static_cast<int>(packed >> 4 & 15), v >= 1 ? static_cast<int>(packed & 15) : 0};
  for (int n : {sz.offset, sz.length, sz.base, sz.index})
    if (n != 0 && n != 4 && n != 8) return std::nullopt;
  uint64_t items = b.Uint(v < 2 ? 2 : 4);
  std::map<uint32_t, std::vector<Extent>> out;
  for (uint64_t i = 0; i < items && !b.bad(); ++i) {
    uint32_t id = static_cast<uint32_t>(b.Uint(v < 2 ? 2 : 4));
    uint64_t method = v >= 1 ? (b.Uint(2) & 15) : 0;
    uint64_t data_ref = b.Uint(2);
    uint64_t base = b.Uint(sz.base);
    uint64_t count = b.Uint(2);
    for (uint64_t e = 0; e < count && !b.bad(); ++e) {
      b.Uint(sz.index);
      uint64_t offset = b.Uint(sz.offset);
      uint64_t length = b.Uint(sz.length);
      if (!wanted.contains(id) || data_ref != 0) continue;
      if (method > 1 || length == 0 || (method == 1 && !idat_offset)) return std::nullopt;
      uint64_t start = 0, end = 0;
      if (__builtin_add_overflow(method == 1 ? *idat_offset : 0, base, &start) ||
          __builtin_add_overflow(start, offset, &start) ||
          __builtin_add_overflow(start, length, &end))
        return std::nullopt;
      out[id].push_back({start, length});
    }
  }
  if (b.bad()) return std::nullopt;
  return out;
}

// The extents of the EXIF and XMP items of a 'meta' box found at `payload_offset` in the file.
crm::Result<std::vector<std::pair<HeifItemKind, std::vector<Extent>>>> HeifMetadataExtents(
    std::string_view meta, uint64_t payload_offset) {
  auto bad = crm::InvalidArgument("heif: malformed meta box");
  if (meta.size() < 4) return bad;
  auto children = ChildBoxes(meta.substr(4));  // after the FullBox version and flags
  if (!children) return bad;
  std::string_view iinf, iloc;
  std::optional<uint64_t> idat_offset;
  for (const Box& c : *children) {
    if (c.type == "iinf") iinf = c.payload;
    if (c.type == "iloc") iloc = c.payload;
    if (c.type == "idat") idat_offset = payload_offset + 4 + c.payload_offset;
  }
  auto items = MetadataItems(iinf);
  if (!items) return bad;
  auto extents = ItemExtents(iloc, *items, idat_offset);
  if (!extents) return bad;
  std::vector<std::pair<HeifItemKind, std::vector<Extent>>> out;
  for (auto& [id, list] : *extents) out.emplace_back(items->at(id), std::move(list));
  return out;
}

// Copies the top-level boxes; the 'meta' box (the first) is also kept in memory.
crm::Status CopyHeifBoxes(Reader& r, Writer& w, std::string& meta, uint64_t& meta_payload) {
  for (uint64_t at = 0;;) {
    CRM_ASSIGN_OR_RETURN(std::string_view peek, r.Peek(16));
    if (peek.empty()) return crm::Status::Ok();
    BoxData b(peek);
    uint64_t size = b.Uint(4);
    b.Uint(4);
    if (size == 1) size = b.Uint(8);
    if (b.bad()) return Truncated("heif");
    bool is_meta = peek.substr(4, 4) == "meta";
    size_t head = b.pos();
    if (size == 0) {  // the last box, to the end of the file
      CRM_RETURN_IF_ERROR(r.CopyRest(w));
      return crm::Status::Ok();
    }
    if (size < head) return crm::InvalidArgument("heif: bad box size");
    if (is_meta && meta.empty() && size <= kMaxMetaBox) {
      CRM_ASSIGN_OR_RETURN(meta, r.ReadString(static_cast<size_t>(size)));
      CRM_RETURN_IF_ERROR(w.Write(meta));
      meta.erase(0, head);
      meta_payload = at + head;
    } else {
      CRM_RETURN_IF_ERROR(r.Copy(&w, size));
    }
    at += size;
  }
}

// Edits one item in the written copy: EXIF without GPS (zeroed when unreadable), XMP blanked.
crm::Result<bool> EditHeifItem(int fd, HeifItemKind kind, const std::vector<Extent>& extents) {
  uint64_t total = 0;
  for (const Extent& e : extents) {
    total += std::min(e.length, kMaxMetadataItem + 1);
    if (total > kMaxMetadataItem) return crm::InvalidArgument("heif: metadata item too large");
  }
  std::string data;
  for (const Extent& e : extents) {
    std::string part(static_cast<size_t>(e.length), '\0');
    ssize_t n = ::pread(fd, part.data(), part.size(), static_cast<off_t>(e.offset));
    if (n != static_cast<ssize_t>(part.size())) return Truncated("heif item");
    data += part;
  }
  std::string edited = data;
  if (kind == HeifItemKind::kXmp) {
    std::fill(edited.begin(), edited.end(), ' ');
  } else {
    // 4 bytes: where the TIFF header starts after them (usually past "Exif\0\0").
    uint64_t skip = edited.size() >= 4 ? 4 + BoxData(edited).Uint(4) : UINT64_MAX;
    std::string tiff = skip <= edited.size() ? edited.substr(skip) : std::string();
    ExifOutcome outcome = skip <= edited.size() ? RemoveGpsFromTiff(tiff) : ExifOutcome::kUnsafe;
    if (outcome == ExifOutcome::kUnsafe) std::fill(edited.begin(), edited.end(), '\0');
    if (outcome == ExifOutcome::kGpsRemoved) edited.replace(skip, std::string::npos, tiff);
  }
  if (edited == data) return false;
  size_t at = 0;
  for (const Extent& e : extents) {
    ssize_t n = ::pwrite(fd, edited.data() + at, e.length, static_cast<off_t>(e.offset));
    if (n != static_cast<ssize_t>(e.length)) return IoError("write");
    at += e.length;
  }
  return true;
}

crm::Result<StripReport> StripHeif(Reader& r, Writer& w, int out_fd) {
  std::string meta;
  uint64_t meta_payload = 0;
  CRM_RETURN_IF_ERROR(CopyHeifBoxes(r, w, meta, meta_payload));
  CRM_RETURN_IF_ERROR(w.Flush());
  if (meta.empty()) return StripReport{false, "heif: no meta box"};
  CRM_ASSIGN_OR_RETURN(auto items, HeifMetadataExtents(meta, meta_payload));
  int exif = 0, xmp = 0;
  for (const auto& [kind, extents] : items) {
    CRM_ASSIGN_OR_RETURN(bool edited, EditHeifItem(out_fd, kind, extents));
    if (edited) ++(kind == HeifItemKind::kExif ? exif : xmp);
  }
  if (exif + xmp == 0) return StripReport{false, "heif: no location metadata"};
  return StripReport{true, "heif: " + std::to_string(exif) + " exif item(s) without gps, " +
                               std::to_string(xmp) + " xmp item(s) blanked"};
}

enum class Kind { kJpeg, kPng, kWebp, kHeif, kOther };

Kind KindOf(std::string_view mime) {
  if (mime == "image/jpeg" || mime == "image/pjpeg") return Kind::kJpeg;
  if (mime == "image/png") return Kind::kPng;
  if (mime == "image/webp") return Kind::kWebp;
  if (mime == "image/heic" || mime == "image/heif" || mime == "image/heic-sequence" ||
      mime == "image/heif-sequence")
    return Kind::kHeif;
  return Kind::kOther;
}

crm::Result<StripReport> Rewrite(Kind kind, int in, TempBeside& tmp) {
  Reader r(in);
  Writer w(tmp.fd());
  switch (kind) {
    case Kind::kJpeg:
      return StripJpeg(r, w);
    case Kind::kPng:
      return StripPng(r, w);
    case Kind::kWebp:
      return StripWebp(r, w);
    case Kind::kHeif:
      return StripHeif(r, w, tmp.fd());
    default:
      return StripReport{false, "untouched"};
  }
}

crm::Result<StripReport> StripOpenFile(const fs::path& path, Kind kind, int in) {
  struct stat st;
  if (::fstat(in, &st) != 0) return IoError("stat");
  if (!S_ISREG(st.st_mode)) return crm::InvalidArgument("not a regular file");
  TempBeside tmp(path);
  CRM_RETURN_IF_ERROR(tmp.Open(st.st_mode));
  crm::Result<StripReport> report = Rewrite(kind, in, tmp);
  if (!report.ok() || !report->changed) return report;  // the temp file goes, the file stays
  CRM_RETURN_IF_ERROR(tmp.Commit());
  return report;
}

}  // namespace

crm::Result<StripReport> StripLocationMetadata(const fs::path& path, std::string_view mime) {
  Kind kind = KindOf(mime);
  if (kind == Kind::kOther) return StripReport{false, "untouched: " + std::string(mime)};
  int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    if (errno == ENOENT) return crm::NotFound("no file to strip: " + path.filename().string());
    return IoError("open");
  }
  crm::Result<StripReport> report = crm::Internal("not run");
  try {
    report = StripOpenFile(path, kind, in);
  } catch (const std::exception& e) {  // std::bad_alloc: nothing else throws here
    report = crm::Internal(std::string("strip metadata: ") + e.what());
  }
  ::close(in);
  return report;
}

}  // namespace cd
