#include "system_state.hpp"

#include <map>
#include <stdexcept>

#include <google/protobuf/struct.pb.h>

#include "cimbus/http/json_get.hpp"
#include "cimbus/store/sqlite_engine.hpp"
#include "cimbus/store/statement.hpp"

namespace cimbus::storm {

namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// The tables the report reads (their types let SQLite turn "123" into a number); their columns
// are read back from the file (Tables). The indexes serve the progress's joins, which at 100,000
// calls were otherwise a scan of the calls per ticket.
// A system's whole state from a disk that is not in the page cache (100,000 tickets: a 1 GB file
// read at 80 MB/s on the build machine) takes tens of seconds.
constexpr std::chrono::seconds kReadTimeout(120);

const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS records (noun TEXT NOT NULL, mrid TEXT NOT NULL, state TEXT NOT NULL, key TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS records_by_mrid ON records (noun, mrid);
CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, noun TEXT NOT NULL, mrid TEXT NOT NULL, state TEXT NOT NULL,
                                    at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS journal_by_mrid ON journal (noun, mrid);
CREATE TABLE IF NOT EXISTS calls (id INTEGER, customer TEXT NOT NULL DEFAULT '', ticket TEXT);
CREATE INDEX IF NOT EXISTS calls_by_ticket ON calls (ticket);
CREATE TABLE IF NOT EXISTS service_needs (id INTEGER, noun TEXT NOT NULL DEFAULT '', mrid TEXT);
CREATE INDEX IF NOT EXISTS service_needs_by_mrid ON service_needs (noun, mrid);
CREATE TABLE IF NOT EXISTS requests (message_id TEXT, noun TEXT NOT NULL DEFAULT '', verb TEXT NOT NULL DEFAULT '', mrid TEXT,
                                     sent_at INTEGER, replied_at INTEGER, result TEXT);
CREATE TABLE IF NOT EXISTS notifications (id INTEGER, incident TEXT NOT NULL DEFAULT '', customer TEXT NOT NULL DEFAULT '',
                                          trigger_kind TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS outages (name TEXT, state TEXT, customers_out INTEGER, critical INTEGER, tickets INTEGER);
CREATE TABLE IF NOT EXISTS counts (instance TEXT, direction TEXT, kind TEXT, noun TEXT, verb TEXT, result TEXT, codes TEXT,
                                   n INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS backlog (system TEXT, instance TEXT, outbox_rows INTEGER NOT NULL DEFAULT 0,
                                    inbox_entries INTEGER NOT NULL DEFAULT 0, inbox_dead INTEGER NOT NULL DEFAULT 0);
)";

void bind(store::Statement& insert, int index, const Value& v) {
  switch (v.kind_case()) {
    case Value::kStringValue: insert.bind(index, v.string_value()); break;
    case Value::kNumberValue: insert.bind(index, static_cast<std::int64_t>(v.number_value())); break;
    case Value::kBoolValue: insert.bind(index, std::int64_t{v.bool_value() ? 1 : 0}); break;
    default: insert.bind_null(index);
  }
}

// Insert statements by their SQL, prepared once per refresh.
using Prepared = std::map<std::string, store::Statement>;

// Every table of the file with its columns, as the schema made them.
Tables tables_of(store::Connection& c) {
  Tables out;
  store::Statement columns(c, "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' "
                              "AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid");
  while (columns.step()) out[columns.text(0)].push_back(columns.text(1));
  return out;
}

// One row object into `table`: the fields it has a column for.
void insert_row(store::Connection& c, Prepared& prepared, const Tables& tables, const std::string& table, const Struct& row) {
  std::vector<const Value*> values;
  std::string columns, marks;
  for (const std::string& column : tables.at(table)) {
    auto it = row.fields().find(column);
    if (it == row.fields().end()) continue;
    values.push_back(&it->second);
    columns += (columns.empty() ? "" : ", ") + column;
    marks += marks.empty() ? "?" : ", ?";
  }
  if (values.empty()) return;
  const std::string sql = "INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")";
  auto it = prepared.find(sql);
  if (it == prepared.end()) it = prepared.emplace(sql, store::Statement(c, sql.c_str())).first;
  store::Statement& insert = it->second;
  for (std::size_t i = 0; i < values.size(); ++i) bind(insert, static_cast<int>(i + 1), *values[i]);
  insert.run();
  insert.reset();
}

}  // namespace

SystemState::SystemState(std::vector<StateSource> sources, const std::string& file)
    : sources_(std::move(sources)), file_(file), connection_(store::open_sqlite(file)) {
  // A copy the storm makes again at each refresh: no flush to the disk, which the systems under
  // test share (a refresh rewrites every row; at 100,000 tickets its fsyncs slowed their commits).
  connection_->execute("PRAGMA synchronous = OFF");
  connection_->execute(kSchema);
  tables_ = tables_of(*connection_);
  for (const auto& [table, columns] : tables_) connection_->execute("DELETE FROM " + table + ";");
}

SystemState::~SystemState() { stop_refreshing(); }

std::string SystemState::last_failure() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_failure_;
}

void SystemState::start_refreshing(std::chrono::milliseconds period) {
  thread_ = std::thread([this, period] {
    while (!stopping_) {
      const auto began = std::chrono::steady_clock::now();
      bool read = true;
      try {
        refresh(false);
      } catch (const std::exception& e) {
        read = false;
        ++failed_;
        std::lock_guard<std::mutex> lock(mutex_);
        last_failure_ = e.what();
      }
      // A big state (a Sandy-sized storm) takes long to read and costs its system as much to
      // serve: the refreshes then keep to about a tenth of the time, which leaves the machine to
      // the storm itself, but at least one each 30 s (the storm's end is seen by a refresh). A
      // failed one is tried again after `period`.
      const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
      const auto wait = read ? std::max(period, std::min<std::chrono::milliseconds>(9 * took, std::chrono::seconds(30))) : period;
      for (auto slept = std::chrono::milliseconds(0); slept < wait && !stopping_; slept += std::chrono::milliseconds(50))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
}

void SystemState::stop_refreshing() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  stopping_ = false;
}

void SystemState::refresh(bool final) {
  std::vector<std::pair<const StateSource*, Struct>> answers;  // every source read before the file changes
  for (const StateSource& source : sources_) {
    const std::string& url = final ? source.url : source.progress_url;
    if (!url.empty()) answers.emplace_back(&source, http::get_json(url, kReadTimeout, source.token));
  }
  std::lock_guard<std::mutex> one_at_a_time(mutex_);
  connection_->execute("BEGIN");
  try {
    Prepared prepared;
    for (const auto& [source, answer] : answers) {
      if (!source->row_of.empty()) {
        connection_->execute("DELETE FROM " + source->row_of + ";");
        insert_row(*connection_, prepared, tables_, source->row_of, answer);
        continue;
      }
      for (const auto& [name, value] : answer.fields()) {
        if (!tables_.count(name)) continue;
        if (value.kind_case() != Value::kListValue) throw std::runtime_error(source->url + ": \"" + name + "\" is not a list");
        connection_->execute("DELETE FROM " + name + ";");
        for (const Value& row : value.list_value().values())
          if (row.kind_case() == Value::kStructValue) insert_row(*connection_, prepared, tables_, name, row.struct_value());
      }
    }
    connection_->execute("COMMIT");
    ++refreshes_;
  } catch (...) {
    connection_->execute("ROLLBACK");
    throw;
  }
}

}  // namespace cimbus::storm
