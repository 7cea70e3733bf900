#pragma once
// One connection to a store engine: what the store and the systems of record need of a database,
// and nothing of a particular one. SQLite is the first engine (sqlite_engine.hpp); a second engine
// implements this class and the store's tables in its dialect (decisions/0009).
//
// SQL given to prepare() uses `?` parameters numbered from 1 and the portable subset of SQL that
// SQLite and PostgreSQL share (INSERT ... ON CONFLICT, SAVEPOINT); an engine translates what it
// must (its parameter syntax, its upsert spelling).
//
// Threading: a connection is used by one thread at a time.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cimbus::store {

// How a commit reaches the disk.
enum class Durability {
  full,     // flushed at commit: survives a power cut (effects, replies, events)
  relaxed,  // not flushed: survives a crash of the process, not of the machine; for bookkeeping
            // whose loss costs a repetition only (attempt counts, removal of sent rows). The
            // next full commit makes it durable too (decisions/0004).
};

class Connection {
 public:
  // One prepared statement of the engine; Statement (statement.hpp) is how code uses it.
  class Prepared {
   public:
    virtual ~Prepared() = default;
    virtual void bind_text(int index, std::string_view text) = 0;
    virtual void bind_number(int index, std::int64_t number) = 0;
    virtual void bind_blob(int index, std::string_view bytes) = 0;
    virtual void bind_null(int index) = 0;
    // True while a row is available; throws std::runtime_error with the engine's message.
    virtual bool step() = 0;
    // Ready to run again, bindings cleared.
    virtual void reset() = 0;
    virtual int parameters() const = 0;  // how many `?` the SQL has
    virtual int columns() const = 0;
    virtual std::string text(int column) const = 0;
    virtual std::int64_t number(int column) const = 0;
    virtual bool is_null(int column) const = 0;
    virtual std::string blob(int column) const = 0;
  };

  virtual ~Connection() = default;

  // Prepares `sql` (one statement); `reused`: it will run many times (the engine may keep it).
  virtual std::unique_ptr<Prepared> prepare(const char* sql, bool reused) = 0;
  // Runs SQL without parameters (schema, several statements one after another).
  virtual void execute(const std::string& sql) = 0;
  // Runs one statement without parameters that the store runs for every message (SAVEPOINT,
  // RELEASE): an engine that can prepare it keeps it prepared. `sql` must be a string literal.
  virtual void execute_often(const char* sql) { execute(sql); }

  // A transaction that takes the write lock at once: writers queue at begin rather than fail
  // half-way. Transaction (transaction.hpp) is how code uses these.
  virtual void begin(Durability durability) = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;

  // Rows changed by the last statement. (The key an insert gave its row: INSERT ... RETURNING.)
  virtual std::int64_t changes() const = 0;

  // The store's own tables (inbox, outbox, correlations) in this engine's dialect: created, or
  // migrated from an older layout; `owner` takes the rows of a layout that had no owners. Throws
  // for a layout this version cannot read.
  virtual void prepare_store_tables(const std::string& owner) = 0;

  // At a clean stop: what the engine keeps beside the main file (SQLite's write-ahead log) goes
  // into it, so that the file alone is a complete copy. Nothing to do for other engines.
  virtual void checkpoint() {}

  // A statement prepared once per SQL text and kept, for SQL run for every message. `sql` must be
  // a string literal: the cache keys on its address. Null while that statement is in use (a
  // nested use of the same SQL): the caller prepares its own then.
  Prepared* cached(const char* sql);
  void release(const char* sql);

 protected:
  // An engine calls this in its destructor: kept statements end before the connection closes.
  void drop_kept() { kept_.clear(); }

 private:
  struct Kept {
    std::unique_ptr<Prepared> prepared;
    bool in_use = false;
  };
  std::unordered_map<const char*, Kept> kept_;
};

}  // namespace cimbus::store
