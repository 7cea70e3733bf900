// A small adapter process for the runtime's tests and benchmark: it serves TroubleTickets create,
// change, cancel and get from a table of its own, through the real runtime (inbox, outbox,
// replies, events), and counts how often each MessageID was executed.
//
//   cimbus_test_responder CONFIG.json
//
// A ticket whose comment contains "poison" makes the handler throw (a bug in the system of
// record); "refuse" makes it refuse the request with 2.22 (a business rule).

#include <sqlite3.h>

#include <iostream>
#include <stdexcept>
#include <string>

#include "cimbus/runtime/adapter.hpp"
#include "cimbus/customer/trouble_tickets.pb.h"

namespace {

using cimbus::Envelope;
using cimbus::Verb;
using cimbus::adapter::Context;
using TroubleTickets = cimbus::customer::trouble_tickets::TroubleTickets;

void sql(sqlite3* db, const std::string& text) {
  char* error = nullptr;
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "error";
    sqlite3_free(error);
    throw std::runtime_error(message);
  }
}

void bind_run(sqlite3* db, const char* text, const std::string& a, const std::string& b) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, text, -1, &s, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
  sqlite3_bind_text(s, 1, a.data(), static_cast<int>(a.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 2, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
  const int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
}

// Executions per MessageID: the tests check that each is 1.
void count_execution(Context& c) {
  bind_run(c.db(), "INSERT INTO executions (message_id, verb, n) VALUES (?, ?, 1) "
                   "ON CONFLICT(message_id) DO UPDATE SET n = n + 1",
           c.header().message_id(), cimbus::to_literal(c.verb()));
}

void transaction(Context& c) {
  auto tickets = c.payload<TroubleTickets>();
  if (!tickets) throw cimbus::adapter::Rejection("1.7", "no TroubleTickets in the payload");
  for (const auto& t : tickets->trouble_ticket()) {
    if (t.comment().find("poison") != std::string::npos) throw std::runtime_error("the system of record failed on " + t.m_rid());
    if (t.comment().find("refuse") != std::string::npos)
      throw cimbus::adapter::Rejection("2.22", "unknown customer " + t.customer().m_rid());
  }
  count_execution(c);
  for (const auto& t : tickets->trouble_ticket()) {
    std::string bytes;
    t.SerializeToString(&bytes);
    bind_run(c.db(), "INSERT OR REPLACE INTO tickets (mrid, ticket) VALUES (?, ?)", t.m_rid(), bytes);
    c.add_reply_id(t.m_rid());
  }
  c.add_payload(*tickets);
  if (c.verb() == cimbus::msg::HeaderType_Verb::create) {
    Envelope event;
    event.mutable_message()->mutable_header()->set_verb(cimbus::msg::HeaderType_Verb::created);
    event.mutable_message()->mutable_header()->set_noun("TroubleTickets");
    event.add_payload_objects()->PackFrom(*tickets);
    c.publish(std::move(event));
  }
}

void get(Context& c) {
  TroubleTickets all;
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(c.db(), "SELECT ticket FROM tickets ORDER BY mrid", -1, &s, nullptr);
  while (sqlite3_step(s) == SQLITE_ROW)
    all.add_trouble_ticket()->ParseFromArray(sqlite3_column_blob(s, 0), sqlite3_column_bytes(s, 0));
  sqlite3_finalize(s);
  c.add_payload(all);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: cimbus_test_responder CONFIG.json\n";
    return 2;
  }
  try {
    cimbus::adapter::Adapter adapter(cimbus::adapter::AdapterOptions::load(argv[1]));
    adapter.prepare_store([](sqlite3* db) {
      sql(db, "CREATE TABLE IF NOT EXISTS executions (message_id TEXT PRIMARY KEY, verb TEXT, n INTEGER);"
              "CREATE TABLE IF NOT EXISTS tickets (mrid TEXT PRIMARY KEY, ticket BLOB)");
    });
    for (Verb v : {cimbus::msg::HeaderType_Verb::create, cimbus::msg::HeaderType_Verb::change, cimbus::msg::HeaderType_Verb::cancel})
      adapter.on("TroubleTickets", v, transaction);
    adapter.on("TroubleTickets", cimbus::msg::HeaderType_Verb::get, get);
    adapter.start();
    if (!adapter.wait_ready(std::chrono::seconds(60))) {
      std::cerr << "cimbus_test_responder: the broker's queues are not reachable\n";
      adapter.stop();
      return 1;
    }
    std::cout << "ready" << std::endl;
    return adapter.run_until_signal();
  } catch (const std::exception& e) {
    std::cerr << "cimbus_test_responder: " << e.what() << "\n";
    return 1;
  }
}
