#include "cimbus/store/journal.hpp"

#include <algorithm>
#include <sstream>

#include "cimbus/store/store_location.hpp"
#include "cimbus/store/statement.hpp"

namespace cimbus::store {

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

#define JOURNAL_COLUMNS "id, at, instance, direction, kind, noun, verb, message_id, correlation_id, subjects, refs, result, codes, peer, body"

JournalEntry read_row(Statement& row) {
  JournalEntry e;
  e.id = row.number(0);
  e.at_ms = row.number(1);
  e.instance = row.text(2);
  e.direction = row.text(3);
  e.kind = row.text(4);
  e.noun = row.text(5);
  e.verb = row.text(6);
  e.message_id = row.text(7);
  e.correlation_id = row.text(8);
  e.subjects = split(row.text(9));
  e.references = split(row.text(10));
  e.result = row.text(11);
  e.codes = row.text(12);
  e.peer = row.text(13);
  if (!row.is_null(14)) e.body = row.blob(14);
  return e;
}

}  // namespace

void Journal::add(Transaction& tx, JournalEntry& e) {
  (void)tx;
  Statement insert = Statement::cached(*connection_,
                                       "INSERT INTO message_journal (at, instance, direction, kind, noun, verb, message_id, correlation_id, subjects, refs, "
                                       "result, codes, peer, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  insert.bind(1, e.at_ms)
      .bind(2, e.instance)
      .bind(3, e.direction)
      .bind(4, e.kind)
      .bind(5, e.noun)
      .bind(6, e.verb)
      .bind(7, e.message_id)
      .bind(8, e.correlation_id)
      .bind(9, joined(e.subjects))
      .bind(10, joined(e.references))
      .bind(11, e.result)
      .bind(12, e.codes)
      .bind(13, e.peer);
  if (e.body) insert.bind_blob(14, *e.body);
  else insert.bind_null(14);
  e.id = insert.returned_id();
  std::vector<const std::string*> names;
  const auto to_index = [&](const std::string& n) {
    return std::none_of(names.begin(), names.end(), [&](const std::string* seen) { return *seen == n; }) &&
           std::find(e.indexed_by_request.begin(), e.indexed_by_request.end(), n) == e.indexed_by_request.end();
  };
  for (const auto* of : {&e.subjects, &e.references})
    for (const std::string& n : *of)
      if (to_index(n)) names.push_back(&n);
  Statement insert_name = Statement::cached(*connection_, "INSERT INTO message_journal_names (name, entry) VALUES (?, ?)");
  for (const std::string* name : names) {
    insert_name.bind(1, *name).bind(2, e.id).run();
    insert_name.reset();
  }
}

std::vector<JournalEntry> Journal::find(const std::string& id, std::size_t limit) {
  // Rows by their ids or the objects they name, and the rows that answer those.
  Statement rows = Statement::cached(*connection_,
                                     "SELECT " JOURNAL_COLUMNS " FROM message_journal WHERE id IN ("
                                     "SELECT id FROM message_journal WHERE message_id = ?1 OR correlation_id = ?1 "
                                     "UNION SELECT entry FROM message_journal_names WHERE name = ?1 "
                                     "UNION SELECT r.id FROM message_journal r JOIN message_journal m ON r.correlation_id = m.message_id "
                                     "WHERE r.correlation_id <> '' AND (m.id IN (SELECT entry FROM message_journal_names WHERE name = ?1) OR m.message_id = ?1)) "
                                     "ORDER BY at, id LIMIT ?2");
  rows.bind(1, id).bind(2, static_cast<std::int64_t>(limit));
  std::vector<JournalEntry> out;
  while (rows.step()) out.push_back(read_row(rows));
  return out;
}

std::vector<JournalCount> Journal::counts() {
  Statement rows(*connection_, "SELECT instance, direction, kind, noun, verb, result, codes, COUNT(*) FROM message_journal "
                               "GROUP BY instance, direction, kind, noun, verb, result, codes "
                               "ORDER BY instance, noun, verb, direction, kind, result, codes");
  std::vector<JournalCount> out;
  while (rows.step())
    out.push_back({rows.text(0), rows.text(1), rows.text(2), rows.text(3), rows.text(4), rows.text(5), rows.text(6), rows.number(7)});
  return out;
}

std::size_t Journal::forget_before(Transaction& tx, std::int64_t before_ms, std::size_t limit) {
  (void)tx;
  // The oldest rows by id, those among them older than `before_ms`: rows come in time order, so
  // this needs no index on `at` and reads at most `limit` rows.
  Statement::cached(*connection_, "DELETE FROM message_journal WHERE id IN (SELECT id FROM (SELECT id, at FROM message_journal ORDER BY id LIMIT ?) oldest WHERE at < ?)")
      .bind(1, static_cast<std::int64_t>(limit))
      .bind(2, before_ms)
      .run();
  const auto removed = static_cast<std::size_t>(connection_->changes());
  if (removed > 0)
    Statement::cached(*connection_, "DELETE FROM message_journal_names WHERE entry < (SELECT COALESCE(MIN(id), 9223372036854775807) FROM message_journal)").run();
  return removed;
}

std::size_t Journal::size() {
  Statement count = Statement::cached(*connection_, "SELECT COUNT(*) FROM message_journal");
  count.step();
  return static_cast<std::size_t>(count.number(0));
}

JournalReader::JournalReader(const std::string& store_path)
    : connection_(open_store(store_path, OpenOptions{OpenOptions::read_only})), journal_(connection_.get()) {}
JournalReader::~JournalReader() = default;

}  // namespace cimbus::store
