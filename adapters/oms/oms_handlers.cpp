// The OMS adapter's handlers and periodic work (oms_handlers.hpp).
#include <memory>

#include "cimbus/customer/trouble_tickets.pb.h"
#include "cimbus/codec/error_code.hpp"
#include "messages.hpp"
#include "nouns.hpp"
#include "records.hpp"
#include "oms_handlers.hpp"

namespace cimbus::oms {

namespace {

using adapter::Context;
using adapter::Rejection;
using customer::incidents::Incidents;
using customer::trouble_tickets::TroubleTickets;
using reference::publish;
using reference::Records;
using V = msg::HeaderType_Verb;

void publish_incident(Context& c, const oms::Incident& incident, Verb verb) {
  Incidents incidents;
  *incidents.add_incident() = incident;
  publish(c, "Incidents", verb, incidents);
}

TroubleTickets tickets_of(Context& c) {
  auto tickets = c.payload<TroubleTickets>();
  if (tickets && tickets->trouble_ticket_size() > 0) return *tickets;
  // A cancel or close may name the tickets by ID only.
  TroubleTickets named;
  for (const auto& id : reference::named_ids(c)) named.add_trouble_ticket()->set_m_rid(id);
  if (named.trouble_ticket_size() == 0) throw Rejection(code::kPayloadElementsMissing, "no TroubleTickets in the payload and no ID naming one");
  return named;
}

}  // namespace

void install_handlers(adapter::Adapter& adapter, std::shared_ptr<OmsBackend> backend) {
  adapter::Adapter& a = adapter;
  a.prepare_store([backend](store::Transaction& tx) { backend->prepare(tx); });

  a.on("TroubleTickets", V::create, [backend](Context& c) {
    TroubleTickets recorded;
    const auto given = tickets_of(c);
    for (const auto& t : given.trouble_ticket()) {
      OmsBackend::Grouped g = backend->take_ticket(c.tx(), t);
      *recorded.add_trouble_ticket() = g.ticket;
      c.add_reply_id(g.ticket.m_rid());
      publish_incident(c, g.incident, g.new_incident ? V::created : V::changed);
      if (g.crew_work) {
        work::maintenance_orders::MaintenanceOrders orders;
        *orders.add_maintenance_order() = *g.crew_work;
        reference::request(c, "MaintenanceOrders", V::create, orders);
      }
    }
    c.add_payload(recorded);
    publish(c, "TroubleTickets", V::created, recorded);
  });

  a.on("TroubleTickets", V::change, [backend](Context& c) {
    TroubleTickets changed;
    const auto given = tickets_of(c);
    for (const auto& t : given.trouble_ticket()) *changed.add_trouble_ticket() = backend->change_ticket(c.tx(), t);
    c.add_payload(changed);
    publish(c, "TroubleTickets", V::changed, changed);
  });

  a.on("TroubleTickets", V::cancel, [backend](Context& c) {
    TroubleTickets canceled;
    const auto given = tickets_of(c);
    for (const auto& t : given.trouble_ticket()) {
      auto [ticket, incident] = backend->cancel_ticket(c.tx(), t.m_rid());
      *canceled.add_trouble_ticket() = ticket;
      if (incident) publish_incident(c, *incident, V::changed);
    }
    c.add_payload(canceled);
    publish(c, "TroubleTickets", V::canceled, canceled);
  });

  a.on("TroubleTickets", V::close, [backend](Context& c) {
    TroubleTickets closed;
    const auto given = tickets_of(c);
    for (const auto& t : given.trouble_ticket()) *closed.add_trouble_ticket() = backend->close_ticket(c.tx(), t.m_rid());
    c.add_payload(closed);
    publish(c, "TroubleTickets", V::closed, closed);
  });

  for (const char* noun : {"TroubleTickets", "Incidents"})
    a.on(noun, V::get, [noun](Context& c) {
      reference::answer_get(c, noun, Records(c.tx()));
    });

  // The WMS's answer to a crew request: a refusal leaves the incident without a crew, loudly.
  // It changes no state: the crew's progress comes from the WMS's events alone, so a reply that
  // arrives after them (replies and events come on different queues, unordered) cannot undo
  // them, unlike the CIS's ticket replies once did (issue 14).
  a.on_reply("MaintenanceOrders", [&log = adapter.log()](Context& c) {
    const auto& reply = c.message().message().reply();
    if (reply.result() == msg::ReplyType_Result::FAILED)
      log.error("the WMS refused crew work " + c.header().correlation_id() + ": " +
                 (reply.error_size() > 0 ? reply.error(0).code() + " " + reply.error(0).reason() : std::string("no reason")));
  });

  for (Verb verb : {V::created, V::changed, V::closed, V::canceled})
    a.on_event("MaintenanceOrders", verb, [backend](Context& c) {
      auto orders = c.payload<work::maintenance_orders::MaintenanceOrders>();
      if (!orders) return;
      for (const auto& order : orders->maintenance_order()) {
        auto progress = backend->crew_progress(c.tx(), order);
        if (!progress) continue;
        publish_incident(c, progress->incident, progress->restored ? V::closed : V::changed);
      }
    });
}

}  // namespace cimbus::oms
