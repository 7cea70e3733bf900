// The adapter store on real SQLite files: the inbox counts attempts and remembers replies, the
// outbox keeps every field of a message, and a transaction is all or nothing, also when the
// process is killed in the middle of it.

#include <chrono>
#include <csignal>
#include <filesystem>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "test_files.hpp"
#include <sqlite3.h>

#include "cimbus/bus/stored_form.hpp"
#include "cimbus/store/savepoint.hpp"
#include "cimbus/store/sqlite_engine.hpp"
#include "cimbus/store/statement.hpp"
#include "cimbus/store/store_error.hpp"
#include "cimbus/store/store.hpp"
#include "cimbus/store/store_location.hpp"
#include "cimbus/codec/timestamp.hpp"
#include "cimbus/codec/uuid.hpp"

namespace cimbus::store {
namespace {

// A store on the engine under test (test::fresh_store), and a SQLite file for what only SQLite has.
std::string fresh_store(const std::string& name) { return test::fresh_store("store", name); }
std::string fresh_file(const std::string& name) { return test::fresh_store_file("store", name); }

// Runs `sql` on the file at `path` behind the store's back (a file an older cimbus wrote); true
// when it ran.
bool rewrite(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  const bool opened = sqlite3_open(path.c_str(), &db) == SQLITE_OK;
  const bool ran = opened && sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  if (!ran) ADD_FAILURE() << path << ": " << sqlite3_errmsg(db) << " in " << sql;
  sqlite3_close(db);
  return ran;
}

// A reply as the runtime stores it (bus::to_stored): the store keeps its own record.
StoredMessage reply_message() {
  bus::AmqpMessage m;
  m.body = "<ResponseMessage/>";
  m.message_id = new_uuid();
  m.correlation_id = "request-1";
  m.subject = "TroubleTickets";
  m.properties = {{"Verb", "reply"}, {"Noun", "TroubleTickets"}, {"Source", "OMS \"north\""}};
  m.ttl = std::chrono::milliseconds(60000);
  return bus::to_stored(m);
}

TEST(Store, AnUncommittedAttemptLeavesNoTrace) {
  Store store(fresh_store("rollback"));
  {
    Transaction tx = store.begin();
    EXPECT_EQ(store.inbox().take(tx, "m1").attempts, 1);
    store.outbox().add(tx, "/amq/queue/x", reply_message());
  }  // destroyed without commit
  Transaction tx = store.begin();
  Inbox::Entry e = store.inbox().take(tx, "m1");
  EXPECT_EQ(e.state, Inbox::State::fresh);
  EXPECT_EQ(e.attempts, 1);
  tx.commit();
  EXPECT_EQ(store.outbox().size(), 0u);
}

TEST(Store, AHandledMessageIsAnsweredAgainFromTheInbox) {
  const std::string path = fresh_store("handled");
  const StoredMessage stored_reply = reply_message();
  const bus::AmqpMessage reply = bus::from_stored(stored_reply);
  {
    Store store(path);
    Transaction tx = store.begin();
    EXPECT_EQ(store.inbox().take(tx, "m1").state, Inbox::State::fresh);
    store.outbox().add(tx, "/amq/queue/reply.cis-1", stored_reply);
    store.inbox().finish(tx, "m1", "/amq/queue/reply.cis-1", stored_reply);
    tx.commit();
  }
  Store store(path);  // as after a restart
  Transaction tx = store.begin();
  Inbox::Entry again = store.inbox().take(tx, "m1");
  tx.commit();
  EXPECT_EQ(again.state, Inbox::State::handled);
  EXPECT_EQ(again.attempts, 2);
  EXPECT_EQ(again.reply_target, "/amq/queue/reply.cis-1");
  ASSERT_TRUE(again.reply);
  EXPECT_EQ(bus::from_stored(*again.reply).message_id, reply.message_id);
  EXPECT_EQ(bus::from_stored(*again.reply).properties, reply.properties);

  auto rows = store.outbox().pending(10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].target, "/amq/queue/reply.cis-1");
  EXPECT_EQ(bus::from_stored(rows[0].message).body, reply.body);
  EXPECT_EQ(bus::from_stored(rows[0].message).correlation_id, "request-1");
  EXPECT_EQ(bus::from_stored(rows[0].message).subject, "TroubleTickets");
  EXPECT_EQ(bus::from_stored(rows[0].message).properties, reply.properties);
  ASSERT_TRUE(bus::from_stored(rows[0].message).ttl);
  EXPECT_EQ(bus::from_stored(rows[0].message).ttl->count(), 60000);
  EXPECT_TRUE(store.outbox().pending(10, rows[0].id).empty());  // nothing after what is on its way
  Transaction removal = store.begin();
  store.outbox().remove(removal, {rows[0].id});
  removal.commit();
  EXPECT_EQ(store.outbox().size(), 0u);
}

// The pipeline's way (decisions/0038): a MessageID never seen gets its row once, complete.
TEST(Store, AMessageIdLookedUpFirstHasNoRowUntilItIsWrittenCompleteWithItsOutcome) {
  const std::string path = fresh_store("look_then_add");
  const StoredMessage stored_reply = reply_message();
  {
    Store store(path);
    Transaction tx = store.begin();
    Inbox::Entry handled = store.inbox().look(tx, "m-handled");
    EXPECT_FALSE(handled.stored);
    EXPECT_EQ(handled.state, Inbox::State::fresh);
    EXPECT_EQ(handled.attempts, 1);
    EXPECT_EQ(store.inbox().size(), 0u) << "looking writes nothing";
    store.inbox().finish(tx, "m-handled", "/amq/queue/reply.cis-1", stored_reply, &handled);
    EXPECT_TRUE(handled.stored);
    Inbox::Entry retried = store.inbox().look(tx, "m-retried", /*delivered_before=*/true);
    EXPECT_EQ(retried.attempts, 2);
    store.inbox().add(tx, "m-retried", retried);
    Inbox::Entry dead = store.inbox().look(tx, "m-dead");
    store.inbox().give_up(tx, "m-dead", "3 attempts failed", &dead);
    EXPECT_TRUE(dead.stored);
    tx.commit();
  }
  Store store(path);  // as after a restart
  Transaction tx = store.begin();
  const Inbox::Entry handled = store.inbox().look(tx, "m-handled");
  EXPECT_TRUE(handled.stored);
  EXPECT_EQ(handled.state, Inbox::State::handled);
  EXPECT_EQ(handled.attempts, 2);
  EXPECT_EQ(handled.reply_target, "/amq/queue/reply.cis-1");
  ASSERT_TRUE(handled.reply);
  EXPECT_EQ(bus::from_stored(*handled.reply).body, bus::from_stored(stored_reply).body);
  const Inbox::Entry retried = store.inbox().take(tx, "m-retried");
  EXPECT_EQ(retried.state, Inbox::State::fresh);
  EXPECT_EQ(retried.attempts, 3);
  const Inbox::Entry dead = store.inbox().look(tx, "m-dead");
  EXPECT_EQ(dead.state, Inbox::State::dead);
  EXPECT_EQ(dead.reason, "3 attempts failed");
  tx.commit();
  EXPECT_EQ(store.inbox().size(), 3u);
}

TEST(Store, ASavepointUndoesOneMessageAndKeepsTheRest) {
  Store store(fresh_store("savepoint"));
  {
    Transaction tx = store.begin();
    store.inbox().take(tx, "kept");
    {
      Savepoint failed(tx);
      store.inbox().take(tx, "undone");
      bus::AmqpMessage m;
      m.body = "<x/>";
      store.outbox().add(tx, "/queue/q", bus::to_stored(m));
    }  // not released: rolled back
    Savepoint done(tx);
    store.inbox().finish(tx, "kept", "", std::nullopt);
    done.release();
    tx.commit();
  }
  EXPECT_EQ(store.outbox().size(), 0u);
  Transaction tx = store.begin();
  EXPECT_EQ(store.inbox().take(tx, "kept").state, Inbox::State::handled);
  EXPECT_EQ(store.inbox().take(tx, "undone").attempts, 1);  // its first attempt was undone
}

// The SQLite engine's setting on the store's own connection (it is per connection).
std::int64_t synchronous_setting(Store& store) {
  Statement s(store.connection(), "PRAGMA synchronous");
  EXPECT_TRUE(s.step());
  return s.number(0);
}

TEST(SqliteStore, ARelaxedTransactionCommitsLikeAnyOtherAndFullDurabilityComesBack) {
  const std::string path = fresh_file("relaxed");
  {
    Store store(path);
    Transaction tx = store.begin(Durability::relaxed);
    EXPECT_EQ(synchronous_setting(store), 1);  // NORMAL: no fsync at this commit
    store.inbox().take(tx, "counted");
    tx.commit();
    EXPECT_EQ(synchronous_setting(store), 2);
  }
  Store store(path);
  EXPECT_EQ(synchronous_setting(store), 2);  // FULL by default
  {
    Transaction tx = store.begin(Durability::relaxed);
  }  // rolled back: the setting is restored as well
  EXPECT_EQ(synchronous_setting(store), 2);
  Transaction tx = store.begin();
  EXPECT_EQ(synchronous_setting(store), 2);
  EXPECT_EQ(store.inbox().take(tx, "counted").attempts, 2);
}

// What another process sees of the file at `path`: a connection of its own, through SQLite's
// default VFS, reading the WAL with its own descriptor. The first column of the first row of `sql`.
std::int64_t number_elsewhere(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::int64_t number = -1;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
    number = sqlite3_column_int64(statement, 0);
  else
    ADD_FAILURE() << path << ": " << sqlite3_errmsg(db) << " in " << sql;
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return number;
}

void add_blobs(Connection& c, int count, int first) {
  for (int i = 0; i < count; ++i) {
    Statement insert = Statement::cached(c, "INSERT INTO blobs (n, bytes) VALUES (?, ?)");
    insert.bind(1, std::int64_t{first + i}).bind(2, std::string(2000 + (first + i) % 97, static_cast<char>('a' + i % 26))).run();
  }
}

// A commit's WAL frames are written at once (wal_write_combining.hpp): megabytes of them, in
// pieces SQLite's unix VFS writes whole, all readable by another process right after the commit
// and after the store is opened again.
TEST(SqliteStore, AMegabytesLargeCommitIsWholeForAnotherProcessAndAfterReopening) {
  const std::string path = fresh_file("large-commit");
  {
    Store store(path);
    store.connection().execute("CREATE TABLE blobs (n INTEGER PRIMARY KEY, bytes BLOB)");
    Transaction tx = store.begin();
    add_blobs(store.connection(), 3000, 0);  // about 6 MB of pages
    tx.commit();
    EXPECT_EQ(number_elsewhere(path, "SELECT COUNT(*) FROM blobs"), 3000);
    EXPECT_EQ(number_elsewhere(path, "SELECT SUM(LENGTH(bytes)) FROM blobs"), 3000 * 2000 + number_elsewhere(path, "SELECT SUM(n % 97) FROM blobs"));
  }
  EXPECT_EQ(number_elsewhere(path, "SELECT COUNT(*) FROM blobs"), 3000);
  Store again(path);
  Statement check(again.connection(), "PRAGMA quick_check");
  ASSERT_TRUE(check.step());
  EXPECT_EQ(check.text(0), "ok");
}

// Commits that sync the WAL and relaxed ones that do not, in turn: each is visible to another
// process as soon as it returns, since a relaxed commit writes its frames as it goes; and so is
// what a checkpoint copies into the database file.
TEST(SqliteStore, EveryCommitFullOrRelaxedIsVisibleToAnotherProcessAtOnce) {
  const std::string path = fresh_file("full-and-relaxed");
  Store store(path);
  store.connection().execute("CREATE TABLE blobs (n INTEGER PRIMARY KEY, bytes BLOB)");
  for (int round = 0; round < 12; ++round) {
    Transaction tx = store.begin(round % 3 == 2 ? Durability::relaxed : Durability::full);
    add_blobs(store.connection(), 40, round * 40);
    tx.commit();
    ASSERT_EQ(number_elsewhere(path, "SELECT COUNT(*) FROM blobs"), (round + 1) * 40) << "after round " << round;
  }
  // Checkpointed: the pages are read from the database file itself, the WAL emptied.
  store.connection().checkpoint();
  EXPECT_EQ(std::filesystem::file_size(path + "-wal"), 0u);
  EXPECT_EQ(number_elsewhere(path, "SELECT COUNT(*) FROM blobs"), 12 * 40);
  EXPECT_EQ(number_elsewhere(path, "SELECT SUM(LENGTH(bytes)) FROM blobs"), 12 * 40 * 2000 + number_elsewhere(path, "SELECT SUM(n % 97) FROM blobs"));
}

// A reader of the store's own engine, read-only (what the storm, `cimbus trace` and the journal
// reader open), reads what a writer commits while the writer goes on.
TEST(SqliteStore, AReadOnlyConnectionReadsEachCommitOfAWriterThatGoesOn) {
  const std::string path = fresh_file("read-only-reader");
  Store store(path);
  store.connection().execute("CREATE TABLE blobs (n INTEGER PRIMARY KEY, bytes BLOB)");
  auto reader = open_sqlite(path, {OpenOptions::read_only, std::chrono::milliseconds(3000)});
  for (int round = 0; round < 6; ++round) {
    Transaction tx = store.begin(round % 2 == 1 ? Durability::relaxed : Durability::full);
    add_blobs(store.connection(), 40, round * 40);
    tx.commit();
    Statement count(*reader, "SELECT COUNT(*) FROM blobs");
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.number(0), (round + 1) * 40) << "after round " << round;
  }
}

// A connection that never syncs (the storm's own state files: synchronous OFF) still has each
// commit in the WAL file when another process can see it.
TEST(SqliteStore, ACommitThatNeverSyncsIsVisibleToAnotherProcessAtOnce) {
  const std::string path = fresh_file("never-synced");
  Store store(path);
  Connection& c = store.connection();
  c.execute("CREATE TABLE blobs (n INTEGER PRIMARY KEY, bytes BLOB)");
  c.execute("PRAGMA synchronous = OFF");
  for (int round = 0; round < 5; ++round) {
    c.execute("BEGIN");
    add_blobs(c, 30, round * 30);
    c.execute("COMMIT");
    ASSERT_EQ(number_elsewhere(path, "SELECT COUNT(*) FROM blobs"), (round + 1) * 30) << "after round " << round;
  }
}

// A transaction larger than the page cache writes frames before its commit; rolled back, they
// are never part of the store, and the next commit, written over them, is whole.
TEST(SqliteStore, FramesOfARolledBackTransactionNeverReachTheStore) {
  const std::string path = fresh_file("rolled-back-frames");
  Store store(path);
  Connection& c = store.connection();
  c.execute("CREATE TABLE blobs (n INTEGER PRIMARY KEY, bytes BLOB)");
  c.execute("PRAGMA cache_size = 20");  // pages: the transaction below spills
  {
    Transaction tx = store.begin();
    add_blobs(c, 2000, 0);
    Statement count(c, "SELECT COUNT(*) FROM blobs");  // read back, through the WAL
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.number(0), 2000);
  }  // rolled back
  Transaction tx = store.begin();
  add_blobs(c, 30, 5000);
  tx.commit();
  EXPECT_EQ(number_elsewhere(path, "SELECT COUNT(*) FROM blobs"), 30);
  EXPECT_EQ(number_elsewhere(path, "SELECT MIN(n) FROM blobs"), 5000);
  Statement check(c, "PRAGMA quick_check");
  ASSERT_TRUE(check.step());
  EXPECT_EQ(check.text(0), "ok");
}

// A kept statement keeps its bindings' buffers between runs (no clear_bindings), yet a parameter
// not bound again is NULL, as on a fresh statement.
TEST(SqliteStore, AKeptStatementRunAgainSeesOnlyItsNewBindings) {
  Store store(fresh_file("kept-bindings"));
  Connection& c = store.connection();
  c.execute("CREATE TABLE kept (a TEXT, b TEXT)");
  for (int round = 0; round < 2; ++round) {
    Statement insert = Statement::cached(c, "INSERT INTO kept (a, b) VALUES (?, ?)");
    insert.bind(1, std::string(round == 0 ? "first" : "second"));
    if (round == 0) insert.bind(2, std::string("only the first binds b"));
    insert.run();
  }
  Statement rows(c, "SELECT a, b IS NULL FROM kept ORDER BY rowid");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.text(0), "first");
  EXPECT_EQ(rows.number(1), 0);
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.text(0), "second");
  EXPECT_EQ(rows.number(1), 1);
}

// SQLite runs a one-row INSERT ... RETURNING id without RETURNING and gives the row id itself:
// the id is the row's, once per run, and an insert that adds no row returns none.
TEST(SqliteStore, AnInsertReturningIdGivesTheKeyOfItsOwnRow) {
  Store store(fresh_file("returning-id"));
  Connection& c = store.connection();
  c.execute("CREATE TABLE numbered (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE)");
  c.execute("CREATE TABLE elsewhere (id INTEGER PRIMARY KEY, name TEXT)");
  c.execute("CREATE TRIGGER echo AFTER INSERT ON numbered BEGIN INSERT INTO elsewhere (id, name) VALUES (1000 + NEW.id, NEW.name); END");
  std::vector<std::int64_t> ids;
  for (const char* name : {"a", "b", "c"}) {
    Statement insert = Statement::cached(c, "INSERT INTO numbered (name) VALUES (?) RETURNING id");
    ids.push_back(insert.bind(1, std::string(name)).returned_id());
  }
  EXPECT_EQ(ids, (std::vector<std::int64_t>{1, 2, 3}));  // not the trigger's rows (1001...)
  Statement again(c, "INSERT INTO numbered (name) VALUES (?) RETURNING id");
  EXPECT_THROW(again.bind(1, std::string("a")).returned_id(), std::exception);  // UNIQUE: no row, no id
}

TEST(Store, CorrelationsEndOnTheFinalReplyOrTheDeadline) {
  const std::string path = fresh_store("correlations");
  {
    Store store(path);
    Transaction tx = store.begin();
    store.correlations().add(tx, {"r1", "TroubleTickets", 1000});
    store.correlations().add(tx, {"r2", "Incidents", 2000});
    tx.commit();
  }
  Store store(path);  // survives a restart
  EXPECT_EQ(store.correlations().size(), 2u);
  EXPECT_EQ(store.correlations().next_deadline(), 1000);
  Transaction tx = store.begin();
  EXPECT_TRUE(store.correlations().answer(tx, "r1", false));  // a partial page: more follow
  EXPECT_TRUE(store.correlations().answer(tx, "r1", true));
  EXPECT_FALSE(store.correlations().answer(tx, "r1", true));  // a duplicate final reply
  EXPECT_FALSE(store.correlations().answer(tx, "unknown", true));
  tx.commit();
  EXPECT_TRUE(store.correlations().expired(1999, 10).empty());
  auto late = store.correlations().expired(2000, 10);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].message_id, "r2");
  EXPECT_EQ(late[0].noun, "Incidents");
}

TEST(Store, AMessageGivenUpStaysDead) {
  Store store(fresh_store("dead"));
  for (int i = 1; i <= 3; ++i) {
    Transaction tx = store.begin();
    EXPECT_EQ(store.inbox().take(tx, "poison").attempts, i);
    if (i == 3) store.inbox().give_up(tx, "poison", "handler failed 3 times");
    tx.commit();
  }
  Transaction tx = store.begin();
  EXPECT_EQ(store.inbox().take(tx, "poison").state, Inbox::State::dead);
}

// A child process does the work of a message and is killed with SIGKILL before it commits; a
// second child commits and exits. What survives is exactly the committed work.
TEST(Store, KillingTheProcessMidTransactionLosesNothingCommittedAndKeepsNothingElse) {
  const std::string path = fresh_store("killed");
  { Store create(path); }
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t killed = fork();
  if (killed == 0) {
    Store store(path);
    Transaction tx = store.begin();
    store.inbox().take(tx, "uncommitted");
    for (int i = 0; i < 100; ++i) store.outbox().add(tx, "/amq/queue/x", reply_message());
    (void)!write(ready[1], "x", 1);
    pause();  // killed here, mid-transaction
    _exit(0);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  kill(killed, SIGKILL);
  int status = 0;
  waitpid(killed, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));

  const pid_t committed = fork();
  if (committed == 0) {
    Store store(path);
    Transaction tx = store.begin();
    store.inbox().take(tx, "committed");
    store.outbox().add(tx, "/amq/queue/x", reply_message());
    store.inbox().finish(tx, "committed", "/amq/queue/x", std::nullopt);
    tx.commit();
    _exit(0);
  }
  waitpid(committed, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  Store store(path);
  EXPECT_EQ(store.outbox().size(), 1u);
  Transaction tx = store.begin();
  EXPECT_EQ(store.inbox().take(tx, "committed").state, Inbox::State::handled);
  Inbox::Entry lost = store.inbox().take(tx, "uncommitted");
  EXPECT_EQ(lost.state, Inbox::State::fresh);
  EXPECT_EQ(lost.attempts, 1);  // the killed attempt left no trace
}

TEST(Store, AReplyStoredOnceInTheInboxIsSentFromTheOutbox) {
  const std::string path = fresh_store("reply_once");
  const StoredMessage stored_reply = reply_message();
  const bus::AmqpMessage reply = bus::from_stored(stored_reply);
  {
    Store store(path);
    Transaction tx = store.begin();
    store.inbox().take(tx, "m1");
    store.inbox().finish(tx, "m1", "/amq/queue/reply.cis-1", stored_reply);
    store.outbox().add_reply(tx, "/amq/queue/reply.cis-1", "m1");
    tx.commit();
  }
  Store store(path);
  auto rows = store.outbox().pending(10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].target, "/amq/queue/reply.cis-1");
  EXPECT_EQ(bus::from_stored(rows[0].message).message_id, reply.message_id);
  EXPECT_EQ(bus::from_stored(rows[0].message).body, reply.body);
  EXPECT_EQ(bus::from_stored(rows[0].message).properties, reply.properties);
}

TEST(Store, ARedeliveryIsAtLeastTheSecondAttemptEvenWithoutATraceOfTheFirst) {
  Store store(fresh_store("redelivered"));
  Transaction tx = store.begin();
  EXPECT_EQ(store.inbox().take(tx, "m1", true).attempts, 2);
  EXPECT_EQ(store.inbox().take(tx, "m1", true).attempts, 3);
  EXPECT_EQ(store.inbox().take(tx, "m2").attempts, 1);
}

TEST(Store, OldMessageIdsAreForgottenUnlessTheirReplyIsStillToBeSent) {
  const std::string path = fresh_store("retention");
  Store store(path);
  {
    Transaction tx = store.begin();
    for (const char* id : {"old-sent", "old-unsent", "new"}) {
      store.inbox().take(tx, id);
      store.inbox().finish(tx, id, "/amq/queue/reply.cis-1", reply_message());
    }
    store.outbox().add_reply(tx, "/amq/queue/reply.cis-1", "old-unsent");
    tx.commit();
  }
  // Age two of them by a day.
  ASSERT_EQ(Statement(store.connection(), "UPDATE inbox SET first_seen = first_seen - 86400000 WHERE message_id LIKE 'old-%'").run(), 2);
  const std::int64_t an_hour_ago = epoch_ms() - 3600000;
  Transaction tx = store.begin();
  EXPECT_EQ(store.inbox().forget_before(tx, an_hour_ago, 100), 1u);
  EXPECT_EQ(store.inbox().size(), 2u);
  EXPECT_EQ(store.inbox().take(tx, "old-sent").state, Inbox::State::fresh);      // forgotten: new again
  EXPECT_EQ(store.inbox().take(tx, "old-unsent").state, Inbox::State::handled);  // its reply waits
  EXPECT_EQ(store.inbox().take(tx, "new").state, Inbox::State::handled);
  EXPECT_EQ(store.outbox().pending(10).size(), 1u);
}

TEST(SqliteStore, AFileOfAnotherLayoutIsRefusedWithAClearError) {
  const std::string path = fresh_file("layout");
  { Store store(path); }
  ASSERT_TRUE(rewrite(path, "PRAGMA user_version = 1"));
  try {
    Store store(path);
    FAIL() << "opened a file of layout 1";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("another version of cimbus"), std::string::npos) << e.what();
  }
}

// Two instances of one system on one file (two OMS processes sharing their system of record).
TEST(Store, InstancesSharingAFileShareTheInboxButEachSendsItsOwnRowsAndAwaitsItsOwnRequests) {
  const std::string path = fresh_store("shared");
  Store one(path, "oms-1"), two(path, "oms-2");
  {
    Transaction tx = one.begin();
    EXPECT_EQ(one.inbox().take(tx, "m1").state, Inbox::State::fresh);
    one.outbox().add(tx, "/exchange/cim/evt.x", reply_message());
    one.inbox().finish(tx, "m1", "/amq/queue/reply.cis-1", reply_message());
    one.correlations().add(tx, {"request-of-1", "MaintenanceOrders", 1000});
    tx.commit();
  }
  Transaction tx = two.begin();
  EXPECT_EQ(two.inbox().take(tx, "m1").state, Inbox::State::handled) << "a MessageID one instance handled is a duplicate for the other";
  tx.commit();
  EXPECT_EQ(two.outbox().pending(10).size(), 0u);
  EXPECT_EQ(two.outbox().size(), 0u);
  EXPECT_EQ(two.correlations().expired(5000, 10).size(), 0u);
  EXPECT_FALSE(two.correlations().next_deadline());
  EXPECT_EQ(one.outbox().pending(10).size(), 1u);
  EXPECT_EQ(one.correlations().expired(5000, 10).size(), 1u);
}

TEST(SqliteStore, AFileOfLayout2GainsOwnersAndItsRowsGoToTheInstanceThatOpensIt) {
  const std::string path = fresh_file("layout2");
  ASSERT_TRUE(rewrite(path,
                         "CREATE TABLE inbox (message_id TEXT PRIMARY KEY, state TEXT NOT NULL, attempts INTEGER NOT NULL, "
                         "first_seen INTEGER NOT NULL, reason TEXT, reply_target TEXT, reply BLOB);"
                         "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL, message BLOB, reply_of TEXT);"
                         "CREATE TABLE correlations (message_id TEXT PRIMARY KEY, noun TEXT NOT NULL, deadline INTEGER NOT NULL);"
                         "CREATE INDEX correlations_by_deadline ON correlations (deadline);"
                         "INSERT INTO correlations VALUES ('r1', 'WorkRequests', 1000);"
                         "PRAGMA user_version = 2"));
  Store store(path, "wms-1");
  EXPECT_EQ(store.correlations().size(), 1u);
  EXPECT_EQ(*store.correlations().next_deadline(), 1000);
}

// A request forwarded to a system that acknowledged it: found by the CorrelationID of its result,
// kept across a restart, answered at its deadline by the instance that took it, and its inbox
// entry kept while the result is due.
TEST(Store, AcknowledgedCallsAwaitTheirResultByCorrelation) {
  const std::string path = fresh_store("acknowledged");
  Envelope reply;
  reply.mutable_message()->mutable_header()->set_correlation_id("conversation-7");
  {
    Store store(path, "wms-1");
    Transaction tx = store.begin();
    store.inbox().take(tx, "m1");
    store.inbox().finish(tx, "m1", "/amq/queue/reply.cis-1", std::nullopt);
    store.acknowledged_calls().add(tx, {"m1", "conversation-7", "ServiceOrders", "/amq/queue/reply.cis-1", reply, 2000});
    store.acknowledged_calls().add(tx, {"m2", "m2", "WorkRequests", "/amq/queue/reply.oms-1", reply, 1000});
    tx.commit();
  }
  Store store(path, "wms-1"), other(path, "wms-2");
  EXPECT_EQ(store.acknowledged_calls().size(), 2u);
  EXPECT_EQ(store.acknowledged_calls().next_deadline(), 1000);
  EXPECT_FALSE(other.acknowledged_calls().next_deadline()) << "each instance answers its own at their deadline";
  Transaction tx = store.begin();
  auto found = store.acknowledged_calls().find(tx, "conversation-7", "ServiceOrders");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->message_id, "m1");
  EXPECT_EQ(found->reply_target, "/amq/queue/reply.cis-1");
  EXPECT_EQ(found->reply.message().header().correlation_id(), "conversation-7");
  EXPECT_TRUE(store.acknowledged_calls().find(tx, "conversation-7", ""));
  EXPECT_FALSE(store.acknowledged_calls().find(tx, "conversation-7", "WorkRequests"));
  EXPECT_FALSE(store.acknowledged_calls().find(tx, "unknown", ""));
  // Retention keeps the inbox entry of a request whose result is still due.
  ASSERT_EQ(Statement(store.connection(), "UPDATE inbox SET first_seen = 0").run(), 1);
  EXPECT_EQ(store.inbox().forget_before(tx, epoch_ms(), 100), 0u);
  auto late = store.acknowledged_calls().expired(1500, 10);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].message_id, "m2");
  store.acknowledged_calls().remove(tx, "m1");
  EXPECT_FALSE(store.acknowledged_calls().find(tx, "conversation-7", ""));
  EXPECT_EQ(store.inbox().forget_before(tx, epoch_ms(), 100), 1u);
  tx.commit();
}

TEST(SqliteStore, AFileOfLayout3GainsTheAcknowledgedCallsTable) {
  const std::string path = fresh_file("layout3");
  { Store store(path); }
  ASSERT_TRUE(rewrite(path, "DROP TABLE acknowledged_calls; PRAGMA user_version = 3"));
  Store store(path);
  EXPECT_EQ(store.acknowledged_calls().size(), 0u);
  Statement version(store.connection(), "PRAGMA user_version");
  ASSERT_TRUE(version.step());
  EXPECT_EQ(version.number(0), 8);
}

// Layout 5 had no seen_nonces: the table is added, and a Nonce is noted once per source.
TEST(SqliteStore, AFileOfLayout5GainsTheSeenNoncesTable) {
  const std::string path = fresh_file("layout5");
  { Store store(path); }
  ASSERT_TRUE(rewrite(path, "DROP TABLE seen_nonces; PRAGMA user_version = 5"));
  Store store(path);
  Transaction tx = store.begin();
  EXPECT_TRUE(store.seen_nonces().note(tx, "CIS", "n-1", "m-1", 1000));
  EXPECT_TRUE(store.seen_nonces().note(tx, "CIS", "n-1", "m-1", 1500)) << "the same message again is no replay";
  EXPECT_FALSE(store.seen_nonces().note(tx, "CIS", "n-1", "m-2", 2000)) << "the same Nonce from the same source in another message";
  EXPECT_TRUE(store.seen_nonces().note(tx, "WMS", "n-1", "m-3", 2000)) << "another source's Nonce is its own";
  EXPECT_EQ(store.seen_nonces().forget(tx, 1500, 100), 1u);
  EXPECT_TRUE(store.seen_nonces().note(tx, "CIS", "n-1", "m-2", 3000)) << "forgotten after its time";
  tx.commit();
  Statement version(store.connection(), "PRAGMA user_version");
  ASSERT_TRUE(version.step());
  EXPECT_EQ(version.number(0), 8);
}

// Layout 4 had no transport correlation: its acknowledged calls are kept, their replies correlated
// by the Header alone, and new ones keep theirs.
TEST(SqliteStore, AFileOfLayout4KeepsItsAcknowledgedCallsAndGainsTheirTransportCorrelation) {
  const std::string path = fresh_file("layout4");
  { Store store(path); }
  ASSERT_TRUE(rewrite(path,
                         "DROP TABLE acknowledged_calls;"
                         "CREATE TABLE acknowledged_calls (message_id TEXT PRIMARY KEY, correlation TEXT NOT NULL, noun TEXT NOT NULL, "
                         "reply_target TEXT NOT NULL, reply BLOB NOT NULL, deadline INTEGER NOT NULL, owner TEXT NOT NULL DEFAULT '');"
                         "INSERT INTO acknowledged_calls VALUES ('old-call', 'old-correlation', 'WorkRequests', '/amq/queue/reply.x', x'', 1, 'test');"
                         "PRAGMA user_version = 4"));
  Store store(path, "test");
  {
    Transaction tx = store.begin();
    auto old = store.acknowledged_calls().find(tx, "old-correlation", "");
    ASSERT_TRUE(old.has_value());
    EXPECT_EQ(old->reply_target, "/amq/queue/reply.x");
    EXPECT_EQ(old->transport_correlation, "");
    AcknowledgedCalls::Entry fresh;
    fresh.message_id = "new-call";
    fresh.correlation = "new-correlation";
    fresh.noun = "WorkRequests";
    fresh.reply_target = "/amq/queue/reply.y";
    fresh.transport_correlation = "2f1c6b1e-4c1a-4b8e-9d3e-0a1b2c3d4e5f";
    fresh.transport_correlation_type = UUID;
    fresh.deadline_ms = 2;
    store.acknowledged_calls().add(tx, fresh);
    auto back = store.acknowledged_calls().find(tx, "new-correlation", "");
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->transport_correlation, fresh.transport_correlation);
    EXPECT_EQ(back->transport_correlation_type, UUID);
    tx.commit();
  }
  Statement version(store.connection(), "PRAGMA user_version");
  ASSERT_TRUE(version.step());
  EXPECT_EQ(version.number(0), 8);
}

TEST(SqliteStore, ADamagedStoreIsRefusedAtStartWithAClearError) {
  const std::string path = fresh_file("damaged");
  {
    Store store(path);
    Transaction tx = store.begin();
    for (int i = 0; i < 2000; ++i) {
      store.inbox().take(tx, "message-" + std::to_string(i));
      store.inbox().finish(tx, "message-" + std::to_string(i), "/amq/queue/reply.cis-1", reply_message());
    }
    tx.commit();
    Statement(store.connection(), "PRAGMA wal_checkpoint(TRUNCATE)").step();
  }
  ASSERT_GT(std::filesystem::file_size(path), 64u * 4096u);
  {  // garbage over pages in the middle of the file, as a failing disk leaves them
    std::FILE* f = std::fopen(path.c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    std::fseek(f, 20 * 4096, SEEK_SET);
    const std::string garbage(8 * 4096, '\x5a');
    std::fwrite(garbage.data(), 1, garbage.size(), f);
    std::fclose(f);
  }
  try {
    Store store(path);
    FAIL() << "opened a damaged store";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("the store is damaged"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

// Whom a failure blames decides what the runtime does: a message's content is counted against
// that message; the store as a whole pauses the adapter (decisions/0019).
TEST(Store, AConstraintCheckedAtCommitBlamesTheContentAndTheStoreStillWorks) {
  Store store(fresh_store("deferred"));
  {
    Transaction tx = store.begin();
    tx.execute("CREATE TABLE parents (id TEXT PRIMARY KEY);"
               "CREATE TABLE children (parent TEXT REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)");
    tx.commit();
  }
  {
    Transaction tx = store.begin();
    store.inbox().take(tx, "message-1");
    tx.execute("INSERT INTO children (parent) VALUES ('nobody')");  // accepted until the commit
    try {
      tx.commit();
      FAIL() << "a deferred foreign key was not checked at commit";
    } catch (const StoreError& e) {
      EXPECT_EQ(e.blame(), StoreError::Blame::content) << e.what();
      std::string words = e.what();
      for (char& c : words) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      EXPECT_NE(words.find("foreign key constraint"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(store.inbox().size(), 0u) << "the failed transaction rolled back";
  EXPECT_NO_THROW(store.check_writable());
}

TEST(Store, ALockHeldTooLongBlamesTheStore) {
  const std::string path = fresh_store("locked");
  { Store store(path); }
  auto holder = open_store(path, {OpenOptions::read_write});
  holder->begin(Durability::full);
  auto waiter = open_store(path, {OpenOptions::read_write, std::chrono::milliseconds(50)});
  try {
    waiter->begin(Durability::full);
    FAIL() << "took a write lock another connection holds";
  } catch (const StoreError& e) {
    EXPECT_TRUE(e.store_fails()) << e.what();
    EXPECT_TRUE(is_store_failure(e));
  }
  holder->rollback();
}

TEST(SqliteStore, AnUnwritablePathIsAClearError) {
  EXPECT_THROW(Store("/nonexistent-directory/x.sqlite"), std::runtime_error);
}

// Layout 6 had no outbox.created: the column is added; its rows count in the backlog without an
// age, and new rows say when they were made.
TEST(SqliteStore, AFileOfLayout6GainsTheOutboxRowsTime) {
  const std::string path = fresh_file("layout6");
  { Store store(path, "test"); }
  ASSERT_TRUE(rewrite(path,
                      "DROP TABLE outbox;"
                      "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL, message BLOB, reply_of TEXT, "
                      "owner TEXT NOT NULL DEFAULT '');"
                      "INSERT INTO outbox (target, message, owner) VALUES ('/amq/queue/old', x'', 'test');"
                      "PRAGMA user_version = 6"));
  Store store(path, "test");
  Outbox::Backlog old = store.outbox().backlog();
  EXPECT_EQ(old.rows, 1u);
  EXPECT_FALSE(old.oldest_ms) << "a row of layout 6 has no time";
  const std::int64_t before = epoch_ms();
  {
    Transaction tx = store.begin();
    store.outbox().add(tx, "/amq/queue/new", StoredMessage());
    tx.commit();
  }
  Outbox::Backlog now = store.outbox().backlog();
  EXPECT_EQ(now.rows, 2u);
  ASSERT_TRUE(now.oldest_ms);
  EXPECT_GE(*now.oldest_ms, before);
  EXPECT_LE(*now.oldest_ms, epoch_ms());
  Statement version(store.connection(), "PRAGMA user_version");
  ASSERT_TRUE(version.step());
  EXPECT_EQ(version.number(0), 8);
}

// Layout 7 had no order tables: they are added, and the rest stays.
TEST(SqliteStore, AFileOfLayout7GainsTheOrderTables) {
  const std::string path = fresh_file("layout7");
  {
    Store store(path, "test");
    Transaction tx = store.begin();
    store.inbox().take(tx, "kept");
    tx.commit();
  }
  ASSERT_TRUE(rewrite(path, "DROP TABLE order_numbers; DROP TABLE order_taken; DROP TABLE order_parked; PRAGMA user_version = 7"));
  Store store(path, "test");
  Transaction tx = store.begin();
  EXPECT_EQ(store.object_order().next_number(tx, "CIS/TroubleTickets/request/t-1"), 1);
  EXPECT_EQ(store.inbox().take(tx, "kept").attempts, 2);
  tx.commit();
  Statement version(store.connection(), "PRAGMA user_version");
  ASSERT_TRUE(version.step());
  EXPECT_EQ(version.number(0), 8);
}

// Per-object order (decisions/0032): a sender numbers per key; a receiver takes in turn, parks
// what comes early, and finds it again when its turn comes or its wait ends.
TEST(Store, ObjectOrderNumbersPerKeyAndParksWhatComesEarly) {
  const std::string location = fresh_store("order");
  const std::string a = "CIS/TroubleTickets/request/t-1", b = "CIS/TroubleTickets/request/t-2";
  {
    Store sender(location, "cis-1");
    Transaction tx = sender.begin();
    EXPECT_EQ(sender.object_order().next_number(tx, a), 1);
    EXPECT_EQ(sender.object_order().next_number(tx, a), 2);
    EXPECT_EQ(sender.object_order().next_number(tx, b), 1) << "each key counts on its own";
    tx.commit();
  }
  Store store(location, "oms-1"), other(location, "oms-2");  // instances sharing the store
  ObjectOrder& order = store.object_order();
  Transaction tx = store.begin();
  EXPECT_EQ(order.turn(tx, "OMS/x/request/y", 1), ObjectOrder::Turn::now) << "a first message is in its turn";
  EXPECT_EQ(order.turn(tx, a, 2), ObjectOrder::Turn::early);
  bus::AmqpMessage m;
  m.body = "<second/>";
  m.message_id = "m-2";
  EXPECT_TRUE(order.park(tx, {a, 2, "requests", bus::to_stored(m), 1000}));
  EXPECT_FALSE(order.park(tx, {a, 2, "requests", bus::to_stored(m), 1500})) << "a redelivery is parked once";
  EXPECT_EQ(order.parked_count(), 1u);
  EXPECT_EQ(order.overdue(1000, 10).size(), 0u) << "parked at 1000: not before 1000";
  ASSERT_EQ(order.overdue(1001, 10).size(), 1u);
  order.taken(tx, a, 1);
  EXPECT_EQ(order.turn(tx, a, 2), ObjectOrder::Turn::now);
  EXPECT_EQ(order.turn(tx, a, 1), ObjectOrder::Turn::late);
  auto parked = order.unpark(tx, a, 2);
  ASSERT_TRUE(parked);
  EXPECT_EQ(parked->queue, "requests");
  EXPECT_EQ(bus::from_stored(parked->message).body, "<second/>");
  EXPECT_EQ(bus::from_stored(parked->message).message_id, "m-2");
  EXPECT_FALSE(order.unpark(tx, a, 2)) << "taken once";
  order.taken(tx, a, 5);
  order.taken(tx, a, 3);  // never backwards
  EXPECT_EQ(order.turn(tx, a, 6), ObjectOrder::Turn::now);
  tx.commit();
  Transaction seen = other.begin();
  EXPECT_EQ(other.object_order().turn(seen, a, 6), ObjectOrder::Turn::now) << "shared by the instances";
  EXPECT_EQ(other.object_order().parked_count(), 0u);
}

}  // namespace
}  // namespace cimbus::store
