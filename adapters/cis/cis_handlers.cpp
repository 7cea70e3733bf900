// The CIS adapter's handlers and periodic work (cis_handlers.hpp).
#include <memory>

#include "cimbus/customer/customer_agreements.pb.h"
#include "cimbus/customer/trouble_tickets.pb.h"
#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/reply_builder.hpp"
#include "messages.hpp"
#include "nouns.hpp"
#include "records.hpp"
#include "cis_handlers.hpp"

namespace cimbus::cis {

namespace {

using adapter::Context;
using adapter::Rejection;
using customer::customer_agreements::CustomerAgreements;
using google::protobuf::Message;
using reference::Records;
using V = msg::HeaderType_Verb;

const char* const kWork[] = {"ServiceOrders", "ServiceRequests", "WorkRequests"};

void send(Context& c, CisBackend& backend, const CisBackend::Due& due) {
  backend.sent(c.tx(), reference::request(c, due.noun, due.verb, *due.payload), due);
}

// Power is back: the CIS closes its tickets at the OMS.
void close_ticket(Context& c, CisBackend& backend, const std::string& ticket) {
  auto payload = std::make_unique<customer::trouble_tickets::TroubleTickets>();
  payload->add_trouble_ticket()->set_m_rid(ticket);
  send(c, backend, CisBackend::Due{"TroubleTickets", V::close, ticket, std::move(payload)});
}

CustomerAgreements agreements_of(Context& c) {
  auto agreements = c.payload<CustomerAgreements>();
  if (agreements && agreements->customer_agreement_size() > 0) return *agreements;
  CustomerAgreements named;
  for (const auto& id : reference::named_ids(c)) named.add_customer_agreement()->set_m_rid(id);
  if (named.customer_agreement_size() == 0) throw Rejection(code::kPayloadElementsMissing, "no CustomerAgreements in the payload and no ID naming one");
  return named;
}

}  // namespace

void install_handlers(adapter::Adapter& adapter, std::shared_ptr<CisBackend> backend) {
  adapter::Adapter& a = adapter;
  a.prepare_store([backend](store::Transaction& tx) { backend->prepare(tx); });

  // Answers to what the CIS asked (acknowledgements and partial pages are not the answer).
  for (const char* noun : {"TroubleTickets", "ServiceOrders", "ServiceRequests", "WorkRequests"})
    a.on_reply(noun, [backend](Context& c) {
      if (is_interim_reply(c.message())) return;
      for (const std::string& ticket : backend->answered(c.tx(), c.header().correlation_id(), c.message())) close_ticket(c, *backend, ticket);
    });

  for (Verb verb : {V::created, V::changed, V::closed})
    a.on_event("Incidents", verb, [backend](Context& c) {
      auto incidents = c.payload<customer::incidents::Incidents>();
      if (!incidents) return;
      for (const auto& incident : incidents->incident())
        for (const std::string& ticket : backend->incident_published(c.tx(), incident, c.verb())) close_ticket(c, *backend, ticket);
    });

  for (Verb verb : {V::created, V::changed, V::closed, V::canceled})
    a.on_event("TroubleTickets", verb, [](Context&) {});

  for (const char* noun : kWork)
    for (Verb verb : {V::created, V::changed, V::closed, V::canceled})
      a.on_event(noun, verb, [backend, &model = reference::noun_model(noun)](Context& c) {
        for (auto& item : reference::items_in(c, model)) backend->work_published(c.tx(), {model.noun, std::move(item)}, c.verb());
      });

  a.on("CustomerAgreements", V::create, [backend](Context& c) {
    CustomerAgreements created;
    const auto given = agreements_of(c);
    for (const auto& agreement : given.customer_agreement()) *created.add_customer_agreement() = backend->create_agreement(c.tx(), agreement);
    for (const auto& agreement : created.customer_agreement()) c.add_reply_id(agreement.m_rid());
    c.add_payload(created);
    reference::publish(c, "CustomerAgreements", V::created, created);
  });
  a.on("CustomerAgreements", V::change, [backend](Context& c) {
    CustomerAgreements changed;
    const auto given = agreements_of(c);
    for (const auto& agreement : given.customer_agreement()) *changed.add_customer_agreement() = backend->change_agreement(c.tx(), agreement);
    c.add_payload(changed);
    reference::publish(c, "CustomerAgreements", V::changed, changed);
  });
  a.on("CustomerAgreements", V::cancel, [backend](Context& c) {
    CustomerAgreements canceled;
    const auto given = agreements_of(c);
    for (const auto& agreement : given.customer_agreement())
      *canceled.add_customer_agreement() = backend->cancel_agreement(c.tx(), agreement.m_rid());
    c.add_payload(canceled);
    reference::publish(c, "CustomerAgreements", V::canceled, canceled);
  });
  // Gets of the nouns the OMS and WMS own go to them; the CIS answers for what it owns.
  a.on("CustomerAgreements", V::get, [backend, &model = reference::noun_model("CustomerAgreements")](Context& c) {
    reference::answer_with(c, model, backend->find_agreements(c.tx(), reference::get_query(c, model)));
  });

  // What the CIS's users entered since the last look: sent now, in one transaction with the note.
  adapter.every(std::chrono::milliseconds(50), [backend](Context& c) {
    for (const auto& due : backend->due(c.tx())) send(c, *backend, due);
  });
}

}  // namespace cimbus::cis
