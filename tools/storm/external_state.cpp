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
CREATE TABLE IF NOT EXISTS records (noun TEXT NOT NULL, mrid TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY (noun, mrid));
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
  connection_->execute("BEGIN; DELETE FROM records; DELETE FROM journal;");
  for (const char* table : {"records", "journal"}) {
    auto list = fields.find(table);
    if (list == fields.end()) throw std::runtime_error(url_ + "/state: no " + table);
    store::Statement insert(*connection_, (std::string("INSERT INTO ") + table + " (noun, mrid, state) VALUES (?, ?, ?)").c_str());
    for (const auto& row : list->second.list_value().values()) {
      const auto& f = row.struct_value().fields();
      auto text = [&f](const char* name) {
        auto it = f.find(name);
        return it == f.end() ? std::string() : it->second.string_value();
      };
      insert.bind(1, text("noun")).bind(2, text("mrid")).bind(3, text("state")).run();
      insert.reset();
    }
  }
  connection_->execute("COMMIT;");
}

}  // namespace cimbus::storm
