#include "cimbus/store/store.hpp"

#include <chrono>
#include <stdexcept>

#include <sqlite3.h>

#include "cimbus/stored_message.pb.h"

#include "cimbus/codec/timestamp.hpp"
#include "cimbus/store/statement.hpp"

namespace cimbus::store {


namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS inbox (
  message_id   TEXT PRIMARY KEY,
  state        TEXT NOT NULL,              -- fresh, handled, dead
  attempts     INTEGER NOT NULL,
  first_seen   INTEGER NOT NULL,           -- ms since the epoch
  reason       TEXT,                       -- dead: why
  reply_target TEXT,
  reply        BLOB                        -- handled: the reply (StoredMessage)
);
CREATE INDEX IF NOT EXISTS inbox_by_first_seen ON inbox (first_seen);
CREATE TABLE IF NOT EXISTS outbox (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  target   TEXT NOT NULL,
  message  BLOB,                           -- StoredMessage; NULL: the inbox's reply to reply_of
  reply_of TEXT,                           -- inbox.message_id
  owner    TEXT NOT NULL DEFAULT ''        -- the instance that sends it
);
CREATE INDEX IF NOT EXISTS outbox_by_owner ON outbox (owner, id);
CREATE TABLE IF NOT EXISTS correlations (
  message_id TEXT PRIMARY KEY,             -- the request's MessageID: its replies' CorrelationID
  noun       TEXT NOT NULL,
  deadline   INTEGER NOT NULL,             -- ms since the epoch
  owner      TEXT NOT NULL DEFAULT ''      -- the instance that sent it and awaits the reply
);
CREATE INDEX IF NOT EXISTS correlations_by_deadline ON correlations (owner, deadline);
)";

// The version of the tables above (PRAGMA user_version). 2: replies stored once (outbox.reply_of).
// 3: outbox rows and requests have an owner, for instances sharing a file.
constexpr int kLayout = 3;

// Layout 2 gains the owner columns, its rows owned by the instance that opens it. Other versions
// are refused rather than misread: drain that version's outbox first (stop it cleanly), then move
// the file aside.
void check_layout(sqlite3* db, const std::string& path, const std::string& owner) {
  std::int64_t found = 0, tables = 0;
  {  // finished before the schema changes
    Statement version(db, "PRAGMA user_version");
    version.step();
    found = version.number(0);
    Statement inbox(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'inbox'");
    inbox.step();
    tables = inbox.number(0);
  }
  if (found == kLayout || tables == 0) return;
  if (found == 2) {
    execute(db, "BEGIN IMMEDIATE");
    execute(db, "ALTER TABLE outbox ADD COLUMN owner TEXT NOT NULL DEFAULT '';"
                "ALTER TABLE correlations ADD COLUMN owner TEXT NOT NULL DEFAULT '';"
                "DROP INDEX IF EXISTS correlations_by_deadline");
    Statement(db, "UPDATE outbox SET owner = ?").bind(1, owner).run();
    Statement(db, "UPDATE correlations SET owner = ?").bind(1, owner).run();
    execute(db, "COMMIT");
    return;
  }
  throw std::runtime_error(path + ": written by another version of cimbus (layout " + std::to_string(found) + ", this one reads " +
                           std::to_string(kLayout) + "); stop that version cleanly so that its outbox is sent, then move the file aside");
}

StoredMessage parse_stored(const std::string& bytes) {
  StoredMessage m;
  if (!m.ParseFromString(bytes)) throw std::runtime_error("a stored message is damaged");
  return m;
}

}  // namespace

Transaction::Transaction(sqlite3* db, bool relaxed) : db_(db), relaxed_(relaxed) {
  if (relaxed_) execute(db_, "PRAGMA synchronous = NORMAL");
  try {
    execute(db_, "BEGIN IMMEDIATE");
  } catch (...) {
    end();
    throw;
  }
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_), open_(other.open_), relaxed_(other.relaxed_) {
  other.open_ = false;
  other.relaxed_ = false;
}

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  end();
}

void Transaction::commit() {
  if (!open_) throw std::logic_error("the transaction is already over");
  execute(db_, "COMMIT");
  open_ = false;
  end();
}

// Back to the connection's default, full durability.
void Transaction::end() {
  if (relaxed_) sqlite3_exec(db_, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr);
  relaxed_ = false;
}

Savepoint::Savepoint(Transaction& tx) : Savepoint(tx.db()) {}

Savepoint::Savepoint(sqlite3* db) : db_(db) { execute(db_, "SAVEPOINT message"); }

Savepoint::~Savepoint() {
  if (!open_) return;
  sqlite3_exec(db_, "ROLLBACK TO message", nullptr, nullptr, nullptr);
  sqlite3_exec(db_, "RELEASE message", nullptr, nullptr, nullptr);
}

void Savepoint::release() {
  execute(db_, "RELEASE message");
  open_ = false;
}

Inbox::Entry Inbox::take(Transaction& tx, const std::string& message_id, bool delivered_before) {
  (void)tx;
  Statement(*statements_, "INSERT INTO inbox (message_id, state, attempts, first_seen) VALUES (?, 'fresh', 0, ?) "
                 "ON CONFLICT(message_id) DO NOTHING")
      .bind(1, message_id)
      .bind(2, epoch_ms())
      .run();
  Statement(*statements_, "UPDATE inbox SET attempts = MAX(attempts + 1, ?) WHERE message_id = ?")
      .bind(1, static_cast<std::int64_t>(delivered_before ? 2 : 1))
      .bind(2, message_id)
      .run();
  Statement row(*statements_, "SELECT state, attempts, reply_target, reply, reason FROM inbox WHERE message_id = ?");
  row.bind(1, message_id);
  if (!row.step()) throw std::runtime_error("inbox: " + message_id + " vanished");
  Entry e;
  const std::string state = row.text(0);
  e.state = state == "handled" ? State::handled : state == "dead" ? State::dead : State::fresh;
  e.attempts = static_cast<int>(row.number(1));
  e.reply_target = row.text(2);
  if (!row.is_null(3)) e.reply = parse_stored(row.blob(3));
  e.reason = row.text(4);
  return e;
}

void Inbox::finish(Transaction& tx, const std::string& message_id, const std::string& reply_target,
                   const std::optional<StoredMessage>& reply) {
  (void)tx;
  Statement update(*statements_, "UPDATE inbox SET state = 'handled', reply_target = ?, reply = ? WHERE message_id = ?");
  update.bind(1, reply_target);
  if (reply) update.bind_blob(2, reply->SerializeAsString());
  else update.bind_null(2);
  update.bind(3, message_id).run();
}

void Inbox::give_up(Transaction& tx, const std::string& message_id, const std::string& reason) {
  (void)tx;
  Statement(*statements_, "UPDATE inbox SET state = 'dead', reason = ? WHERE message_id = ?").bind(1, reason).bind(2, message_id).run();
}

std::size_t Inbox::forget_before(Transaction& tx, std::int64_t before_ms, std::size_t limit) {
  Statement(*statements_,
            "DELETE FROM inbox WHERE rowid IN (SELECT i.rowid FROM inbox i WHERE i.first_seen < ? "
            "AND i.message_id NOT IN (SELECT reply_of FROM outbox WHERE reply_of IS NOT NULL) ORDER BY i.first_seen LIMIT ?)")
      .bind(1, before_ms)
      .bind(2, static_cast<std::int64_t>(limit))
      .run();
  return static_cast<std::size_t>(sqlite3_changes(tx.db()));
}

std::size_t Inbox::size() {
  Statement count(*statements_, "SELECT COUNT(*) FROM inbox");
  count.step();
  return static_cast<std::size_t>(count.number(0));
}

std::int64_t Outbox::add(Transaction& tx, const std::string& target, const StoredMessage& message) {
  Statement(*statements_, "INSERT INTO outbox (target, message, owner) VALUES (?, ?, ?)")
      .bind(1, target)
      .bind_blob(2, message.SerializeAsString())
      .bind(3, *owner_)
      .run();
  return sqlite3_last_insert_rowid(tx.db());
}

std::int64_t Outbox::add_reply(Transaction& tx, const std::string& target, const std::string& message_id) {
  Statement(*statements_, "INSERT INTO outbox (target, reply_of, owner) VALUES (?, ?, ?)").bind(1, target).bind(2, message_id).bind(3, *owner_).run();
  return sqlite3_last_insert_rowid(tx.db());
}

std::vector<Outbox::Row> Outbox::pending(std::size_t limit, std::int64_t after_id) {
  Statement rows(*statements_,
                 "SELECT o.id, o.target, COALESCE(o.message, i.reply) FROM outbox o LEFT JOIN inbox i ON i.message_id = o.reply_of "
                 "WHERE o.owner = ? AND o.id > ? ORDER BY o.id LIMIT ?");
  rows.bind(1, *owner_);
  rows.bind(2, after_id);
  rows.bind(3, static_cast<std::int64_t>(limit));
  std::vector<Row> out;
  while (rows.step()) {
    if (rows.is_null(2)) throw std::runtime_error("outbox row " + std::to_string(rows.number(0)) + ": its reply is missing from the inbox");
    out.push_back(Row{rows.number(0), rows.text(1), parse_stored(rows.blob(2))});
  }
  return out;
}

void Outbox::remove(Transaction& tx, const std::vector<std::int64_t>& ids) {
  (void)tx;
  Statement remove(*statements_, "DELETE FROM outbox WHERE id = ?");
  for (std::int64_t id : ids) {
    remove.bind(1, id).run();
    remove.reset();
  }
}

std::size_t Outbox::size() {
  Statement count(*statements_, "SELECT COUNT(*) FROM outbox WHERE owner = ?");
  count.bind(1, *owner_);
  count.step();
  return static_cast<std::size_t>(count.number(0));
}

void Correlations::add(Transaction& tx, const Entry& entry) {
  (void)tx;
  Statement(*statements_, "INSERT OR REPLACE INTO correlations (message_id, noun, deadline, owner) VALUES (?, ?, ?, ?)")
      .bind(1, entry.message_id)
      .bind(2, entry.noun)
      .bind(3, entry.deadline_ms)
      .bind(4, *owner_)
      .run();
}

bool Correlations::answer(Transaction& tx, const std::string& message_id, bool final) {
  (void)tx;
  Statement find(*statements_, "SELECT 1 FROM correlations WHERE message_id = ?");
  find.bind(1, message_id);
  if (!find.step()) return false;
  if (final) Statement(*statements_, "DELETE FROM correlations WHERE message_id = ?").bind(1, message_id).run();
  return true;
}

std::vector<Correlations::Entry> Correlations::expired(std::int64_t now_ms, std::size_t limit) {
  Statement rows(*statements_, "SELECT message_id, noun, deadline FROM correlations WHERE owner = ? AND deadline <= ? ORDER BY deadline LIMIT ?");
  rows.bind(1, *owner_).bind(2, now_ms).bind(3, static_cast<std::int64_t>(limit));
  std::vector<Entry> out;
  while (rows.step()) out.push_back(Entry{rows.text(0), rows.text(1), rows.number(2)});
  return out;
}

std::optional<std::int64_t> Correlations::next_deadline() {
  Statement first(*statements_, "SELECT MIN(deadline) FROM correlations WHERE owner = ?");
  first.bind(1, *owner_);
  if (!first.step() || first.is_null(0)) return std::nullopt;
  return first.number(0);
}

std::size_t Correlations::size() {
  Statement count(*statements_, "SELECT COUNT(*) FROM correlations WHERE owner = ?");
  count.bind(1, *owner_);
  count.step();
  return static_cast<std::size_t>(count.number(0));
}

Store::Store(const std::string& path, std::string owner)
    : owner_(std::move(owner)), inbox_(nullptr), outbox_(nullptr, nullptr), correlations_(nullptr, nullptr) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error(path + ": " + message);
  }
  sqlite3_busy_timeout(db_, 10000);
  // WAL: readers do not block the writer; synchronous FULL: a committed transaction survives a
  // power cut, which is what lets the adapter accept the delivery right after commit.
  execute(db_, "PRAGMA journal_mode = WAL");
  execute(db_, "PRAGMA synchronous = FULL");
  // Inbox and outbox pages are rewritten by every batch: a larger WAL between checkpoints and a
  // larger page cache write and read each page fewer times (measured: bench/adapter_bench.cpp).
  execute(db_, "PRAGMA wal_autocheckpoint = 8192");   // pages: 32 MiB
  execute(db_, "PRAGMA journal_size_limit = 67108864");
  execute(db_, "PRAGMA cache_size = -8192");           // KiB: 8 MiB
  // Each message's savepoint keeps the pages it changes in a statement journal; in a temporary
  // file that is a write per page, in memory it is a copy (the savepoint lives for one handler).
  execute(db_, "PRAGMA temp_store = MEMORY");
  check_layout(db_, path, owner_);
  execute(db_, kSchema);
  execute(db_, ("PRAGMA user_version = " + std::to_string(kLayout)).c_str());
  statements_ = std::make_unique<StatementCache>(db_);
  inbox_ = Inbox(statements_.get());
  outbox_ = Outbox(statements_.get(), &owner_);
  correlations_ = Correlations(statements_.get(), &owner_);
}

Store::~Store() {
  statements_.reset();  // finalized before the connection closes
  sqlite3_close(db_);
}

Transaction Store::begin(Durability durability) { return Transaction(db_, durability == Durability::relaxed); }

}  // namespace cimbus::store
