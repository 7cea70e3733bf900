#include "cimbus/store/postgresql_engine.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include "cimbus/store/store_error.hpp"
#include "store_tables.hpp"

namespace cimbus::store {

namespace {

constexpr unsigned kByteaType = 17;  // pg_type's OID of bytea
// The advisory lock every writing transaction takes: one writer at a time per database, the
// semantics of SQLite's BEGIN IMMEDIATE on a shared file (decisions/0031).
constexpr const char* kWriteLock = "SELECT pg_advisory_xact_lock(61968)";

// Whom the SQLSTATE blames (store_error.hpp): data, integrity and syntax classes the content; the
// rest (connection, resources, lock timeouts, the server shutting down) the store. No SQLSTATE at
// all: the connection is gone.
StoreError::Blame blame_of(const char* sqlstate) {
  if (sqlstate == nullptr || std::string_view(sqlstate).size() < 2) return StoreError::Blame::store;
  const std::string_view cls(sqlstate, 2);
  if (cls == "21" || cls == "22" || cls == "23" || cls == "42" || cls == "0A" || cls == "2B" || cls == "44")
    return StoreError::Blame::content;
  return StoreError::Blame::store;
}

std::string trimmed(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m.empty() ? "no answer from the server" : m;
}

bool ok(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

[[noreturn]] void fail(PGresult* result, PGconn* conn, const std::string& what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const StoreError::Blame blame = blame_of(state);
  const std::string message = what + ": " + trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  PQclear(result);
  throw StoreError(message, blame);
}

bool starts_word(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool in_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string upper(std::string_view word) {
  std::string out(word);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// How many parameters PostgreSQL's form of `sql` has (the highest $N).
int parameters_of(const std::string& translated) {
  int highest = 0;
  for (std::size_t i = 0; i < translated.size(); ++i) {
    const char c = translated[i];
    if (c == '\'' || c == '"') {
      const std::size_t end = translated.find(c, i + 1);
      i = end == std::string::npos ? translated.size() : end;
    } else if (c == '$' && i + 1 < translated.size() && std::isdigit(static_cast<unsigned char>(translated[i + 1]))) {
      int n = 0;
      while (i + 1 < translated.size() && std::isdigit(static_cast<unsigned char>(translated[i + 1]))) n = n * 10 + (translated[++i] - '0');
      highest = std::max(highest, n);
    }
  }
  return highest;
}

}  // namespace

std::string to_postgresql(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int highest = 0;  // SQLite's rule: a bare `?` is one more than the highest number so far
  for (std::size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {  // a literal or a quoted name, copied as it is
      std::size_t end = sql.find(c, i + 1);
      end = end == std::string::npos ? sql.size() : end + 1;
      out.append(sql, i, end - i);
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {  // a comment to the end of its line
      std::size_t end = sql.find('\n', i);
      end = end == std::string::npos ? sql.size() : end;
      out.append(sql, i, end - i);
      i = end;
    } else if (c == '?') {
      std::size_t j = i + 1;
      int n = 0;
      while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) n = n * 10 + (sql[j++] - '0');
      if (j == i + 1) n = highest + 1;
      highest = std::max(highest, n);
      out += '$' + std::to_string(n);
      i = j;
    } else if (starts_word(c) && (i == 0 || !in_word(sql[i - 1]))) {
      std::size_t j = i;
      while (j < sql.size() && in_word(sql[j])) ++j;
      const std::string word = upper(std::string_view(sql).substr(i, j - i));
      if (word == "INTEGER") {
        // INTEGER PRIMARY KEY AUTOINCREMENT: an identity column; any other INTEGER: 64 bits, as in SQLite.
        std::size_t k = j;
        std::string rest;
        for (int words = 0; words < 3; ++words) {
          while (k < sql.size() && std::isspace(static_cast<unsigned char>(sql[k]))) ++k;
          std::size_t e = k;
          while (e < sql.size() && in_word(sql[e])) ++e;
          rest += (words ? " " : "") + upper(std::string_view(sql).substr(k, e - k));
          k = e;
        }
        if (rest == "PRIMARY KEY AUTOINCREMENT") {
          out += "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
          i = k;
          continue;
        }
        out += "BIGINT";
      } else if (word == "BLOB") {
        out += "BYTEA";
      } else {
        out.append(sql, i, j - i);
      }
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

namespace {

class PostgresqlConnection;

class PostgresqlPrepared final : public Connection::Prepared {
 public:
  PostgresqlPrepared(PostgresqlConnection& connection, const char* sql, bool reused);
  ~PostgresqlPrepared() override { PQclear(result_); }

  void bind_text(int index, std::string_view text) override { bind(index, text, false); }
  void bind_number(int index, std::int64_t number) override { bind(index, std::to_string(number), false); }
  void bind_blob(int index, std::string_view bytes) override { bind(index, bytes, true); }
  void bind_null(int index) override {
    check_index(index);
    values_[static_cast<std::size_t>(index - 1)].reset();
  }

  bool step() override {
    if (!executed_) run();
    ++row_;
    return row_ < PQntuples(result_);
  }
  void reset() override {
    PQclear(result_);
    result_ = nullptr;
    executed_ = false;
    row_ = -1;
    for (auto& v : values_) v.reset();
  }

  int parameters() const override { return static_cast<int>(values_.size()); }
  int columns() const override { return result_ ? PQnfields(result_) : 0; }
  std::string text(int column) const override {
    if (PQftype(result_, column) == kByteaType) return blob(column);
    return std::string(PQgetvalue(result_, row_, column), static_cast<std::size_t>(PQgetlength(result_, row_, column)));
  }
  std::int64_t number(int column) const override {
    const char* value = PQgetvalue(result_, row_, column);
    if (value[0] == 't' && value[1] == '\0') return 1;  // a boolean, as SQLite gives it
    if (value[0] == 'f' && value[1] == '\0') return 0;
    return std::strtoll(value, nullptr, 10);
  }
  bool is_null(int column) const override { return PQgetisnull(result_, row_, column) != 0; }
  std::string blob(int column) const override {
    if (PQgetisnull(result_, row_, column)) return {};
    if (PQftype(result_, column) != kByteaType)
      return std::string(PQgetvalue(result_, row_, column), static_cast<std::size_t>(PQgetlength(result_, row_, column)));
    std::size_t length = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row_, column)), &length);
    if (bytes == nullptr) throw StoreError("bytea column " + std::to_string(column) + ": out of memory", StoreError::Blame::store);
    std::string out(reinterpret_cast<const char*>(bytes), length);
    PQfreemem(bytes);
    return out;
  }

 private:
  struct Value {
    std::string bytes;
    bool binary = false;
  };
  void check_index(int index) const {
    if (index < 1 || index > static_cast<int>(values_.size()))
      throw StoreError("parameter " + std::to_string(index) + " out of range in " + sql_, StoreError::Blame::content);
  }
  void bind(int index, std::string_view bytes, bool binary) {
    check_index(index);
    values_[static_cast<std::size_t>(index - 1)] = Value{std::string(bytes), binary};
  }
  void run();

  PostgresqlConnection& connection_;
  std::string sql_;
  std::string name_;  // a kept statement's server-side name; empty: sent with its text each time
  std::uint64_t prepared_in_ = 0;  // the session it was prepared in (a reconnection forgets it)
  std::vector<std::optional<Value>> values_;
  PGresult* result_ = nullptr;
  bool executed_ = false;
  int row_ = -1;
};

class PostgresqlConnection final : public Connection {
 public:
  PostgresqlConnection(const std::string& url, OpenOptions how) : url_(url), how_(how) {
    refuse_password_in(url);
    conn_ = PQconnectdb(url.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string message = trimmed(PQerrorMessage(conn_));
      PQfinish(conn_);
      conn_ = nullptr;
      throw std::runtime_error(url + ": " + message);
    }
    prepare_session();
  }
  ~PostgresqlConnection() override {
    drop_kept();
    PQfinish(conn_);
  }

  std::unique_ptr<Prepared> prepare(const char* sql, bool reused) override {
    return std::make_unique<PostgresqlPrepared>(*this, sql, reused);
  }

  void execute(const std::string& sql) override { run_plain(to_postgresql(sql)); }

  void begin(Durability durability) override {
    reconnect_if_lost();
    run_plain("BEGIN");
    try {
      if (durability == Durability::relaxed) run_plain("SET LOCAL synchronous_commit = off");
      if (how_.mode != OpenOptions::read_only) run_plain(kWriteLock);
    } catch (...) {
      rollback();
      throw;
    }
  }
  void commit() override {
    PGresult* result = PQexec(conn_, "COMMIT");
    if (!ok(result)) fail(result, conn_, "COMMIT");
    // An earlier error aborted the transaction: PostgreSQL answers COMMIT with ROLLBACK.
    const bool committed = std::string_view(PQcmdStatus(result)) == "COMMIT";
    PQclear(result);
    if (!committed) throw StoreError("COMMIT: the transaction was rolled back after an error in it", StoreError::Blame::content);
  }
  void rollback() noexcept override { PQclear(PQexec(conn_, "ROLLBACK")); }

  std::int64_t changes() const override { return changes_; }

  void prepare_store_tables(const std::string& owner) override {
    (void)owner;  // PostgreSQL came with layout 7, which has owners
    begin(Durability::full);
    try {
      run_plain("CREATE TABLE IF NOT EXISTS cimbus_layout (version BIGINT NOT NULL)");
      std::int64_t found = 0;
      {
        PGresult* result = PQexec(conn_, "SELECT version FROM cimbus_layout");
        if (!ok(result)) fail(result, conn_, "reading the layout");
        if (PQntuples(result) > 0) found = std::strtoll(PQgetvalue(result, 0, 0), nullptr, 10);
        PQclear(result);
      }
      if (found != 0 && found != 7 && found != kLayout)  // 7 only gains the order tables
        throw std::runtime_error(url_ + ": written by another version of cimbus (layout " + std::to_string(found) + ", this one reads " +
                                 std::to_string(kLayout) + "); stop that version cleanly so that its outbox is sent, then use a new database");
      execute(kStoreTables);
      if (found == 0) run_plain("INSERT INTO cimbus_layout (version) VALUES (" + std::to_string(kLayout) + ")");
      else if (found != kLayout) run_plain("UPDATE cimbus_layout SET version = " + std::to_string(kLayout));
      commit();
    } catch (...) {
      rollback();
      throw;
    }
  }

  // For the statements of this connection.
  PGconn* conn() { return conn_; }
  std::uint64_t session() const { return session_; }
  std::string next_statement_name() { return "cimbus_" + std::to_string(++statements_); }
  void set_changes(std::int64_t n) { changes_ = n; }

 private:
  static void refuse_password_in(const std::string& url) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
    if (options == nullptr) {
      const std::string message = trimmed(error);
      PQfreemem(error);
      throw std::runtime_error("store " + url + ": " + message);
    }
    bool has_password = false;
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o)
      if (std::string_view(o->keyword) == "password" && o->val != nullptr && *o->val != '\0') has_password = true;
    PQconninfoFree(options);
    if (has_password)
      throw std::runtime_error("store: the PostgreSQL URL holds a password, which would sit in the configuration in clear; "
                               "remove it and give it in PGPASSWORD or a password file (PGPASSFILE, ~/.pgpass)");
  }

  // Per session: notices (CREATE ... IF NOT EXISTS) are not printed; a lock wait is bounded.
  void prepare_session() {
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    run_plain("SET lock_timeout = " + std::to_string(how_.lock_wait.count()));
    run_plain("SET application_name = 'cimbus'");
    if (how_.mode == OpenOptions::read_only) run_plain("SET default_transaction_read_only = on");
  }

  // A connection the server or the network ended is opened again before the next transaction;
  // until it comes back, every transaction fails blaming the store (decisions/0018).
  void reconnect_if_lost() {
    if (PQstatus(conn_) == CONNECTION_OK) return;
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) throw StoreError(url_ + ": " + trimmed(PQerrorMessage(conn_)), StoreError::Blame::store);
    ++session_;
    prepare_session();
  }

  void run_plain(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    if (!ok(result)) fail(result, conn_, sql);
    PQclear(result);
  }

  std::string url_;
  OpenOptions how_;
  PGconn* conn_ = nullptr;
  std::uint64_t session_ = 1;
  std::uint64_t statements_ = 0;
  std::int64_t changes_ = 0;
};

PostgresqlPrepared::PostgresqlPrepared(PostgresqlConnection& connection, const char* sql, bool reused)
    : connection_(connection), sql_(to_postgresql(sql)) {
  values_.resize(static_cast<std::size_t>(parameters_of(sql_)));
  if (reused) name_ = connection.next_statement_name();
}

void PostgresqlPrepared::run() {
  PGconn* conn = connection_.conn();
  if (!name_.empty() && prepared_in_ != connection_.session()) {
    PGresult* prepared = PQprepare(conn, name_.c_str(), sql_.c_str(), 0, nullptr);
    if (!ok(prepared)) fail(prepared, conn, sql_);
    PQclear(prepared);
    prepared_in_ = connection_.session();
  }
  const int n = static_cast<int>(values_.size());
  std::vector<const char*> values(static_cast<std::size_t>(n));
  std::vector<int> lengths(static_cast<std::size_t>(n)), formats(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const auto& v = values_[static_cast<std::size_t>(i)];
    values[static_cast<std::size_t>(i)] = v ? v->bytes.c_str() : nullptr;
    lengths[static_cast<std::size_t>(i)] = v ? static_cast<int>(v->bytes.size()) : 0;
    formats[static_cast<std::size_t>(i)] = v && v->binary ? 1 : 0;
  }
  PQclear(result_);
  result_ = name_.empty() ? PQexecParams(conn, sql_.c_str(), n, nullptr, values.data(), lengths.data(), formats.data(), 0)
                          : PQexecPrepared(conn, name_.c_str(), n, values.data(), lengths.data(), formats.data(), 0);
  if (!ok(result_)) {
    PGresult* failed = result_;
    result_ = nullptr;
    fail(failed, conn, sql_);
  }
  executed_ = true;
  row_ = -1;
  const char* tuples = PQcmdTuples(result_);
  connection_.set_changes(tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0);
}

bool is_plain_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

}  // namespace

std::unique_ptr<Connection> open_postgresql(const std::string& url, OpenOptions how) {
  return std::make_unique<PostgresqlConnection>(url, how);
}

std::string postgresql_database_url(const std::string& server_url, const std::string& name) {
  const std::size_t scheme = server_url.find("://");
  if (scheme == std::string::npos) throw std::runtime_error("not a postgresql:// URL: " + server_url);
  const std::size_t query = server_url.find('?', scheme + 3);
  const std::string head = server_url.substr(0, query);
  const std::string tail = query == std::string::npos ? "" : server_url.substr(query);
  const std::size_t path = head.find('/', scheme + 3);
  return (path == std::string::npos ? head : head.substr(0, path)) + "/" + name + tail;
}

void create_postgresql_database(const std::string& server_url, const std::string& name, bool replace) {
  if (!is_plain_name(name)) throw std::runtime_error("a database name of lower-case letters, digits and _ please: " + name);
  auto maintenance = open_postgresql(postgresql_database_url(server_url, "postgres"), {OpenOptions::read_write});
  if (replace) maintenance->execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  maintenance->execute("CREATE DATABASE " + name);
}

}  // namespace cimbus::store
