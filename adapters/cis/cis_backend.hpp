#pragma once
// What the CIS adapter needs from a customer information system. The CIS is where customer
// contacts enter (outage calls, service needs); the adapter asks the backend what is due to be
// sent, reports the answers, and passes on what the OMS and WMS publish. It also owns the
// customer agreements that third parties read and change. Calls run inside the message's
// transaction (`tx`, as in OmsBackend); refusals are adapter::Rejection (2.22 unknown customer,
// 2.24 invalid agreement, 6.1 a business rule).

#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "cimbus/customer/customer_agreements.pb.h"
#include "cimbus/customer/incidents.pb.h"
#include "cimbus/envelope.pb.h"
#include "cimbus/codec/verb.hpp"
#include "cimbus/store/transaction.hpp"
#include "noun_item.hpp"
#include "nouns.hpp"

namespace cimbus::cis {

using customer::customer_agreements::CustomerAgreement;
using customer::incidents::Incident;

class CisBackend {
 public:
  virtual ~CisBackend() = default;

  virtual void prepare(store::Transaction& tx) = 0;

  // A request the CIS must send now (a new ticket, a cancellation, a new service order ...).
  struct Due {
    std::string noun;
    Verb verb;
    std::string mrid;                                   // the object it is about
    std::unique_ptr<google::protobuf::Message> payload; // the noun's payload root
  };
  // What became due since the last call; the backend notes it as sent.
  virtual std::vector<Due> due(store::Transaction& tx) = 0;
  // The request about `mrid` was sent with MessageID `message_id` (for the answer).
  virtual void sent(store::Transaction& tx, const std::string& message_id, const Due& request) = 0;
  // The final answer to a request this CIS sent (its CorrelationID is the request's MessageID);
  // returns the tickets the CIS now closes (their incident closed before the answer came).
  virtual std::vector<std::string> answered(store::Transaction& tx, const std::string& message_id, const Envelope& reply) = 0;

  // The OMS published an incident; returns the tickets the CIS now closes (when it is closed).
  virtual std::vector<std::string> incident_published(store::Transaction& tx, const Incident& incident, Verb verb) = 0;
  // The WMS published a status change of work the CIS asked for.
  virtual void work_published(store::Transaction& tx, const reference::NounItem& work, Verb verb) = 0;

  // Customer agreements, owned here: those a Get asks for (reference::GetQuery), and changes.
  virtual std::vector<reference::Record> find_agreements(store::Transaction& tx, const reference::GetQuery& query) = 0;
  virtual CustomerAgreement create_agreement(store::Transaction& tx, const CustomerAgreement& agreement) = 0;
  virtual CustomerAgreement change_agreement(store::Transaction& tx, const CustomerAgreement& agreement) = 0;
  virtual CustomerAgreement cancel_agreement(store::Transaction& tx, const std::string& mrid) = 0;
};

}  // namespace cimbus::cis
