#include "inbox_retention.hpp"

#include <algorithm>

#include "cimbus/codec/timestamp.hpp"

namespace cimbus::adapter::detail {

std::size_t InboxRetention::run(std::chrono::steady_clock::time_point now) {
  if (now < next_pass_) return 0;
  const auto retention_ms = std::chrono::duration_cast<std::chrono::milliseconds>(retention_);
  next_pass_ = now + std::min<std::chrono::milliseconds>(std::chrono::milliseconds(60000), retention_ms / 2);
  store::Transaction tx = store_.begin(store::Durability::relaxed);
  const std::int64_t now_ms = epoch_ms();
  const std::size_t forgotten = store_.inbox().forget_before(tx, now_ms - retention_ms.count(), kSlice);
  const std::size_t nonces = store_.seen_nonces().forget(tx, now_ms - std::int64_t{nonce_memory_.count()} * 1000, kSlice);
  const std::size_t entries = store_.journal().forget_before(tx, now_ms - std::int64_t{journal_retention_.count()} * 1000, kSlice);
  tx.commit();
  if (forgotten == kSlice || nonces == kSlice || entries == kSlice) next_pass_ = now;  // more are due: the next turn goes on
  return forgotten;
}

}  // namespace cimbus::adapter::detail
