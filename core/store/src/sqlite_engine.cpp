#include "cimbus/store/sqlite_engine.hpp"

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "cimbus/store/statement.hpp"
#include "cimbus/store/store_error.hpp"
#include "store_tables.hpp"
#include "wal_write_combining.hpp"

namespace cimbus::store {

namespace {

// Whom SQLite's result code blames: the content of the transaction (a constraint, a damaged page
// its rows reach, SQL that does not fit the tables) or the store as a whole (the disk, I/O, locks,
// memory), which fails every transaction alike.
StoreError::Blame blame_of(int result_code) {
  switch (result_code & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_CORRUPT:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_ERROR:
      return StoreError::Blame::content;
    default:
      return StoreError::Blame::store;
  }
}

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw StoreError(what + ": " + sqlite3_errmsg(db), blame_of(sqlite3_extended_errcode(db)));
}

// The length of `sql` without its " RETURNING id" when it is a one-row INSERT ... VALUES (...)
// RETURNING id, else 0. SQLite gathers RETURNING rows in a temporary table first, which cost
// 40,000 instructions an insert (a third of the message journal's insert): such an insert runs
// without it, and its row id (sqlite3_last_insert_rowid) is the one row it returns.
std::size_t returning_id_cut(std::string_view sql) {
  constexpr std::string_view kInsert = "INSERT INTO ", kReturning = ") RETURNING id";
  if (sql.substr(0, kInsert.size()) != kInsert || sql.size() < kReturning.size() ||
      sql.substr(sql.size() - kReturning.size()) != kReturning)
    return 0;
  const std::size_t values = sql.find(" VALUES (");
  if (values == std::string_view::npos || sql.find(" VALUES (", values + 1) != std::string_view::npos) return 0;
  if (sql.find("ON CONFLICT") != std::string_view::npos || sql.find("SELECT") != std::string_view::npos) return 0;
  if (sql.find("),", values) != std::string_view::npos || sql.find(") ,", values) != std::string_view::npos) return 0;  // rows
  return sql.size() - kReturning.size() + 1;  // keeps the ")"
}

class SqlitePrepared final : public Connection::Prepared {
 public:
  SqlitePrepared(sqlite3* db, const char* sql, bool reused) : db_(db) {
    const std::size_t cut = returning_id_cut(sql);
    returns_row_id_ = cut > 0;
    if (sqlite3_prepare_v3(db, sql, returns_row_id_ ? static_cast<int>(cut) : -1, reused ? SQLITE_PREPARE_PERSISTENT : 0, &statement_,
                           nullptr) != SQLITE_OK)
      fail(db, sql);
    parameters_ = sqlite3_bind_parameter_count(statement_);
    kept_.resize(static_cast<std::size_t>(parameters_));
  }
  ~SqlitePrepared() override { sqlite3_finalize(statement_); }

  // Text and blobs are copied into buffers the statement keeps, and bound from there as static:
  // SQLite's own copy (SQLITE_TRANSIENT) frees and allocates its buffer at every bind, a few
  // hundred malloc and free per message.
  void bind_text(int index, std::string_view text) override {
    const std::string& kept = keep(index, text);
    check(sqlite3_bind_text(statement_, index, kept.data(), static_cast<int>(kept.size()), SQLITE_STATIC));
    note_bound(index);
  }
  void bind_number(int index, std::int64_t number) override {
    check(sqlite3_bind_int64(statement_, index, number));
    note_bound(index);
  }
  void bind_blob(int index, std::string_view bytes) override {
    const std::string& kept = keep(index, bytes);
    check(sqlite3_bind_blob(statement_, index, kept.data(), static_cast<int>(kept.size()), SQLITE_STATIC));
    note_bound(index);
  }
  void bind_null(int index) override {
    check(sqlite3_bind_null(statement_, index));
    note_bound(index);
  }

  bool step() override {
    if (!stepped_) null_unbound();
    if (returns_row_id_) {
      if (row_id_given_) return false;
      row_id_given_ = true;
      if (plain_step() || sqlite3_changes(db_) != 1) return false;
      row_id_ = sqlite3_last_insert_rowid(db_);
      return true;
    }
    return plain_step();
  }
  // Bindings stay: a parameter not bound again is made NULL at the next step (null_unbound).
  // sqlite3_clear_bindings would free each text's buffer, and the next bind allocate it again:
  // a few hundred malloc and free per message.
  void reset() override {
    sqlite3_reset(statement_);
    if (parameters_ > 64) sqlite3_clear_bindings(statement_);
    bound_ = 0;
    stepped_ = false;
    row_id_given_ = false;
  }

  int parameters() const override { return sqlite3_bind_parameter_count(statement_); }
  int columns() const override { return returns_row_id_ ? 1 : sqlite3_column_count(statement_); }
  std::string text(int column) const override {
    if (returns_row_id_) return std::to_string(row_id_);
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
    return p == nullptr ? std::string() : std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
  }
  std::int64_t number(int column) const override { return returns_row_id_ ? row_id_ : sqlite3_column_int64(statement_, column); }
  bool is_null(int column) const override { return !returns_row_id_ && sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::string blob(int column) const override {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(statement_, column));
    return p == nullptr ? std::string() : std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
  }

 private:
  // The buffer of parameter `index`, holding `value` now; a huge one is not kept past its use.
  const std::string& keep(int index, std::string_view value) {
    if (index < 1 || index > parameters_) check(sqlite3_bind_null(statement_, index));  // SQLite says why
    std::string& buffer = kept_[static_cast<std::size_t>(index - 1)];
    if (buffer.capacity() > kKeptBytes && value.size() <= kKeptBytes) std::string().swap(buffer);
    buffer.assign(value.data(), value.size());
    return buffer;
  }
  void note_bound(int index) {
    if (index >= 1 && index <= 64) bound_ |= std::uint64_t{1} << (index - 1);
  }
  void null_unbound() {
    stepped_ = true;
    if (parameters_ > 64) return;  // not tracked: reset() clears them all
    for (int i = 1; i <= parameters_; ++i)
      if ((bound_ & (std::uint64_t{1} << (i - 1))) == 0) sqlite3_bind_null(statement_, i);
  }
  bool plain_step() {
    const int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, sqlite3_sql(statement_));
  }
  void check(int rc) const {
    if (rc != SQLITE_OK) fail(db_, std::string("bind in ") + sqlite3_sql(statement_));
  }
  static constexpr std::size_t kKeptBytes = 1 << 20;
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
  int parameters_ = 0;
  std::vector<std::string> kept_;  // per parameter: what it is bound to (see bind_text)
  std::uint64_t bound_ = 0;  // parameters 1..64 bound since the last reset
  bool stepped_ = false;     // since the last reset
  bool returns_row_id_ = false;  // see returning_id_cut
  bool row_id_given_ = false;
  std::int64_t row_id_ = 0;
};

// SQLite keeps memory statistics by default, under a process-wide mutex taken at every one of
// its allocations (hundreds per message); cimbus reads none of them. Only possible before SQLite
// initializes: if something initialized it earlier, it keeps them, and only costs more.
void leave_out_sqlite_memory_statistics() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, OpenOptions how) : path_(path) {
    leave_out_sqlite_memory_statistics();
    const int flags = (how.mode == OpenOptions::read_only ? SQLITE_OPEN_READONLY
                       : how.mode == OpenOptions::read_write ? SQLITE_OPEN_READWRITE
                                                            : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                      SQLITE_OPEN_NOMUTEX;
    // A transaction's WAL frames written in few system calls (wal_write_combining.hpp).
    if (sqlite3_open_v2(path.c_str(), &db_, flags, detail::wal_write_combining_vfs()) != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error(path + ": " + message);
    }
    // More of SQLite's small allocations (cursors, records, expressions) from the connection's
    // own slots than its default 100: each message opens a dozen tables and indexes.
    sqlite3_db_config(db_, SQLITE_DBCONFIG_LOOKASIDE, nullptr, 1200, 500);
    sqlite3_busy_timeout(db_, static_cast<int>(how.lock_wait.count()));
    // The tables of a system of record may declare foreign keys; SQLite checks them only when
    // asked, and a deferred one at commit (which the runtime blames on the message: decisions/0019).
    execute("PRAGMA foreign_keys = ON");
    if (how.mode != OpenOptions::create) return;
    // WAL: readers do not block the writer; synchronous FULL: a committed transaction survives a
    // power cut, which is what lets the adapter accept the delivery right after commit.
    execute("PRAGMA journal_mode = WAL");
    execute("PRAGMA synchronous = FULL");
    // Inbox and outbox pages are rewritten by every batch: a larger WAL between checkpoints and a
    // larger page cache write and read each page fewer times (measured: bench/adapter_bench.cpp).
    execute("PRAGMA wal_autocheckpoint = 8192");  // pages: 32 MiB
    execute("PRAGMA journal_size_limit = 67108864");
    execute("PRAGMA cache_size = -8192");  // KiB: 8 MiB
    // Each message's savepoint keeps the pages it changes in a statement journal; in a temporary
    // file that is a write per page, in memory it is a copy (the savepoint lives for one handler).
    // A statement journal spilled to a temporary file (SQLITE_CONFIG_STMTJRNL_SPILL) failed with
    // "database or disk is full" on a disk with room (decisions/0036): it writes its 256 KiB pieces
    // whole, and the unix VFS writes less than 128 KiB at once (decisions/0037).
    execute("PRAGMA temp_store = MEMORY");
  }

  ~SqliteConnection() override {
    drop_kept();  // finalized before the connection closes
    sqlite3_close(db_);
  }

  std::unique_ptr<Prepared> prepare(const char* sql, bool reused) override { return std::make_unique<SqlitePrepared>(db_, sql, reused); }

  void execute(const std::string& sql) override {
    char* error = nullptr;
    if (const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error); rc != SQLITE_OK) {
      std::string message = sql + ": " + (error ? error : "error");
      sqlite3_free(error);
      throw StoreError(message, blame_of(rc));
    }
  }

  void execute_often(const char* sql) override {
    Prepared* kept = cached(sql);
    if (kept == nullptr) return execute(sql);
    try {
      kept->step();
    } catch (...) {
      release(sql);
      throw;
    }
    release(sql);
  }

  void begin(Durability durability) override {
    relaxed_ = durability == Durability::relaxed;
    if (relaxed_) execute("PRAGMA synchronous = NORMAL");
    try {
      execute_often("BEGIN IMMEDIATE");
    } catch (...) {
      back_to_full();
      throw;
    }
  }
  void commit() override {
    execute_often("COMMIT");
    back_to_full();
  }
  void rollback() noexcept override {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    back_to_full();
  }

  // TRUNCATE: the log is emptied too. Another process sharing the file may hold it: then it is
  // done as far as it can, and that process's own stop finishes it.
  void checkpoint() override { sqlite3_exec(db_, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr); }

  std::int64_t changes() const override { return sqlite3_changes(db_); }

  // A store with damaged pages is refused at start (PRAGMA quick_check: every page, but no index
  // against its table), rather than failing later on the message that reaches the page.
  void refuse_if_damaged() {
    std::string verdict;
    try {
      Statement check(*this, "PRAGMA quick_check(3)");
      while (check.step()) verdict += (verdict.empty() ? "" : "; ") + check.text(0);
    } catch (const std::exception& e) {
      verdict = e.what();
    }
    if (verdict != "ok")
      throw std::runtime_error(path_ + ": the store is damaged (" + verdict + "); restore it from a backup, or move it aside to start empty");
  }

  // Layout 2 gains the owner columns, its rows owned by the instance that opens it; layout 4 the
  // transport correlation of acknowledged calls (empty for the calls it holds). Other versions
  // are refused rather than misread: drain that version's outbox first (stop it cleanly), then move
  // the file aside.
  void prepare_store_tables(const std::string& owner) override {
    refuse_if_damaged();
    std::int64_t found = 0, tables = 0;
    {  // finished before the schema changes
      Statement version(*this, "PRAGMA user_version");
      version.step();
      found = version.number(0);
      Statement inbox(*this, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'inbox'");
      inbox.step();
      tables = inbox.number(0);
    }
    if (found == 2 && tables > 0) {
      execute("BEGIN IMMEDIATE");
      execute("ALTER TABLE outbox ADD COLUMN owner TEXT NOT NULL DEFAULT '';"
              "ALTER TABLE correlations ADD COLUMN owner TEXT NOT NULL DEFAULT '';"
              "DROP INDEX IF EXISTS correlations_by_deadline");
      Statement(*this, "UPDATE outbox SET owner = ?").bind(1, owner).run();
      Statement(*this, "UPDATE correlations SET owner = ?").bind(1, owner).run();
      execute("COMMIT");
    } else if (found == 4 && tables > 0) {
      execute("BEGIN IMMEDIATE");
      std::int64_t has_column = 0;
      {  // another instance sharing the file may have added it meanwhile
        Statement column(*this, "SELECT COUNT(*) FROM pragma_table_info('acknowledged_calls') WHERE name = 'transport_correlation'");
        column.step();
        has_column = column.number(0);
      }
      if (has_column == 0)
        execute("ALTER TABLE acknowledged_calls ADD COLUMN transport_correlation TEXT NOT NULL DEFAULT '';"
                "ALTER TABLE acknowledged_calls ADD COLUMN transport_correlation_type INTEGER NOT NULL DEFAULT 0");
      execute("COMMIT");
    } else if (found != kLayout && found != 3 && found != 5 && found != 6 && found != 7 && tables > 0) {
      throw std::runtime_error(path_ + ": written by another version of cimbus (layout " + std::to_string(found) + ", this one reads " +
                               std::to_string(kLayout) +
                               "); stop that version cleanly so that its outbox is sent, then move the file aside");
    }
    if (tables > 0 && found < 7) add_outbox_created();
    execute(kStoreTables);
    execute("PRAGMA user_version = " + std::to_string(kLayout));
  }

 private:
  // Layouts before 7: the outbox gains `created` (unless another instance sharing the file added it).
  void add_outbox_created() {
    execute("BEGIN IMMEDIATE");
    std::int64_t has_column = 0;
    {
      Statement column(*this, "SELECT COUNT(*) FROM pragma_table_info('outbox') WHERE name = 'created'");
      column.step();
      has_column = column.number(0);
    }
    if (has_column == 0) execute("ALTER TABLE outbox ADD COLUMN created INTEGER NOT NULL DEFAULT 0");
    execute("COMMIT");
  }

  // Back to the connection's default, full durability.
  void back_to_full() noexcept {
    if (relaxed_) sqlite3_exec(db_, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr);
    relaxed_ = false;
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  bool relaxed_ = false;
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::string& path, OpenOptions how) { return std::make_unique<SqliteConnection>(path, how); }

}  // namespace cimbus::store
