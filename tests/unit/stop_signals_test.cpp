// StopSignals: a stop signal sent to the process is taken by wait() or wait_for(), never acted on
// by default; wait_for(0) looks once (the storm's loop polls it between ticks).

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "cimbus/runtime/stop_signals.hpp"

namespace cimbus::adapter {
namespace {

TEST(StopSignals, WaitForZeroTakesASignalAlreadyPending) {
  StopSignals signals;
  EXPECT_EQ(signals.wait_for(std::chrono::milliseconds(0)), 0) << "nothing pending";
  ASSERT_EQ(::kill(::getpid(), SIGINT), 0);
  EXPECT_EQ(signals.wait_for(std::chrono::milliseconds(0)), SIGINT);
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  EXPECT_EQ(signals.wait_for(std::chrono::milliseconds(50)), SIGTERM);
  EXPECT_EQ(signals.wait_for(std::chrono::milliseconds(0)), 0) << "taken once";
}

}  // namespace
}  // namespace cimbus::adapter
