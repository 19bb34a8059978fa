// plugin/image_metadata.h — removes location metadata (EXIF GPS, XMP, IPTC) from stored image
// originals in place, without re-encoding pixels where the format allows (issue 15.5, SPEC X3).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "host-api/status.h"

namespace cd {

struct StripReport {
  bool changed = false;  // false: the file was left exactly as it was, byte for byte
  std::string method;    // what was done, for logs: "jpeg: gps ifd removed, 1 xmp segment dropped"
};

// Removes location metadata from the image file at `path` in place: the new content is written
// to a temp file beside it, fsynced and renamed over it (the folder is fsynced too). `mime` is
// the SNIFFED type (libmagic), never the client's claim.
//   image/jpeg   EXIF is kept (Orientation) but its GPS IFD is zeroed and unlinked; every other
//                APP1 (XMP, extended XMP) and APP13 (Photoshop IRB / IPTC) is dropped; an EXIF
//                block whose IFDs cannot be walked safely is dropped whole. Everything from the
//                first SOS on is copied byte for byte (the pixels are untouched), except the
//                EXIF of pictures appended after the first EOI (MPF previews, gain maps): GPS
//                removed at the same size, so MPF offsets stay right. Their XMP is left.
//   image/png    eXIf chunks and text chunks holding XMP or ImageMagick raw profiles are
//                dropped; every other chunk is copied with its CRC.
//   image/webp   EXIF and "XMP " chunks are dropped, the VP8X flags and the RIFF size fixed.
//   image/heic, image/heif (and the -sequence forms): the EXIF items of the top-level 'meta'
//                box lose their GPS IFD in place, XMP items are overwritten with spaces; no box
//                moves and nothing is re-encoded.
//   other types: returns {changed = false} and leaves the file alone.
// Errors (the original file is then left untouched): kInvalidArgument for a file that is not
// well formed for its type (truncated, bad marker, chunk or box past the end, HEIF 'meta' box
// that cannot be walked), kNotFound / kInternal for I/O.
// Memory is bounded: JPEG segments (<= 64 KiB), the HEIF 'meta' box and its metadata items
// (<= 4 MiB each) are held one at a time; the rest is streamed.
// Thread-safe for different paths.
crm::Result<StripReport> StripLocationMetadata(const std::filesystem::path& path,
                                               std::string_view mime);

}  // namespace cd
