#include "portal.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "cimbus/customer/customer_agreements.pb.h"
#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/codec/uuid.hpp"
#include "cimbus/runtime/rejection.hpp"
#include "messages.hpp"

namespace cimbus::storm {

namespace {

using V = msg::HeaderType_Verb;
using customer::customer_agreements::CustomerAgreements;

std::string code_of(const Envelope& response) {
  const auto& reply = response.message().reply();
  if (reply.result() == msg::ReplyType_Result::OK) return "OK";
  if (reply.result() == msg::ReplyType_Result::PARTIAL) return "PARTIAL";
  return reply.error_size() > 0 ? reply.error(0).code() : "FAILED";
}

config::Connector cis_services(const std::string& endpoint) {
  config::Connector c;
  c.set_kind("web_services");
  c.set_url(endpoint);
  c.set_timeout_ms(60000);  // the CIS may be slow during the storm; a portal waits
  c.set_soap_version("1.1");
  return c;
}

}  // namespace

Portal::Portal(const std::string& cis, std::vector<AgreementRequest> plan)
    : cis_(std::make_unique<web_services::WebServiceClient>(cis_services(cis), SchemaRegistry::builtin(), ValidationPolicy::strict)) {
  for (AgreementRequest& r : plan) pending_.push_back(Pending{std::move(r), Pending::Step::waiting, {}, {}});
}

Portal::~Portal() { stop(); }

void Portal::stop() {
  for (Pending& p : pending_)
    if (p.reply.valid()) p.reply.wait();
}

std::size_t Portal::planned() const {
  std::size_t n = 0;
  for (const Pending& p : pending_) n += p.plan.terminate_first ? 2 : 1;
  return n;
}

Envelope Portal::build(const AgreementRequest& request) {
  const std::string noun = "CustomerAgreements";
  if (request.verb == V::get) return reference::make_get(noun, nullptr, request.agreements);
  auto payload = [&](std::size_t i) {
    CustomerAgreements agreements;
    auto* a = agreements.add_customer_agreement();
    a->set_m_rid(request.agreements.at(i));
    if (request.verb != V::cancel) {
      a->mutable_customer()->set_m_rid(request.holders.at(i));
      a->set_load_mgmt("portal change " + std::to_string(++changes_));
    }
    return agreements;
  };
  if (request.verb != V::execute) {
    const CustomerAgreements p = payload(0);
    return reference::make_message(noun, request.verb, &p);
  }
  // Several changes, all or nothing.
  Envelope e;
  e.mutable_message()->mutable_header()->set_verb(V::execute);
  e.mutable_message()->mutable_header()->set_noun(noun + "OperationSet");
  auto* set = e.mutable_message()->mutable_payload()->mutable_operation_set();
  set->set_enforce_msg_sequence(true);
  set->set_enforce_transactional_integrity(true);
  for (std::size_t i = 0; i < request.agreements.size(); ++i) {
    google::protobuf::Any any;
    any.PackFrom(payload(i));
    auto* op = set->add_operation();
    op->set_operation_id(static_cast<std::int64_t>(i + 1));
    op->set_noun(noun);
    op->set_verb("change");
    op->set_any(codec_.encode_object(any));
  }
  return e;
}

// A call the CIS did not answer (it is restarting: the crash drill), or answered with a Fault of
// 5.x codes (not processed: its store fails), is made again with the same MessageID, as a careful
// client does: the CIS's inbox answers a repeat with the first reply.
void Portal::send(Pending& p, const AgreementRequest& request) {
  Envelope message = build(request);
  message.mutable_message()->mutable_header()->set_message_id(new_uuid());
  p.reply = std::async(std::launch::async, [this, message = std::move(message)] {
    const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    for (;;) {
      Envelope response;
      try {
        cis_->call(message, response);
        return response;
      } catch (const adapter::Rejection& r) {  // a SOAP Fault with its codes
        // 5.x: not processed (the CIS's store fails, say): tried again, as a careful client does.
        const bool not_processed = std::all_of(r.errors().begin(), r.errors().end(), [](const Diagnostic& d) { return d.code.rfind("5.", 0) == 0; });
        if (not_processed && !r.errors().empty() && std::chrono::steady_clock::now() < give_up_at) {
          std::this_thread::sleep_for(std::chrono::milliseconds(250));
          continue;
        }
        response.mutable_message()->mutable_reply()->set_result(msg::ReplyType_Result::FAILED);
        for (const auto& d : r.errors()) *response.mutable_message()->mutable_reply()->add_error() = to_error(d);
        return response;
      } catch (const std::exception&) {
        if (std::chrono::steady_clock::now() >= give_up_at) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      }
    }
  });
  p.sent_at = std::chrono::steady_clock::now();
}

void Portal::take(Pending& p, const std::string& what, const std::string& expected) {
  Outcome o;
  o.what = what;
  o.expected = expected;
  try {
    const Envelope response = p.reply.get();
    o.got = code_of(response);
    if (o.got != expected)
      for (const auto& e : response.message().reply().error()) o.reasons += (o.reasons.empty() ? "" : "; ") + e.code() + " " + e.reason();
  } catch (const std::exception& e) {
    o.got = std::string("no answer: ") + e.what();
  }
  o.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - p.sent_at).count();
  outcomes_.push_back(o);
}

void Portal::tick(std::int64_t elapsed_ms) {
  auto ready = [](Pending& p) { return p.reply.valid() && p.reply.wait_for(std::chrono::seconds(0)) == std::future_status::ready; };
  for (Pending& p : pending_) {
    switch (p.step) {
      case Pending::Step::waiting:
        if (p.plan.at_ms > elapsed_ms) break;
        if (p.plan.terminate_first) {
          AgreementRequest cancel = p.plan;
          cancel.verb = V::cancel;
          send(p, cancel);
          p.step = Pending::Step::terminating;
        } else {
          send(p, p.plan);
          p.step = Pending::Step::sent;
        }
        break;
      case Pending::Step::terminating:
        if (!ready(p)) break;
        take(p, "cancel", "OK");
        send(p, p.plan);  // only now: the change must find the agreement terminated
        p.step = Pending::Step::sent;
        break;
      case Pending::Step::sent:
        if (!ready(p)) break;
        take(p, p.plan.what, p.plan.expected);
        p.step = Pending::Step::done;
        break;
      case Pending::Step::done:
        break;
    }
  }
}

}  // namespace cimbus::storm
