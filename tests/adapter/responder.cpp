// A small adapter process for the runtime's tests and benchmark: it serves TroubleTickets create,
// change, cancel and get from a table of its own, through the real runtime (inbox, outbox,
// replies, events), and counts how often each MessageID was executed.
//
//   cimbus_test_responder CONFIG.json
//
// A ticket whose comment contains "poison" makes the handler throw (a bug in the system of
// record); "refuse" makes it refuse the request with 2.22 (a business rule); "uncommittable"
// makes it write a row whose deferred foreign key fails only when the batch commits (a system of
// record with constraints checked at commit); "unencodable" makes it answer, after its writes,
// with a text XML 1.0 cannot carry (a system of record returning a control character). The inbox refuses to record a MessageID that
// starts with "unrecordable-" (a damaged page its row would reach: the attempt cannot be counted).

#include <iostream>
#include <stdexcept>
#include <string>

#include "cimbus/runtime/adapter.hpp"
#include "cimbus/customer/trouble_tickets.pb.h"
#include "cimbus/store/statement.hpp"

namespace {

using cimbus::Envelope;
using cimbus::Verb;
using cimbus::adapter::Context;
using cimbus::store::Statement;
using TroubleTickets = cimbus::customer::trouble_tickets::TroubleTickets;

// Executions per MessageID: the tests check that each is 1.
void count_execution(Context& c) {
  Statement::cached(c.tx().connection(), "INSERT INTO executions (message_id, verb, n) VALUES (?, ?, 1) ON CONFLICT(message_id) DO UPDATE SET n = n + 1")
      .bind(1, c.header().message_id())
      .bind(2, cimbus::to_literal(c.verb()))
      .run();
}

void transaction(Context& c) {
  auto tickets = c.payload<TroubleTickets>();
  if (!tickets) throw cimbus::adapter::Rejection("1.7", "no TroubleTickets in the payload");
  for (const auto& t : tickets->trouble_ticket()) {
    if (t.comment().find("poison") != std::string::npos) throw std::runtime_error("the system of record failed on " + t.m_rid());
    if (t.comment().find("refuse") != std::string::npos)
      throw cimbus::adapter::Rejection("2.22", "unknown customer " + t.customer().m_rid());
  }
  for (const auto& t : tickets->trouble_ticket())
    if (t.comment().find("uncommittable") != std::string::npos)
      Statement(c.tx(), "INSERT INTO ticket_holds (ticket, owner) VALUES (?, 'nobody')").bind(1, t.m_rid()).run();
  count_execution(c);
  for (const auto& t : tickets->trouble_ticket()) {
    Statement::cached(c.tx().connection(), "INSERT OR REPLACE INTO tickets (mrid, ticket) VALUES (?, ?)")
        .bind(1, t.m_rid())
        .bind_blob(2, t.SerializeAsString())
        .run();
    c.add_reply_id(t.m_rid());
  }
  for (auto& t : *tickets->mutable_trouble_ticket())
    if (t.comment().find("unencodable") != std::string::npos) t.set_comment(t.comment() + '\x01');
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
  Statement rows(c.tx(), "SELECT ticket FROM tickets ORDER BY mrid");
  while (rows.step()) all.add_trouble_ticket()->ParseFromString(rows.blob(0));
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
    adapter.prepare_store([](cimbus::store::Transaction& tx) {
      tx.execute("CREATE TABLE IF NOT EXISTS executions (message_id TEXT PRIMARY KEY, verb TEXT, n INTEGER);"
                 "CREATE TABLE IF NOT EXISTS tickets (mrid TEXT PRIMARY KEY, ticket BLOB);"
                 "CREATE TABLE IF NOT EXISTS ticket_owners (id TEXT PRIMARY KEY);"
                 "CREATE TABLE IF NOT EXISTS ticket_holds (ticket TEXT, owner TEXT REFERENCES ticket_owners (id) DEFERRABLE INITIALLY DEFERRED);"
                 "CREATE TRIGGER IF NOT EXISTS inbox_refuses_insert BEFORE INSERT ON inbox WHEN NEW.message_id LIKE 'unrecordable-%'"
                 "  BEGIN SELECT RAISE(ABORT, 'the inbox cannot record this message'); END;"
                 "CREATE TRIGGER IF NOT EXISTS inbox_refuses_update BEFORE UPDATE ON inbox WHEN NEW.message_id LIKE 'unrecordable-%'"
                 "  BEGIN SELECT RAISE(ABORT, 'the inbox cannot record this message'); END");
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
