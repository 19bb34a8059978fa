// tests/support/status_matchers.h — ASSERT_OK / EXPECT_OK for crm::Status and crm::Result<T>:
// on failure they print the status (code and message), not just "false".
#pragma once

#include <gtest/gtest.h>

#include "host-api/status.h"

namespace crm::testing {

inline const ::crm::Status& StatusOf(const ::crm::Status& s) { return s; }
template <typename T>
::crm::Status StatusOf(const ::crm::Result<T>& r) {
  return r.status();
}

}  // namespace crm::testing

#define EXPECT_OK(expr) EXPECT_EQ(::crm::testing::StatusOf(expr).ToString(), "ok")
#define ASSERT_OK(expr) ASSERT_EQ(::crm::testing::StatusOf(expr).ToString(), "ok")
