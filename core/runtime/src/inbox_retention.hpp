#pragma once
// Inbox retention: MessageIDs first seen more than `retention` ago are forgotten a slice at a time,
// at most once per interval, so that the file stays bounded without a long pause in the handling.
// A forgotten MessageID delivered again is a new message. ReplayDetection Nonces are forgotten
// alike, after `nonce_memory`, and journal rows after `journal_retention`.
//
// Threading: the worker thread's own.

#include <chrono>
#include <cstddef>

#include "cimbus/store/store.hpp"

namespace cimbus::adapter::detail {

class InboxRetention {
 public:
  static constexpr std::size_t kSlice = 5000;

  InboxRetention(store::Store& store, std::chrono::seconds retention, std::chrono::seconds nonce_memory = std::chrono::hours(24),
                 std::chrono::seconds journal_retention = std::chrono::hours(24 * 7))
      : store_(store), retention_(retention), nonce_memory_(nonce_memory), journal_retention_(journal_retention) {}

  // Forgets one slice when a pass is due at `now`; returns how many MessageIDs it forgot.
  std::size_t run(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  store::Store& store_;
  std::chrono::seconds retention_;
  std::chrono::seconds nonce_memory_;
  std::chrono::seconds journal_retention_;
  std::chrono::steady_clock::time_point next_pass_{};
};

}  // namespace cimbus::adapter::detail
