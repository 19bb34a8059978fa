// tests/plugins/marker.h — lets a test plugin prove whether any of its code ran: a static
// constructor writes <CRM_TEST_MARKER_DIR>/<name>.marker when the library is dlopen()ed.
#pragma once

#include <cstdio>
#include <filesystem>

#define CRM_TEST_WRITE_MARKER_ON_LOAD(name)                                       \
  __attribute__((constructor)) static void crm_test_write_marker() {              \
    std::error_code ec;                                                           \
    std::filesystem::create_directories(CRM_TEST_MARKER_DIR, ec);                 \
    if (std::FILE* f = std::fopen(CRM_TEST_MARKER_DIR "/" name ".marker", "w")) { \
      std::fputs("plugin code ran\n", f);                                         \
      std::fclose(f);                                                             \
    }                                                                             \
  }
