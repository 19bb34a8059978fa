// tests/http/host_process_test.cc — HostProcess against a stand-in shell script (the real
// sample-host is another part's binary): port parsing, output capture, SIGTERM on stop.
#include "tests/support/host_process.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace crm_test {
namespace {

std::filesystem::path WriteScript(const std::string& name, const std::string& body) {
  auto path = std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()) + ".sh");
  std::ofstream(path) << "#!/bin/sh\n" << body;
  ::chmod(path.c_str(), 0755);
  return path;
}

TEST(HostProcess, ReadsPortCapturesOutputAndStopsWithSigterm) {
  auto script = WriteScript("crm_fake_host_",
                            "echo starting\n"
                            "trap 'echo got-term; exit 0' TERM\n"
                            "echo \"listening on http://127.0.0.1:43210\"\n"
                            "echo after-listening >&2\n"
                            "while true; do sleep 0.05; done\n");
  HostProcess::Options options;
  options.binary = script;
  options.raw_args = {"serve"};
  auto p = HostProcess::Start(options);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->port(), 43210);
  for (int i = 0; i < 100 && (*p)->Output().find("after-listening") == std::string::npos; ++i) {
    usleep(20000);
  }
  EXPECT_NE((*p)->Output().find("starting"), std::string::npos);
  EXPECT_NE((*p)->Output().find("after-listening"), std::string::npos);
  int status = (*p)->Stop();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);  // exited through the TERM trap, not killed
  EXPECT_NE((*p)->Output().find("got-term"), std::string::npos);
  EXPECT_EQ((*p)->Stop(), -1);  // idempotent
  std::filesystem::remove(script);
}

TEST(HostProcess, FailsWithOutputWhenNoListeningLine) {
  auto script = WriteScript("crm_fake_bad_host_", "echo 'cannot open database' >&2\nexit 3\n");
  HostProcess::Options options;
  options.binary = script;
  options.raw_args = {"serve"};
  options.start_timeout = std::chrono::seconds(5);
  auto p = HostProcess::Start(options);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("cannot open database"), std::string::npos);
  std::filesystem::remove(script);
}

TEST(HostProcess, RequiresDataDir) {
  HostProcess::Options options;
  options.binary = "/bin/true";
  EXPECT_EQ(HostProcess::Start(options).status().code(), crm::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm_test
