#include "reference_cis.hpp"

#include <set>

#include "cimbus/codec/error_code.hpp"
#include "cimbus/runtime/rejection.hpp"
#include "cimbus/customer/trouble_tickets.pb.h"
#include "cimbus/store/statement.hpp"
#include "cimbus/codec/timestamp.hpp"
#include "cimbus/codec/uuid.hpp"
#include "nouns.hpp"
#include "records.hpp"
#include "reflection.hpp"

namespace cimbus::cis {

namespace {

using adapter::Rejection;
using google::protobuf::Message;
using reference::CancelState;
using reference::NounItem;
using reference::ObjectState;
using reference::Records;
using reference::object_state;
using reference::object_state_or_throw;
using reference::add;
using reference::field;
using reference::set_enum;
using reference::set_string;
using reference::text_of;
using reference::work_status;
using store::Statement;
using customer::trouble_tickets::TroubleTickets;
using V = msg::HeaderType_Verb;

// An item of `noun`: new work of `kind` for `customer`, or (kind empty) only its mRID, as a cancel
// names it.
std::unique_ptr<Message> work_item(const std::string& noun, const std::string& mrid, const std::string& kind, const std::string& customer) {
  std::unique_ptr<Message> item = reference::new_item(reference::noun_model(noun));
  set_string(item.get(), "m_rid", mrid);
  if (kind.empty()) return item;
  Message* work = add(item.get(), "work");
  set_string(work, "m_rid", new_uuid());
  set_enum(work, "kind", kind);
  set_string(work, "request_date_time", now_timestamp());
  set_enum(work, "status_kind", "waitingToBeScheduled");
  if (field(*work, "customers") != nullptr) set_string(add(work, "customers"), "m_rid", customer);
  Message* task = add(work, "work_tasks");
  set_string(task, "m_rid", new_uuid());
  set_string(task, "subject", kind + " for customer " + customer);
  set_enum(task, "task_kind", kind == "disconnect" ? "remove" : "install");
  return item;
}

void notify(store::Transaction& tx, const std::string& incident, const std::string& customer, const std::string& trigger, const std::string& etr) {
  Statement(tx, "INSERT INTO notifications (incident, customer, trigger_kind, etr, at) VALUES (?, ?, ?, ?, ?)")
      .bind(1, incident)
      .bind(2, customer)
      .bind(3, trigger)
      .bind(4, etr)
      .bind(5, epoch_ms())
      .run();
}

bool notified(store::Transaction& tx, const std::string& incident, const std::string& customer, const std::string& trigger) {
  Statement row(tx, "SELECT 1 FROM notifications WHERE incident = ? AND customer = ? AND trigger_kind = ? LIMIT 1");
  row.bind(1, incident).bind(2, customer).bind(3, trigger);
  return row.step();
}

std::int64_t number_of(CancelState state) { return static_cast<std::int64_t>(state); }

}  // namespace

ReferenceCis::ReferenceCis(const std::map<std::string, std::string>& settings)
    : territory_(reference::TerritoryOptions::from_settings(settings)) {}

void ReferenceCis::prepare(store::Transaction& tx) {
  Records::prepare(tx);
  tx.execute(R"(
CREATE TABLE IF NOT EXISTS calls (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  customer        TEXT NOT NULL,
  at              INTEGER NOT NULL DEFAULT 0,     -- ms since the epoch; 0: when taken
  cancel_after_ms INTEGER NOT NULL DEFAULT 0,
  ticket          TEXT,                           -- the ticket made of it
  cancel_state    INTEGER NOT NULL DEFAULT 0      -- 1: cancel sent, 2: nothing left to cancel
);
CREATE TABLE IF NOT EXISTS service_needs (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  noun            TEXT NOT NULL,
  customer        TEXT NOT NULL,
  kind            TEXT NOT NULL,
  at              INTEGER NOT NULL DEFAULT 0,
  cancel_after_ms INTEGER NOT NULL DEFAULT 0,
  mrid            TEXT,
  cancel_state    INTEGER NOT NULL DEFAULT 0
);
-- What due() looks for every 50 ms, inside the adapter's write transaction: without these, each
-- look scanned every call (at 100,000 calls, long enough to keep the intake waiting for the lock).
CREATE INDEX IF NOT EXISTS calls_by_ticket ON calls (ticket);
CREATE INDEX IF NOT EXISTS calls_by_cancel_state ON calls (cancel_state, cancel_after_ms);
CREATE INDEX IF NOT EXISTS service_needs_by_mrid ON service_needs (mrid);
CREATE INDEX IF NOT EXISTS service_needs_by_cancel_state ON service_needs (cancel_state, cancel_after_ms);
CREATE TABLE IF NOT EXISTS requests (
  message_id TEXT PRIMARY KEY,
  noun       TEXT NOT NULL,
  verb       TEXT NOT NULL,
  mrid       TEXT NOT NULL,
  sent_at    INTEGER NOT NULL,
  replied_at INTEGER,
  result     TEXT
);
CREATE TABLE IF NOT EXISTS notifications (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  incident     TEXT NOT NULL,
  customer     TEXT NOT NULL,
  trigger_kind TEXT NOT NULL,                     -- NotificationTriggerKind
  etr          TEXT NOT NULL DEFAULT '',          -- the ETR told; informDispatched: the crew's ETA (crewETA)
  at           INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS notifications_by_incident ON notifications (incident, customer, trigger_kind);
CREATE TABLE IF NOT EXISTS incident_view (incident TEXT PRIMARY KEY, etr TEXT NOT NULL DEFAULT '', dispatched INTEGER NOT NULL DEFAULT 0);
)");
}

reference::Record ReferenceCis::territory_agreement(const reference::Site& s) const {
  CustomerAgreement a;
  a.set_m_rid(s.agreement);
  a.set_sign_date("2020-01-01");
  a.set_load_mgmt("none");
  a.mutable_customer()->set_m_rid(s.customer);
  a.mutable_customer()->set_kind(customer::customer_agreements::CustomerKind::residential);
  a.mutable_customer()->add_names()->set_name(s.name);
  a.mutable_customer_account()->set_m_rid(s.account);
  a.mutable_service_supplier()->set_kind(customer::customer_agreements::SupplierKind::utility);
  a.add_service_locations()->set_m_rid(s.service_location);
  a.add_usage_points()->set_m_rid(s.usage_point);
  a.mutable_status()->set_value(std::string(text_of(ObjectState::active)));
  return reference::Record{"CustomerAgreements", s.agreement, ObjectState::active, s.customer, a.SerializeAsString(), 0};
}

std::optional<reference::Record> ReferenceCis::agreement(const Records& records, const std::string& mrid) const {
  if (auto kept = records.get("CustomerAgreements", mrid)) return kept;
  if (auto site = territory_.by_agreement(mrid)) return territory_agreement(*site);
  return std::nullopt;
}

std::vector<reference::Record> ReferenceCis::find_agreements(store::Transaction& tx, const reference::GetQuery& q) {
  const std::string noun = "CustomerAgreements";
  Records records(tx);
  std::vector<reference::Record> found = reference::find(records, noun, q);
  // Then the territory's agreements nobody changed (so none is kept): named ones whatever the
  // state asked (as kept ones), the others when the query asks for any state or `active`.
  if (!q.ids.empty()) {
    std::set<std::string> kept;  // find() read every named one already
    for (const reference::Record& r : found) kept.insert(r.mrid);
    for (const std::string& id : q.ids)
      if (auto site = territory_.by_agreement(id); site && kept.count(id) == 0) found.push_back(territory_agreement(*site));
    return found;
  }
  if (q.impossible_state || (q.state && *q.state != ObjectState::active)) return found;
  if (!q.customers.empty()) {
    for (const std::string& customer : q.customers)
      if (auto site = territory_.by_customer(customer); site && !records.get(noun, site->agreement)) found.push_back(territory_agreement(*site));
    return found;
  }
  // All of them: the kept ones first, then the territory's, as many as a list gives.
  std::set<std::string> kept;
  for (const reference::Record& r : records.list(noun)) kept.insert(r.mrid);
  for (int i = 0; i < territory_.customers() && found.size() < Records::kMostListed; ++i) {
    reference::Site site = territory_.site(i);
    if (kept.count(site.agreement) == 0) found.push_back(territory_agreement(site));
  }
  return found;
}

std::vector<CisBackend::Due> ReferenceCis::due(store::Transaction& tx) {
  Records records(tx);
  const std::int64_t now = epoch_ms();
  std::vector<Due> out;
  {  // New calls: a ticket each.
    Statement calls(tx, "SELECT id, customer, at FROM calls WHERE ticket IS NULL ORDER BY id LIMIT 200");
    std::vector<std::tuple<std::int64_t, std::string, std::int64_t>> taken;
    while (calls.step()) taken.emplace_back(calls.number(0), calls.text(1), calls.number(2));
    for (auto& [id, customer, at] : taken) {
      const std::optional<reference::Site> site = territory_.by_customer(customer);
      TroubleTickets tickets;
      auto* t = tickets.add_trouble_ticket();
      t->set_m_rid(new_uuid());
      t->set_created_date_time(now_timestamp());
      t->set_date_time_of_report(format_timestamp(std::chrono::system_clock::time_point(std::chrono::milliseconds(at > 0 ? at : now))));
      t->set_reporting_kind(customer::trouble_tickets::TroubleReportingKind::call);
      t->set_trouble_code("power out");
      t->mutable_customer()->set_m_rid(customer);
      if (site) {
        t->mutable_customer()->add_names()->set_name(site->name);
        t->mutable_service_location()->set_m_rid(site->service_location);
      }
      t->mutable_notification()->set_contact_type("phone");
      records.put("TroubleTickets", t->m_rid(), ObjectState::new_, *t, customer);
      Statement(tx, "UPDATE calls SET ticket = ?, at = CASE at WHEN 0 THEN ? ELSE at END WHERE id = ?").bind(1, t->m_rid()).bind(2, now).bind(3, id).run();
      out.push_back(Due{"TroubleTickets", V::create, t->m_rid(), std::make_unique<TroubleTickets>(std::move(tickets))});
    }
  }
  {  // Call-backs: the customer's power is back, the ticket is canceled.
    Statement calls(tx, "SELECT id, ticket FROM calls WHERE ticket IS NOT NULL AND cancel_after_ms > 0 AND cancel_state = ? "
                        "AND at + cancel_after_ms <= ? LIMIT 200");
    calls.bind(1, number_of(CancelState::not_yet)).bind(2, now);
    std::vector<std::pair<std::int64_t, std::string>> due_cancel;
    while (calls.step()) due_cancel.emplace_back(calls.number(0), calls.text(1));
    for (auto& [id, ticket] : due_cancel) {
      auto r = records.get("TroubleTickets", ticket);
      if (!r || r->state == ObjectState::new_ || r->state == ObjectState::sent) continue;  // not answered yet: later
      const bool open = r->state == ObjectState::accepted;
      Statement(tx, "UPDATE calls SET cancel_state = ? WHERE id = ?").bind(1, number_of(open ? CancelState::sent : CancelState::nothing_to_cancel)).bind(2, id).run();
      if (!open) continue;
      TroubleTickets tickets;
      tickets.add_trouble_ticket()->set_m_rid(ticket);
      out.push_back(Due{"TroubleTickets", V::cancel, ticket, std::make_unique<TroubleTickets>(std::move(tickets))});
    }
  }
  {  // New service needs: work for the WMS.
    Statement needs(tx, "SELECT id, noun, customer, kind FROM service_needs WHERE mrid IS NULL ORDER BY id LIMIT 200");
    std::vector<std::tuple<std::int64_t, std::string, std::string, std::string>> taken;
    while (needs.step()) taken.emplace_back(needs.number(0), needs.text(1), needs.text(2), needs.text(3));
    for (auto& [id, noun, customer, kind] : taken) {
      const std::string mrid = new_uuid();
      std::vector<std::unique_ptr<Message>> item;
      item.push_back(work_item(noun, mrid, kind, customer));
      records.put(noun, mrid, ObjectState::new_, *item.front(), customer);
      auto payload = reference::root_with(reference::noun_model(noun), item);
      Statement(tx, "UPDATE service_needs SET mrid = ?, at = CASE at WHEN 0 THEN ? ELSE at END WHERE id = ?").bind(1, mrid).bind(2, now).bind(3, id).run();
      out.push_back(Due{noun, V::create, mrid, std::move(payload)});
    }
  }
  {  // Service needs withdrawn by the customer.
    Statement needs(tx, "SELECT id, noun, mrid FROM service_needs WHERE mrid IS NOT NULL AND cancel_after_ms > 0 AND cancel_state = ? "
                        "AND at + cancel_after_ms <= ? LIMIT 200");
    needs.bind(1, number_of(CancelState::not_yet)).bind(2, now);
    std::vector<std::tuple<std::int64_t, std::string, std::string>> due_cancel;
    while (needs.step()) due_cancel.emplace_back(needs.number(0), needs.text(1), needs.text(2));
    for (auto& [id, noun, mrid] : due_cancel) {
      auto r = records.get(noun, mrid);
      if (!r || r->state == ObjectState::new_ || r->state == ObjectState::sent) continue;
      const bool open = r->state != ObjectState::refused && r->state != ObjectState::completed && r->state != ObjectState::closed &&
                        r->state != ObjectState::canceled;
      Statement(tx, "UPDATE service_needs SET cancel_state = ? WHERE id = ?")
          .bind(1, number_of(open ? CancelState::sent : CancelState::nothing_to_cancel))
          .bind(2, id)
          .run();
      if (!open) continue;
      std::vector<std::unique_ptr<Message>> item;
      item.push_back(work_item(noun, mrid, {}, {}));
      out.push_back(Due{noun, V::cancel, mrid, reference::root_with(reference::noun_model(noun), item)});
    }
  }
  return out;
}

void ReferenceCis::sent(store::Transaction& tx, const std::string& message_id, const Due& request) {
  Statement(tx, "INSERT INTO requests (message_id, noun, verb, mrid, sent_at) VALUES (?, ?, ?, ?, ?)")
      .bind(1, message_id)
      .bind(2, request.noun)
      .bind(3, to_literal(request.verb))
      .bind(4, request.mrid)
      .bind(5, epoch_ms())
      .run();
  Records records(tx);
  if (request.verb == V::create)
    if (auto r = records.get(request.noun, request.mrid); r && r->state == ObjectState::new_) {
      records.put(request.noun, request.mrid, ObjectState::sent, *reference::item_of(reference::noun_model(request.noun), *r));
    }
}

std::vector<std::string> ReferenceCis::answered(store::Transaction& tx, const std::string& message_id, const Envelope& reply) {
  Statement row(tx, "SELECT noun, verb, mrid FROM requests WHERE message_id = ? AND replied_at IS NULL");
  row.bind(1, message_id);
  if (!row.step()) return {};  // not ours, or answered before
  const std::string noun = row.text(0), verb = row.text(1), mrid = row.text(2);
  const bool ok = reply.message().reply().result() != msg::ReplyType_Result::FAILED;
  const std::string code = reply.message().reply().error_size() > 0 ? reply.message().reply().error(0).code() : std::string();
  Statement(tx, "UPDATE requests SET replied_at = ?, result = ? WHERE message_id = ?")
      .bind(1, epoch_ms())
      .bind(2, ok ? std::string("OK") : "FAILED " + code)
      .bind(3, message_id)
      .run();
  Records records(tx);
  auto r = records.get(noun, mrid);
  if (!r) return {};
  const std::unique_ptr<Message> item = reference::item_of(reference::noun_model(noun), *r);
  ObjectState state = r->state;
  if (verb == "create") {
    // Work may have moved on already (an event before the reply): only `sent` becomes accepted.
    if (!ok) state = ObjectState::refused;
    else if (noun == "TroubleTickets" || r->state == ObjectState::sent) state = ObjectState::accepted;
  } else if (verb == "cancel" && ok) {
    state = ObjectState::canceled;
  } else if (verb == "close" && ok) {
    state = ObjectState::closed;
  }
  if (noun == "TroubleTickets" && verb == "create" && ok) {
    // The OMS's answer names the incident the ticket joined.
    TroubleTickets answered;
    if (reply.payload_objects_size() > 0 && reply.payload_objects(0).UnpackTo(&answered) && answered.trouble_ticket_size() > 0) {
      records.put(noun, mrid, state, answered.trouble_ticket(0));
      // Replies and events come on different queues: the incident may have closed before this
      // reply arrived, when the ticket was not yet accepted and so was not closed with it.
      auto incident = records.get("Incidents", answered.trouble_ticket(0).incident().m_rid());
      if (incident && incident->state == ObjectState::closed) return {mrid};
      return {};
    }
  }
  records.put(noun, mrid, state, *item);
  return {};
}

std::vector<std::string> ReferenceCis::incident_published(store::Transaction& tx, const Incident& incident, Verb verb) {
  Records records(tx);
  const std::string& id = incident.m_rid();
  const std::string etr = incident.outage().estimated_period().end();
  Statement view(tx, "SELECT etr, dispatched FROM incident_view WHERE incident = ?");
  view.bind(1, id);
  std::string known_etr;
  bool dispatched_known = false;
  if (view.step()) {
    known_etr = view.text(0);
    dispatched_known = view.number(1) != 0;
  }
  const std::optional<ObjectState> status = object_state(incident.status().value());
  const bool dispatched = status == ObjectState::dispatched || status == ObjectState::enroute || status == ObjectState::on_site;
  std::string crew_eta;  // when the crew is expected (WorkTask.crewETA), told with informDispatched
  for (const auto& work : incident.works())
    for (const auto& task : work.work_tasks())
      if (crew_eta.empty() && !task.crew_eta().empty()) crew_eta = task.crew_eta();
  // The tickets' customers, the critical ones (life support) first: they are told first.
  std::vector<std::pair<std::string, reference::Record>> tickets;
  for (const auto& ref : incident.trouble_tickets())
    if (auto ticket = records.get("TroubleTickets", ref.m_rid())) tickets.emplace_back(ref.m_rid(), std::move(*ticket));
  std::stable_partition(tickets.begin(), tickets.end(), [this](const auto& t) {
    const std::optional<reference::Site> site = territory_.by_customer(t.second.key);
    return site && site->life_support;
  });
  std::vector<std::string> to_close;
  for (const auto& [ticket_mrid, record] : tickets) {
    const reference::Record* ticket = &record;
    const std::string& customer = ticket->key;
    if (verb == V::closed) {
      if (!notified(tx, id, customer, "powerRestored")) notify(tx, id, customer, "powerRestored", {});
      if (ticket->state == ObjectState::accepted) to_close.push_back(ticket_mrid);
      continue;
    }
    if (!etr.empty() && !notified(tx, id, customer, "initialEtr")) notify(tx, id, customer, "initialEtr", etr);
    else if (!etr.empty() && etr != known_etr && !known_etr.empty()) notify(tx, id, customer, "etrChange", etr);
    if (dispatched && !dispatched_known) notify(tx, id, customer, "informDispatched", crew_eta);
  }
  Statement(tx, "INSERT INTO incident_view (incident, etr, dispatched) VALUES (?, ?, ?) "
                "ON CONFLICT (incident) DO UPDATE SET etr = excluded.etr, "
                "dispatched = CASE WHEN excluded.dispatched > incident_view.dispatched THEN excluded.dispatched ELSE incident_view.dispatched END")
      .bind(1, id)
      .bind(2, etr)
      .bind(3, static_cast<std::int64_t>(dispatched ? 1 : 0))
      .run();
  records.put("Incidents", id, verb == V::closed ? ObjectState::closed : object_state_or_throw(incident.status().value()), incident);
  return to_close;
}

void ReferenceCis::work_published(store::Transaction& tx, const NounItem& work, Verb verb) {
  Records records(tx);
  const std::string mrid = reference::mrid_of(*work.item);
  auto r = records.get(work.noun, mrid);
  if (!r) return;  // work another system asked for
  const std::optional<ObjectState> state = verb == V::canceled ? ObjectState::canceled : object_state(work_status(*work.item));
  if (!state || r->state == ObjectState::closed || r->state == ObjectState::canceled) return;
  records.put(work.noun, mrid, *state, *work.item);
}

CustomerAgreement ReferenceCis::create_agreement(store::Transaction& tx, const CustomerAgreement& given) {
  Records records(tx);
  if (given.m_rid().empty()) throw Rejection(code::kPayloadElementsMissing, "a customer agreement without mRID");
  if (!territory_.by_customer(given.customer().m_rid()))
    throw Rejection(code::kInvalidCustomers, "unknown customer '" + given.customer().m_rid() + "' on agreement " + given.m_rid());
  if (agreement(records, given.m_rid())) throw Rejection(code::kCanceledPerBusinessRule, "customer agreement " + given.m_rid() + " exists already");
  CustomerAgreement a = given;
  a.mutable_status()->set_value(std::string(text_of(ObjectState::active)));
  a.mutable_status()->set_date_time(now_timestamp());
  records.put("CustomerAgreements", a.m_rid(), ObjectState::active, a, a.customer().m_rid());
  return a;
}

CustomerAgreement ReferenceCis::change_agreement(store::Transaction& tx, const CustomerAgreement& changed) {
  Records records(tx);
  auto r = agreement(records, changed.m_rid());
  if (!r) throw Rejection(code::kInvalidCustomerAgreements, "no customer agreement '" + changed.m_rid() + "'");
  if (r->state == ObjectState::terminated) throw Rejection(code::kCanceledPerBusinessRule, "customer agreement " + changed.m_rid() + " is terminated and cannot change");
  CustomerAgreement a = r->as<CustomerAgreement>();
  if (!changed.customer().m_rid().empty() && changed.customer().m_rid() != a.customer().m_rid())
    throw Rejection(code::kInvalidCustomers, "customer " + changed.customer().m_rid() + " does not hold agreement " + changed.m_rid());
  if (changed.has_load_mgmt()) a.set_load_mgmt(changed.load_mgmt());
  if (changed.pricing_structures_size() > 0) *a.mutable_pricing_structures() = changed.pricing_structures();
  if (changed.names_size() > 0) *a.mutable_names() = changed.names();
  if (changed.has_validity_interval()) *a.mutable_validity_interval() = changed.validity_interval();
  records.put("CustomerAgreements", a.m_rid(), r->state, a, r->key);
  return a;
}

CustomerAgreement ReferenceCis::cancel_agreement(store::Transaction& tx, const std::string& mrid) {
  Records records(tx);
  auto r = agreement(records, mrid);
  if (!r) throw Rejection(code::kInvalidCustomerAgreements, "no customer agreement '" + mrid + "'");
  CustomerAgreement a = r->as<CustomerAgreement>();
  if (r->state == ObjectState::terminated) return a;
  a.mutable_status()->set_value(std::string(text_of(ObjectState::terminated)));
  a.mutable_status()->set_date_time(now_timestamp());
  records.put("CustomerAgreements", mrid, ObjectState::terminated, a, r->key);
  return a;
}

std::vector<reference::StateTable> ReferenceCis::state_tables() {
  std::vector<reference::StateTable> tables = reference::record_tables("CustomerAgreements");
  tables.push_back({"calls", {"id", "customer", "ticket"}, "SELECT id, customer, ticket FROM calls", {}});
  tables.push_back({"service_needs", {"id", "noun", "mrid"}, "SELECT id, noun, mrid FROM service_needs", {}});
  tables.push_back({"requests", {"message_id", "noun", "verb", "mrid", "sent_at", "replied_at", "result"},
                    "SELECT message_id, noun, verb, mrid, sent_at, replied_at, result FROM requests", {}});
  tables.push_back({"notifications", {"id", "incident", "customer", "trigger_kind"},
                    "SELECT id, incident, customer, trigger_kind FROM notifications", {}});
  return tables;
}

}  // namespace cimbus::cis
