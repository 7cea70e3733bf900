#include "records.hpp"

#include <algorithm>
#include <chrono>

#include "cimbus/codec/timestamp.hpp"
#include "cimbus/store/statement.hpp"

namespace cimbus::reference {

using store::Statement;

void Records::prepare(store::Transaction& tx) {
  tx.execute(R"(
CREATE TABLE IF NOT EXISTS records (
  noun    TEXT NOT NULL,
  mrid    TEXT NOT NULL,
  state   TEXT NOT NULL,
  key     TEXT NOT NULL DEFAULT '',
  data    BLOB NOT NULL,
  updated INTEGER NOT NULL,
  PRIMARY KEY (noun, mrid)
);
CREATE INDEX IF NOT EXISTS records_by_key ON records (noun, key);
CREATE TABLE IF NOT EXISTS journal (
  seq   INTEGER PRIMARY KEY AUTOINCREMENT,
  noun  TEXT NOT NULL,
  mrid  TEXT NOT NULL,
  state TEXT NOT NULL,
  at    INTEGER NOT NULL
);
)");
}

std::optional<Record> Records::get(const std::string& noun, const std::string& mrid) const {
  Statement row = Statement::cached(tx_.connection(), "SELECT state, key, data, updated FROM records WHERE noun = ? AND mrid = ?");
  row.bind(1, noun).bind(2, mrid);
  if (!row.step()) return std::nullopt;
  return Record{noun, mrid, object_state_or_throw(row.text(0)), row.text(1), row.blob(2), row.number(3)};
}

void Records::put(const std::string& noun, const std::string& mrid, ObjectState state, const google::protobuf::Message& item,
                  const std::string& key) {
  const std::optional<Record> before = get(noun, mrid);
  const std::int64_t now = epoch_ms();
  Statement::cached(tx_.connection(), "INSERT INTO records (noun, mrid, state, key, data, updated) VALUES (?, ?, ?, ?, ?, ?) "
                 "ON CONFLICT (noun, mrid) DO UPDATE SET state = excluded.state, key = excluded.key, data = excluded.data, "
                 "updated = excluded.updated")
      .bind(1, noun)
      .bind(2, mrid)
      .bind(3, std::string(text_of(state)))
      .bind(4, key.empty() && before ? before->key : key)
      .bind_blob(5, item.SerializeAsString())
      .bind(6, now)
      .run();
  if (!before || before->state != state)
    Statement::cached(tx_.connection(), "INSERT INTO journal (noun, mrid, state, at) VALUES (?, ?, ?, ?)")
        .bind(1, noun)
        .bind(2, mrid)
        .bind(3, std::string(text_of(state)))
        .bind(4, now)
        .run();
}

std::vector<Record> Records::list(const std::string& noun, std::optional<ObjectState> wanted, const std::string& key,
                                  std::size_t limit) const {
  const std::string state = wanted ? std::string(text_of(*wanted)) : std::string();
  Statement rows = Statement::cached(tx_.connection(), "SELECT mrid, state, key, data, updated FROM records WHERE noun = ? AND (? = '' OR state = ?) AND (? = '' OR key = ?) "
                      "ORDER BY updated, mrid LIMIT ?");
  rows.bind(1, noun).bind(2, state).bind(3, state).bind(4, key).bind(5, key).bind(6, static_cast<std::int64_t>(limit));
  std::vector<Record> out;
  while (rows.step()) out.push_back(Record{noun, rows.text(0), object_state_or_throw(rows.text(1)), rows.text(2), rows.blob(3), rows.number(4)});
  return out;
}

std::vector<Record> Records::open_with_key(const std::string& noun, const std::string& key, const std::vector<ObjectState>& ended) const {
  std::vector<Record> out;
  for (Record& r : list(noun, std::nullopt, key))
    if (std::find(ended.begin(), ended.end(), r.state) == ended.end()) out.push_back(std::move(r));
  return out;
}

}  // namespace cimbus::reference
