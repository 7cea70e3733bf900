#include "outbox_pump.hpp"

#include <algorithm>

#include "cimbus/bus/stored_form.hpp"

namespace cimbus::adapter::detail {

OutboxPump::OutboxPump(store::Store& store, bus::Sender& bus, RuntimeLog& log, OnOutcome on_outcome, std::string dead_letter_target,
                       std::chrono::milliseconds resend_pause)
    : store_(store), bus_(bus), log_(log), on_outcome_(std::move(on_outcome)), dead_letter_target_(std::move(dead_letter_target)),
      resend_pause_(resend_pause) {}

void OutboxPump::add(store::Transaction& tx, const std::string& target, const bus::AmqpMessage& message, const MessageNames* names) {
  add(tx, target, bus::to_stored(message), names);
}

void OutboxPump::add(store::Transaction& tx, const std::string& target, store::StoredMessage message, const MessageNames* names) {
  const std::int64_t id = store_.outbox().add(tx, target, message);
  if (journal_ != nullptr) journal_->sent(tx, target, message, target == dead_letter_target_, names);
  if (!backlog_) fresh_.push_back({id, target, std::move(message)});
}

void OutboxPump::add_reply(store::Transaction& tx, const std::string& target, const std::string& message_id,
                           store::StoredMessage reply, const JournalWriter::Answering* answering) {
  const std::int64_t id = store_.outbox().add_reply(tx, target, message_id);
  if (journal_ != nullptr) journal_->sent(tx, target, reply, false, nullptr, answering);
  if (!backlog_) fresh_.push_back({id, target, std::move(reply)});
}

void OutboxPump::finish(store::Transaction& tx, const std::string& message_id, const std::string& target,
                        std::optional<store::StoredMessage> reply, const JournalWriter::Answering* answering,
                        store::Inbox::Entry* entry) {
  store_.inbox().finish(tx, message_id, target, reply, entry);
  if (reply) add_reply(tx, target, message_id, std::move(*reply), answering);
}

void OutboxPump::take_outcomes(const std::vector<Outcome>& outcomes) {
  std::vector<Outcome> refused;
  for (const Outcome& r : outcomes) {
    Sent sent;
    if (auto it = in_flight_.find(r.row); it != in_flight_.end()) {
      sent = std::move(it->second);
      in_flight_.erase(it);
    }
    switch (r.outcome) {
      case bus::Outcome::accepted:
        accepted_.push_back(r.row);
        measure(sent, sent.dead_letter ? "dead_letter" : "sent");
        break;
      case bus::Outcome::rejected:  // the broker will never take it (e.g. too large)
      case bus::Outcome::refused:   // nor its target
        refused.push_back(r);
        if (!sent.dead_letter) measure(sent, "refused");
        break;
      case bus::Outcome::released:
      case bus::Outcome::failed:
        resend_from_start_ = true;
        resend_after_ = std::chrono::steady_clock::now() + resend_pause_;
        break;
    }
  }
  if (!refused.empty()) dead_letter(refused);
}

void OutboxPump::dead_letter(const std::vector<Outcome>& refused) {
  store::Transaction tx = store_.begin();
  std::vector<std::int64_t> moved;
  for (const Outcome& r : refused) {
    std::optional<store::Outbox::Row> row = store_.outbox().find(r.row);
    if (!row) continue;
    const std::string why = r.outcome == bus::Outcome::rejected ? "the broker rejected the message sent to " + row->target : r.why;
    if (row->target == dead_letter_target_) {  // nowhere further to put it: kept, and said loudly
      log_.log().error("outbox message " + std::to_string(r.row) + " cannot reach the dead-letter queue (" + why + "); it stays in the outbox");
      resend_from_start_ = true;
      resend_after_ = std::chrono::steady_clock::now() + resend_pause_;
      continue;
    }
    log_.log().error("outbox message " + std::to_string(r.row) + " goes to the dead-letter queue: " + why);
    bus::AmqpMessage copy = bus::from_stored(std::move(row->message));
    copy.to.clear();
    copy.properties["x-cimbus-reason"] = why;
    copy.properties["x-cimbus-target"] = row->target;
    add(tx, dead_letter_target_, copy);
    moved.push_back(r.row);
  }
  store_.outbox().remove(tx, moved);
  tx.commit();
  for (std::size_t i = 0; i < moved.size(); ++i) log_.metrics().dead_letter("refused");
  log_.count([n = moved.size()](AdapterStats& s) {
    s.refused += n;
    s.dead += n;
  });
}

// Relaxed: a removal lost to a power cut only sends a row again, which receivers de-duplicate.
void OutboxPump::remove_accepted() {
  store::Transaction tx = store_.begin(store::Durability::relaxed);
  remove_accepted(tx);
  tx.commit();
}

void OutboxPump::remove_accepted(store::Transaction& tx) {
  store_.outbox().remove(tx, accepted_);
  log_.count([n = accepted_.size()](AdapterStats& s) { s.sent += n; });
  accepted_.clear();
}

void OutboxPump::send() {
  if (resend_from_start_ && std::chrono::steady_clock::now() >= resend_after_) {
    cursor_ = 0;  // rows not yet accepted are sent again from the oldest
    resend_from_start_ = false;
    backlog_ = true;
  }
  std::vector<bus::Send> sends;
  if (!backlog_) {
    std::size_t sent = 0;
    for (; sent < fresh_.size() && in_flight_.size() < kMaxUnsettledSends; ++sent) hand_over(std::move(fresh_[sent]), sends);
    if (sent < fresh_.size()) backlog_ = true;  // the rest is read back when there is room
    fresh_.clear();
    bus_.send(std::move(sends));
    return;
  }
  fresh_.clear();
  const std::size_t room = kMaxUnsettledSends - std::min(kMaxUnsettledSends, in_flight_.size());
  if (room == 0 || resend_from_start_) return;
  const std::size_t limit = room + in_flight_.size();  // rows in flight may come back: skipped
  auto rows = store_.outbox().pending(limit, cursor_);
  bool behind = false;
  for (store::Outbox::Row& row : rows) {
    if (in_flight_.size() >= kMaxUnsettledSends) {
      behind = true;
      break;
    }
    if (in_flight_.count(row.id) || std::find(accepted_.begin(), accepted_.end(), row.id) != accepted_.end()) {
      cursor_ = std::max(cursor_, row.id);
      continue;
    }
    hand_over(std::move(row), sends);
  }
  if (!behind && rows.size() < limit) backlog_ = false;  // caught up: every row is on its way
  bus_.send(std::move(sends));
}

void OutboxPump::measure(const Sent& sent, const char* result) {
  log_.metrics().message(Metrics::Direction::out, sent.noun.empty() ? "unknown" : sent.noun, sent.verb.empty() ? "unknown" : sent.verb, result);
}

void OutboxPump::hand_over(store::Outbox::Row row, std::vector<bus::Send>& sends) {
  cursor_ = std::max(cursor_, row.id);
  if (!row.missing_reply.empty()) {
    // Never sendable as it was, and not a reason to stop: what is left of it goes to the
    // dead-letter queue with why (removed from the outbox once the broker takes it there).
    const std::string why = "the reply to " + row.missing_reply + " is missing from the inbox (the store was changed behind the adapter)";
    log_.log().error("outbox message " + std::to_string(row.id) + " goes to the dead-letter queue: " + why);
    bus::AmqpMessage stub;
    stub.properties["x-cimbus-reason"] = why;
    stub.properties["x-cimbus-target"] = row.target;
    row.message = bus::to_stored(stub);
    row.target = dead_letter_target_;
    log_.metrics().dead_letter("missing_reply");
    log_.count([](AdapterStats& s) { ++s.dead; });
  }
  in_flight_[row.id] = Sent{bus::stored_property(row.message, "Noun"), bus::stored_property(row.message, "Verb"), row.target == dead_letter_target_};
  auto done = [this, id = row.id, target = row.target](bus::Outcome o) {
    on_outcome_({id, o, o == bus::Outcome::refused ? bus_.refusal_of(target) : std::string()});
  };
  sends.push_back({std::move(row.target), bus::from_stored(std::move(row.message)), std::move(done)});
}

}  // namespace cimbus::adapter::detail
