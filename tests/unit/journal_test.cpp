// The message journal (cimbus/store/journal.hpp) on a real store file, and what the runtime reads
// from a message for it (core/runtime/src/message_names.hpp).

#include <string>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "test_files.hpp"

#include "cimbus/codec/timestamp.hpp"
#include "cimbus/store/statement.hpp"
#include "cimbus/store/store.hpp"
#include "message_names.hpp"

namespace cimbus {
namespace {

std::string fresh_file(const std::string& name) { return test::fresh_store("journal", name); }

store::JournalEntry entry(const std::string& direction, const std::string& verb, const std::string& message_id, const std::string& correlation,
                          std::vector<std::string> subjects, std::vector<std::string> references, std::int64_t at) {
  store::JournalEntry e;
  e.at_ms = at;
  e.instance = "oms-1";
  e.direction = direction;
  e.kind = verb == "reply" ? "reply" : "request";
  e.noun = "TroubleTickets";
  e.verb = verb;
  e.message_id = message_id;
  e.correlation_id = correlation;
  e.subjects = std::move(subjects);
  e.references = std::move(references);
  e.result = "ok";
  e.peer = "cis";
  return e;
}

TEST(Journal, FindsByIdsSubjectsAndReferencesWithTheRepliesOldestFirst) {
  const std::string path = fresh_file("find");
  store::Store s(path, "oms-1");
  {
    store::Transaction tx = s.begin();
    auto create = entry("in", "create", "m-1", "", {"ticket-1"}, {"customer-9"}, 1000);
    auto reply = entry("out", "reply", "r-1", "m-1", {}, {}, 1001);  // names nothing: found as the answer to m-1
    auto other = entry("in", "create", "m-2", "", {"ticket-2"}, {"customer-9"}, 1002);
    for (auto* e : {&create, &reply, &other}) s.journal().add(tx, *e);
    tx.commit();
  }
  auto by_subject = s.journal().find("ticket-1", 100);
  ASSERT_EQ(by_subject.size(), 2u);
  EXPECT_EQ(by_subject[0].message_id, "m-1");
  EXPECT_EQ(by_subject[1].message_id, "r-1") << "the reply to a message that names it";
  EXPECT_EQ(by_subject[0].subjects, std::vector<std::string>{"ticket-1"});
  EXPECT_EQ(by_subject[0].references, std::vector<std::string>{"customer-9"});
  EXPECT_EQ(s.journal().find("customer-9", 100).size(), 3u) << "both creates by reference, and the reply to one";
  EXPECT_EQ(s.journal().find("m-1", 100).size(), 2u) << "by MessageID and CorrelationID";
  EXPECT_EQ(s.journal().find("customer-9", 1).size(), 1u) << "the limit";
  EXPECT_TRUE(s.journal().find("nothing", 100).empty());
  store::JournalReader reader(path);
  EXPECT_EQ(reader.find("ticket-1", 100).size(), 2u) << "a read-only connection of its own sees the committed rows";
}

// A reply leaves the names its request's row indexes to that row (the runtime writes both in one
// transaction): each shared name is indexed once, and still finds both rows.
TEST(Journal, AReplyLeavesTheNamesItsRequestIndexesToItsRequestsRow) {
  const std::string path = fresh_file("indexed_by_request");
  store::Store s(path, "oms-1");
  {
    store::Transaction tx = s.begin();
    auto reply = entry("out", "reply", "r-1", "m-1", {"ticket-1"}, {"customer-9", "crew-4"}, 1000);
    const std::vector<std::string> request_names{"ticket-1", "customer-9"};
    reply.indexed_by_request.assign(request_names.begin(), request_names.end());
    auto create = entry("in", "create", "m-1", "", {"ticket-1"}, {"customer-9"}, 1000);
    s.journal().add(tx, reply);
    s.journal().add(tx, create);
    tx.commit();
  }
  for (const std::string& name : {std::string("ticket-1"), std::string("customer-9")}) {
    const auto rows = s.journal().find(name, 10);
    ASSERT_EQ(rows.size(), 2u) << name << ": the request by its name, the reply as its answer";
    EXPECT_EQ(rows[0].message_id, "r-1");
    EXPECT_EQ(rows[1].message_id, "m-1");
  }
  const auto only_in_reply = s.journal().find("crew-4", 10);
  ASSERT_EQ(only_in_reply.size(), 1u) << "a name the request does not have is the reply's to index";
  EXPECT_EQ(only_in_reply[0].subjects, std::vector<std::string>{"ticket-1"}) << "the row still lists every name it has";
  EXPECT_EQ(only_in_reply[0].references, (std::vector<std::string>{"customer-9", "crew-4"}));
  store::Statement names(s.connection(), "SELECT COUNT(*) FROM message_journal_names");
  ASSERT_TRUE(names.step());
  EXPECT_EQ(names.number(0), 3) << "ticket-1 and customer-9 once (the request's), crew-4 (the reply's)";
}

TEST(Journal, ARowNamingManyObjectsIsFoundByEachOfThemAndKeepsEachNameOnce) {
  store::Store s(fresh_file("many_names"), "oms-1");
  std::vector<std::string> tickets;
  for (int i = 1; i <= 19; ++i) tickets.push_back("ticket-" + std::to_string(i));
  {
    store::Transaction tx = s.begin();
    auto get_reply = entry("out", "reply", "r-1", "m-1", tickets, {"ticket-3", "customer-9", "customer-9"}, 1000);
    s.journal().add(tx, get_reply);
    tx.commit();
  }
  for (const std::string& name : {std::string("ticket-1"), std::string("ticket-8"), std::string("ticket-9"), std::string("ticket-19"),
                                  std::string("customer-9")})
    EXPECT_EQ(s.journal().find(name, 100).size(), 1u) << name;
  const auto row = s.journal().find("ticket-3", 100);
  ASSERT_EQ(row.size(), 1u) << "a name both a subject and a reference is kept once";
  EXPECT_EQ(row[0].subjects, tickets);
}

TEST(Journal, OldRowsAndTheirNamesAreForgotten) {
  store::Store s(fresh_file("forget"), "oms-1");
  store::Transaction tx = s.begin();
  auto old = entry("in", "create", "m-old", "", {"ticket-old"}, {}, 1000);
  auto recent = entry("in", "create", "m-new", "", {"ticket-new"}, {}, 5000);
  s.journal().add(tx, old);
  s.journal().add(tx, recent);
  EXPECT_EQ(s.journal().forget_before(tx, 2000, 100), 1u);
  tx.commit();
  EXPECT_EQ(s.journal().size(), 1u);
  EXPECT_TRUE(s.journal().find("ticket-old", 10).empty());
  EXPECT_EQ(s.journal().find("ticket-new", 10).size(), 1u);
}

// A store made before the lighter journal layout (decisions/0035) keeps its tables: the
// AUTOINCREMENT key, the index on `at`, and names in a table with an index of its own. The same
// statements write, find and forget in it.
TEST(Journal, AStoreMadeBeforeKeepsItsJournalTablesAndTheSameStatementsServeThem) {
  const std::string path = test::fresh_store_file("journal", "layout_before");  // a SQLite file on either engine's run
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const char* before =
        "CREATE TABLE message_journal (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, instance TEXT NOT NULL, direction TEXT NOT NULL, "
        "kind TEXT NOT NULL, noun TEXT NOT NULL, verb TEXT NOT NULL, message_id TEXT NOT NULL, correlation_id TEXT NOT NULL, subjects TEXT NOT NULL, "
        "refs TEXT NOT NULL, result TEXT NOT NULL, codes TEXT NOT NULL, peer TEXT NOT NULL, body BLOB);"
        "CREATE INDEX message_journal_by_at ON message_journal (at);"
        "CREATE TABLE message_journal_names (name TEXT NOT NULL, entry INTEGER NOT NULL);"
        "CREATE INDEX message_journal_names_by_name ON message_journal_names (name);";
    ASSERT_EQ(sqlite3_exec(db, before, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  store::Store s(path, "oms-1");
  store::Transaction tx = s.begin();
  auto old = entry("in", "create", "m-old", "", {"ticket-old"}, {}, 1000);
  auto recent = entry("in", "create", "m-new", "", {"ticket-new"}, {"customer-1"}, 5000);
  s.journal().add(tx, old);
  s.journal().add(tx, recent);
  EXPECT_EQ(s.journal().find("customer-1", 10).size(), 1u);
  EXPECT_EQ(s.journal().forget_before(tx, 2000, 100), 1u);
  tx.commit();
  EXPECT_TRUE(s.journal().find("ticket-old", 10).empty());
  EXPECT_EQ(s.journal().find("ticket-new", 10).size(), 1u);
}

// Forgetting reads the oldest rows by id, at most `limit` of them, and removes those older than
// the time given: rows come in time order, so no index on `at` is needed.
TEST(Journal, ForgettingReadsOnlyTheOldestRowsById) {
  store::Store s(fresh_file("forget_by_id"), "oms-1");
  store::Transaction tx = s.begin();
  for (std::int64_t at : {1000, 1100, 1200, 9000, 9100}) {
    auto e = entry("in", "create", "m-" + std::to_string(at), "", {"t-" + std::to_string(at)}, {}, at);
    s.journal().add(tx, e);
  }
  EXPECT_EQ(s.journal().forget_before(tx, 2000, 2), 2u) << "two at a time";
  EXPECT_EQ(s.journal().forget_before(tx, 2000, 2), 1u) << "the third old row; the next is recent";
  EXPECT_EQ(s.journal().forget_before(tx, 2000, 2), 0u);
  tx.commit();
  EXPECT_EQ(s.journal().size(), 2u);
  EXPECT_TRUE(s.journal().find("t-1200", 10).empty());
  EXPECT_EQ(s.journal().find("t-9000", 10).size(), 1u);
}

TEST(MessageNames, PayloadObjectsAreSubjectsAndWhatTheyNameReferences) {
  const std::string xml = R"(<?xml version="1.0"?>
<!-- a <comment> with <mRID>not-this</mRID> -->
<tt:CreateTroubleTickets xmlns:tt="urn:x" xmlns:m="urn:y" xmlns="urn:z">
  <tt:Header><Verb>create</Verb><MessageID>msg-1</MessageID><CorrelationID>conv-1</CorrelationID></tt:Header>
  <tt:Payload><m:TroubleTickets>
    <m:TroubleTicket><m:mRID> ticket-1 </m:mRID><m:Customer><m:mRID>customer-1</m:mRID></m:Customer><m:empty/></m:TroubleTicket>
    <m:TroubleTicket><m:mRID>ticket-2</m:mRID><m:Incident><m:mRID>incident-1</m:mRID></m:Incident></m:TroubleTicket>
  </m:TroubleTickets></tt:Payload>
</tt:CreateTroubleTickets>)";
  const adapter::detail::MessageNames n = adapter::detail::scan_names(xml);
  EXPECT_EQ(n.subjects, (std::vector<std::string>{"ticket-1", "ticket-2"}));
  EXPECT_EQ(n.references, (std::vector<std::string>{"customer-1", "incident-1"}));
  EXPECT_EQ(n.message_id, "msg-1");
  EXPECT_EQ(n.correlation_id, "conv-1");
}

TEST(MessageNames, AReplysResultAndCodesAndAGetsRequestIds) {
  const std::string reply = R"(<ResponseMessage><Header><Verb>reply</Verb></Header>
<Reply><Result>FAILED</Result><Error><code>2.22</code></Error><Error><code>1.8</code></Error></Reply></ResponseMessage>)";
  const adapter::detail::MessageNames r = adapter::detail::scan_names(reply);
  EXPECT_EQ(r.result, "FAILED");
  EXPECT_EQ(r.codes, "2.22 1.8");
  const std::string get = R"(<RequestMessage><Header><Verb>get</Verb></Header><Request><ID>ticket-7</ID><ID>ticket-8</ID></Request></RequestMessage>)";
  EXPECT_EQ(adapter::detail::scan_names(get).references, (std::vector<std::string>{"ticket-7", "ticket-8"}));
  EXPECT_TRUE(adapter::detail::scan_names(std::string(100, 'x') + "<a><b>", 50).subjects.empty()) << "over the size: not read";
  EXPECT_TRUE(adapter::detail::scan_names("<Payload><a><b><mRID>unterminated").subjects.empty());
}

}  // namespace
}  // namespace cimbus
