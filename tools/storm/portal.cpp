#include "portal.hpp"

#include <stdexcept>

#include "cimbus/customer/customer_agreements.pb.h"
#include "messages.hpp"

namespace cimbus::storm {

namespace {

using V = msg::HeaderType_Verb;
using customer::customer_agreements::CustomerAgreements;

std::string code_of(const adapter::Replies& r) {
  const auto& reply = r.last().message().reply();
  if (reply.result() == msg::ReplyType_Result::OK) return "OK";
  if (reply.result() == msg::ReplyType_Result::PARTIAL) return "PARTIAL";
  return reply.error_size() > 0 ? reply.error(0).code() : "FAILED";
}

}  // namespace

Portal::Portal(adapter::AdapterOptions options, std::vector<AgreementRequest> plan) : adapter_(std::move(options)) {
  for (AgreementRequest& r : plan) pending_.push_back(Pending{std::move(r), Pending::Step::waiting, {}, {}});
}

Portal::~Portal() { stop(); }

void Portal::start() {
  adapter_.start();
  if (!adapter_.wait_ready(std::chrono::seconds(60))) throw std::runtime_error("portal: the broker's queues are not reachable");
}

void Portal::stop() { adapter_.stop(); }

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

void Portal::send(Pending& p, const AgreementRequest& request) {
  p.reply = adapter_.request(build(request));
  p.sent_at = std::chrono::steady_clock::now();
}

void Portal::take(Pending& p, const std::string& what, const std::string& expected) {
  Outcome o;
  o.what = what;
  o.expected = expected;
  try {
    const adapter::Replies replies = p.reply.get();
    o.got = code_of(replies);
    if (o.got != expected)
      for (const auto& e : replies.last().message().reply().error()) o.reasons += (o.reasons.empty() ? "" : "; ") + e.code() + " " + e.reason();
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
