#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cimbus/codec/uuid.hpp"

namespace {

TEST(Uuid, IsALowerCaseVersion7UuidWithTheRfc9562VariantAndTodaysTime) {
  const std::regex form("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (int i = 0; i < 1000; ++i) {
    const std::string id = cimbus::new_uuid();
    ASSERT_TRUE(std::regex_match(id, form)) << id;
    const long long ms = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);  // its first 48 bits
    ASSERT_LE(std::llabs(ms - now_ms), 60000) << id;
  }
}

TEST(Uuid, ARandomOneIsALowerCaseVersion4UuidWithTheRfc9562Variant) {
  const std::regex form("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 1000; ++i) {
    const std::string id = cimbus::new_random_uuid();
    ASSERT_TRUE(std::regex_match(id, form)) << id;
  }
}

// What keeps a store's indexes on MessageIDs growing at their end: IDs made a millisecond apart
// sort in the order they were made, as text.
TEST(Uuid, IdsMadeAMillisecondApartSortInTheOrderTheyWereMade) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back(cimbus::new_uuid());
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
}

TEST(Uuid, ManyInARowAreDistinctAcrossRefillsOfTheRandomBuffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 20000; ++i) ids.insert(cimbus::new_uuid());
  for (int i = 0; i < 20000; ++i) ids.insert(cimbus::new_random_uuid());
  EXPECT_EQ(ids.size(), 40000u);
}

// A forked child must not hand out the IDs its parent still has buffered.
TEST(Uuid, AForkedChildDoesNotRepeatItsParentsIds) {
  cimbus::new_uuid();  // the parent's buffer is filled
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string id = cimbus::new_uuid();
    const ssize_t written = write(pipe_fds[1], id.data(), id.size());
    _exit(written == static_cast<ssize_t>(id.size()) ? 0 : 1);
  }
  const std::string parents = cimbus::new_uuid();
  char buffer[36];
  ssize_t got = 0;
  while (got < 36) {
    const ssize_t n = read(pipe_fds[0], buffer + got, sizeof buffer - static_cast<std::size_t>(got));
    ASSERT_GT(n, 0);
    got += n;
  }
  int status = 0;
  waitpid(child, &status, 0);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(std::string(buffer, 36), parents);
}

}  // namespace
