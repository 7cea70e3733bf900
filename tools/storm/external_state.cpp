#include "external_state.hpp"

#include <stdexcept>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include "cimbus/http/http_url.hpp"
#include "cimbus/store/sqlite_engine.hpp"
#include "cimbus/store/statement.hpp"

namespace cimbus::storm {

ExternalState::ExternalState(std::string url, const std::string& file) : url_(std::move(url)), connection_(store::open_sqlite(file)) {
  connection_->execute(R"(
CREATE TABLE IF NOT EXISTS records (noun TEXT NOT NULL, mrid TEXT NOT NULL, state TEXT NOT NULL, key TEXT NOT NULL DEFAULT '',
                                    PRIMARY KEY (noun, mrid));
CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, noun TEXT NOT NULL, mrid TEXT NOT NULL, state TEXT NOT NULL,
                                    at INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS traffic (noun TEXT NOT NULL, verb TEXT NOT NULL, direction TEXT NOT NULL, instance TEXT NOT NULL DEFAULT '',
                                    n INTEGER NOT NULL, PRIMARY KEY (noun, verb, direction, instance));
DELETE FROM records; DELETE FROM journal;
)");
}

ExternalState::~ExternalState() { stop_refreshing(); }

void ExternalState::start_refreshing(std::chrono::milliseconds period) {
  thread_ = std::thread([this, period] {
    while (!stopping_) {
      try {
        refresh();
      } catch (const std::runtime_error&) {
        ++failed_;
      }
      for (auto slept = std::chrono::milliseconds(0); slept < period && !stopping_; slept += std::chrono::milliseconds(50))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
}

void ExternalState::stop_refreshing() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void ExternalState::refresh() {
  std::lock_guard<std::mutex> one_at_a_time(mutex_);
  const auto parts = http::parse_http_url(url_);
  if (!parts) throw std::runtime_error("not an http(s) URL: " + url_);
  httplib::Client client(parts->origin);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(5));
  const std::string path = (parts->path == "/" ? std::string() : parts->path) + "/state";
  auto got = client.Get(path);
  if (!got || got->status != 200)
    throw std::runtime_error(url_ + "/state: " + (got ? "HTTP " + std::to_string(got->status) : httplib::to_string(got.error())));
  google::protobuf::Struct state;
  if (!google::protobuf::util::JsonStringToMessage(got->body, &state).ok()) throw std::runtime_error(url_ + "/state: not JSON");
  const auto& fields = state.fields();
  using Fields = google::protobuf::Map<std::string, google::protobuf::Value>;
  auto rows_of = [&](const char* table) -> const google::protobuf::ListValue& {
    auto list = fields.find(table);
    if (list == fields.end()) throw std::runtime_error(url_ + "/state: no " + table);
    return list->second.list_value();
  };
  auto text = [](const Fields& f, const char* name) {
    auto it = f.find(name);
    return it == f.end() ? std::string() : it->second.string_value();
  };
  const auto& records = rows_of("records");
  const auto& journal = rows_of("journal");  // both read before the file changes
  connection_->execute("BEGIN; DELETE FROM records; DELETE FROM journal;");
  store::Statement record(*connection_, "INSERT INTO records (noun, mrid, state, key) VALUES (?, ?, ?, ?)");
  for (const auto& row : records.values()) {
    const Fields& f = row.struct_value().fields();
    record.bind(1, text(f, "noun")).bind(2, text(f, "mrid")).bind(3, text(f, "state")).bind(4, text(f, "key")).run();
    record.reset();
  }
  store::Statement entry(*connection_, "INSERT INTO journal (noun, mrid, state, at) VALUES (?, ?, ?, ?)");
  for (const auto& row : journal.values()) {
    const Fields& f = row.struct_value().fields();
    auto at = f.find("at");
    entry.bind(1, text(f, "noun")).bind(2, text(f, "mrid")).bind(3, text(f, "state"));
    entry.bind(4, at == f.end() ? std::int64_t{0} : static_cast<std::int64_t>(at->second.number_value())).run();
    entry.reset();
  }
  connection_->execute("COMMIT;");
}

}  // namespace cimbus::storm
