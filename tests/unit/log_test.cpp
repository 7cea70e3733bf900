// The adapter's log (cimbus/runtime/log.hpp) after a failed write to stderr: that line is lost,
// the next ones are not, and the process lives on.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "cimbus/runtime/log.hpp"
#include "test_files.hpp"

namespace cimbus::adapter {
namespace {

std::string read_file(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) out.append(buffer, n);
    std::fclose(f);
  }
  return out;
}

// stderr to a pipe whose reader is gone: the line fails (EPIPE) and the process lives on
// (SIGPIPE would have killed it); the next line, to a working pipe, is written.
TEST(Log, AStderrWhoseReaderIsGoneCostsTheLineNotTheProcess) {
  int broken[2], working[2];
  ASSERT_EQ(::pipe(broken), 0);
  ASSERT_EQ(::pipe(working), 0);
  ::close(broken[0]);
  ::fcntl(working[0], F_SETFL, O_NONBLOCK);
  Log log("log-test");
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(broken[1], STDERR_FILENO);
  log.error("a line nobody reads");
  ::dup2(working[1], STDERR_FILENO);
  log.error("the next line");
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  ::close(broken[1]);
  ::close(working[1]);
  char buffer[4096];
  const ssize_t n = ::read(working[0], buffer, sizeof buffer);
  ::close(working[0]);
  ASSERT_GT(n, 0);
  EXPECT_NE(std::string(buffer, static_cast<std::size_t>(n)).find("error cimbus log-test: the next line"), std::string::npos);
}

// stderr to a file on a 1 MiB tmpfs of the test's own (root, as scripts/test runs), which is
// filled; a long line fails in part (ENOSPC); the disk is freed; the next line must be there.
TEST(Log, ALineThatCannotBeWrittenDoesNotSilenceTheNextOnes) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounts a tmpfs: needs root";
  const std::string disk = test::fresh_store_file("log", "disk");
  std::filesystem::create_directories(disk);
  ASSERT_EQ(std::system(("mount -t tmpfs -o size=1m tmpfs " + disk).c_str()), 0);
  const std::string log_file = disk + "/stderr.log", filler = disk + "/filler";
  {
    Log log("log-test");
    const int saved = ::dup(STDERR_FILENO);
    const int file = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(file, STDERR_FILENO);
    ::close(file);
    log.error("before");
    if (FILE* f = std::fopen(filler.c_str(), "wb")) {
      const std::string block(65536, '\0');
      while (std::fwrite(block.data(), 1, block.size(), f) == block.size()) {
      }
      std::fclose(f);
    }
    log.error("a line longer than the room left: " + std::string(9000, 'a'));
    log.error("a line while the disk is full");
    std::filesystem::remove(filler);
    log.error("the next line");
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
  }
  const std::string written = read_file(log_file);
  std::system(("umount " + disk).c_str());
  EXPECT_NE(written.find("error cimbus log-test: before"), std::string::npos);
  EXPECT_NE(written.find("error cimbus log-test: the next line"), std::string::npos) << "lost after the failed write";
}

}  // namespace
}  // namespace cimbus::adapter
