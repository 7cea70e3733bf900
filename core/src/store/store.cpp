#include "cimbus/store/store.hpp"

#include <chrono>
#include <stdexcept>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <sqlite3.h>

#include "statement.hpp"

namespace cimbus::store {

using detail::Statement;

namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS inbox (
  message_id   TEXT PRIMARY KEY,
  state        TEXT NOT NULL,              -- fresh, handled, dead
  attempts     INTEGER NOT NULL,
  first_seen   INTEGER NOT NULL,           -- ms since the epoch
  reason       TEXT,                       -- dead: why
  reply_target TEXT,
  reply        TEXT                        -- handled: the reply (serialized AmqpMessage)
);
CREATE TABLE IF NOT EXISTS outbox (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  target  TEXT NOT NULL,
  message TEXT NOT NULL                    -- serialized AmqpMessage
);
CREATE TABLE IF NOT EXISTS correlations (
  message_id TEXT PRIMARY KEY,             -- the request's MessageID: its replies' CorrelationID
  noun       TEXT NOT NULL,
  deadline   INTEGER NOT NULL              -- ms since the epoch
);
CREATE INDEX IF NOT EXISTS correlations_by_deadline ON correlations (deadline);
)";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// An AmqpMessage as one JSON text (protobuf's Struct), so that replies and outbox rows keep
// every field and property.
std::string serialize(const bus::AmqpMessage& m) {
  google::protobuf::Struct s;
  auto& f = *s.mutable_fields();
  f["body"].set_string_value(m.body);
  f["message_id"].set_string_value(m.message_id);
  f["correlation_id"].set_string_value(m.correlation_id);
  f["reply_to"].set_string_value(m.reply_to);
  f["subject"].set_string_value(m.subject);
  f["content_type"].set_string_value(m.content_type);
  f["to"].set_string_value(m.to);
  f["durable"].set_bool_value(m.durable);
  if (m.ttl) f["ttl_ms"].set_number_value(static_cast<double>(m.ttl->count()));
  auto& properties = *f["properties"].mutable_struct_value()->mutable_fields();
  for (const auto& [key, value] : m.properties) properties[key].set_string_value(value);
  std::string json;
  google::protobuf::util::MessageToJsonString(s, &json);
  return json;
}

bus::AmqpMessage deserialize(const std::string& json) {
  google::protobuf::Struct s;
  if (!google::protobuf::util::JsonStringToMessage(json, &s).ok()) throw std::runtime_error("a stored message is damaged");
  const auto& f = s.fields();
  auto text = [&](const char* key) { auto it = f.find(key); return it == f.end() ? std::string() : it->second.string_value(); };
  bus::AmqpMessage m;
  m.body = text("body");
  m.message_id = text("message_id");
  m.correlation_id = text("correlation_id");
  m.reply_to = text("reply_to");
  m.subject = text("subject");
  m.content_type = text("content_type");
  m.to = text("to");
  if (auto it = f.find("durable"); it != f.end()) m.durable = it->second.bool_value();
  if (auto it = f.find("ttl_ms"); it != f.end()) m.ttl = std::chrono::milliseconds(static_cast<long>(it->second.number_value()));
  if (auto it = f.find("properties"); it != f.end())
    for (const auto& [key, value] : it->second.struct_value().fields()) m.properties[key] = value.string_value();
  return m;
}

}  // namespace

Transaction::Transaction(sqlite3* db) : db_(db) { detail::execute(db_, "BEGIN IMMEDIATE"); }

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_), open_(other.open_) { other.open_ = false; }

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  if (!open_) throw std::logic_error("the transaction is already over");
  detail::execute(db_, "COMMIT");
  open_ = false;
}

Savepoint::Savepoint(Transaction& tx) : db_(tx.db()) { detail::execute(db_, "SAVEPOINT message"); }

Savepoint::~Savepoint() {
  if (!open_) return;
  sqlite3_exec(db_, "ROLLBACK TO message", nullptr, nullptr, nullptr);
  sqlite3_exec(db_, "RELEASE message", nullptr, nullptr, nullptr);
}

void Savepoint::release() {
  detail::execute(db_, "RELEASE message");
  open_ = false;
}

Inbox::Entry Inbox::take(Transaction& tx, const std::string& message_id) {
  (void)tx;
  Statement(db_, "INSERT INTO inbox (message_id, state, attempts, first_seen) VALUES (?, 'fresh', 0, ?) "
                 "ON CONFLICT(message_id) DO NOTHING")
      .bind(1, message_id)
      .bind(2, now_ms())
      .run();
  Statement(db_, "UPDATE inbox SET attempts = attempts + 1 WHERE message_id = ?").bind(1, message_id).run();
  Statement row(db_, "SELECT state, attempts, reply_target, reply, reason FROM inbox WHERE message_id = ?");
  row.bind(1, message_id);
  if (!row.step()) throw std::runtime_error("inbox: " + message_id + " vanished");
  Entry e;
  const std::string state = row.text(0);
  e.state = state == "handled" ? State::handled : state == "dead" ? State::dead : State::fresh;
  e.attempts = static_cast<int>(row.number(1));
  e.reply_target = row.text(2);
  if (!row.is_null(3)) e.reply = deserialize(row.text(3));
  e.reason = row.text(4);
  return e;
}

void Inbox::finish(Transaction& tx, const std::string& message_id, const std::string& reply_target,
                   const std::optional<bus::AmqpMessage>& reply) {
  (void)tx;
  Statement update(db_, "UPDATE inbox SET state = 'handled', reply_target = ?, reply = ? WHERE message_id = ?");
  update.bind(1, reply_target);
  if (reply) update.bind(2, serialize(*reply));
  else update.bind_null(2);
  update.bind(3, message_id).run();
}

void Inbox::give_up(Transaction& tx, const std::string& message_id, const std::string& reason) {
  (void)tx;
  Statement(db_, "UPDATE inbox SET state = 'dead', reason = ? WHERE message_id = ?").bind(1, reason).bind(2, message_id).run();
}

void Outbox::add(Transaction& tx, const std::string& target, const bus::AmqpMessage& message) {
  (void)tx;
  Statement(db_, "INSERT INTO outbox (target, message) VALUES (?, ?)").bind(1, target).bind(2, serialize(message)).run();
}

std::vector<Outbox::Row> Outbox::pending(std::size_t limit, std::int64_t after_id) {
  Statement rows(db_, "SELECT id, target, message FROM outbox WHERE id > ? ORDER BY id LIMIT ?");
  rows.bind(1, after_id);
  rows.bind(2, static_cast<std::int64_t>(limit));
  std::vector<Row> out;
  while (rows.step()) out.push_back(Row{rows.number(0), rows.text(1), deserialize(rows.text(2))});
  return out;
}

void Outbox::remove(Transaction& tx, const std::vector<std::int64_t>& ids) {
  (void)tx;
  Statement remove(db_, "DELETE FROM outbox WHERE id = ?");
  for (std::int64_t id : ids) {
    remove.bind(1, id).run();
    remove.reset();
  }
}

std::size_t Outbox::size() {
  Statement count(db_, "SELECT COUNT(*) FROM outbox");
  count.step();
  return static_cast<std::size_t>(count.number(0));
}

void Correlations::add(Transaction& tx, const Entry& entry) {
  (void)tx;
  Statement(db_, "INSERT OR REPLACE INTO correlations (message_id, noun, deadline) VALUES (?, ?, ?)")
      .bind(1, entry.message_id)
      .bind(2, entry.noun)
      .bind(3, entry.deadline_ms)
      .run();
}

bool Correlations::answer(Transaction& tx, const std::string& message_id, bool final) {
  (void)tx;
  Statement find(db_, "SELECT 1 FROM correlations WHERE message_id = ?");
  find.bind(1, message_id);
  if (!find.step()) return false;
  if (final) Statement(db_, "DELETE FROM correlations WHERE message_id = ?").bind(1, message_id).run();
  return true;
}

std::vector<Correlations::Entry> Correlations::expired(std::int64_t now_ms, std::size_t limit) {
  Statement rows(db_, "SELECT message_id, noun, deadline FROM correlations WHERE deadline <= ? ORDER BY deadline LIMIT ?");
  rows.bind(1, now_ms).bind(2, static_cast<std::int64_t>(limit));
  std::vector<Entry> out;
  while (rows.step()) out.push_back(Entry{rows.text(0), rows.text(1), rows.number(2)});
  return out;
}

std::optional<std::int64_t> Correlations::next_deadline() {
  Statement first(db_, "SELECT MIN(deadline) FROM correlations");
  if (!first.step() || first.is_null(0)) return std::nullopt;
  return first.number(0);
}

std::size_t Correlations::size() {
  Statement count(db_, "SELECT COUNT(*) FROM correlations");
  count.step();
  return static_cast<std::size_t>(count.number(0));
}

Store::Store(const std::string& path) : inbox_(nullptr), outbox_(nullptr), correlations_(nullptr) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error(path + ": " + message);
  }
  sqlite3_busy_timeout(db_, 10000);
  // WAL: readers do not block the writer; synchronous FULL: a committed transaction survives a
  // power cut, which is what lets the adapter accept the delivery right after commit.
  detail::execute(db_, "PRAGMA journal_mode = WAL");
  detail::execute(db_, "PRAGMA synchronous = FULL");
  detail::execute(db_, kSchema);
  inbox_ = Inbox(db_);
  outbox_ = Outbox(db_);
  correlations_ = Correlations(db_);
}

Store::~Store() { sqlite3_close(db_); }

Transaction Store::begin() { return Transaction(db_); }

}  // namespace cimbus::store
