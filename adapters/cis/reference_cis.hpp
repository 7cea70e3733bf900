#pragma once
// The embedded reference CIS. Its users' input arrives in two intake tables of the adapter's file
// (written through POST /reference/intake, intake_route.hpp, as the storm does):
//
//   calls (customer, cancel_after_ms)           an outage call: a ticket for the OMS; canceled
//                                               after cancel_after_ms when not 0 (a call-back)
//   service_needs (noun, customer, kind, cancel_after_ms)
//                                               ServiceOrders | ServiceRequests | WorkRequests
//                                               for the WMS; kind is a WorkKind (connect, ...)
//
// It keeps its tickets and the work it asked for in records (common/records.hpp), the
// customer notifications it made (initialEtr, etrChange, informDispatched, powerRestored) in
// `notifications`. Every customer of the territory holds an agreement: it is derived from the
// territory until someone changes it, and only then kept in a record, so that a territory of
// millions of customers takes no rows and no time at start-up.

#include <map>
#include <optional>
#include <string>

#include "cis_backend.hpp"
#include "state_route.hpp"
#include "territory.hpp"

namespace cimbus::cis {

class ReferenceCis : public CisBackend {
 public:
  explicit ReferenceCis(const std::map<std::string, std::string>& settings);

  void prepare(store::Transaction& tx) override;
  std::vector<Due> due(store::Transaction& tx) override;
  void sent(store::Transaction& tx, const std::string& message_id, const Due& request) override;
  std::vector<std::string> answered(store::Transaction& tx, const std::string& message_id, const Envelope& reply) override;
  std::vector<std::string> incident_published(store::Transaction& tx, const Incident& incident, Verb verb) override;
  void work_published(store::Transaction& tx, const reference::NounItem& work, Verb verb) override;
  std::vector<reference::Record> find_agreements(store::Transaction& tx, const reference::GetQuery& query) override;
  CustomerAgreement create_agreement(store::Transaction& tx, const CustomerAgreement& agreement) override;
  CustomerAgreement change_agreement(store::Transaction& tx, const CustomerAgreement& agreement) override;
  CustomerAgreement cancel_agreement(store::Transaction& tx, const std::string& mrid) override;

  // Its read API (state_route.hpp): the records of its requests (not the agreements), the intake
  // tables with what became of each row, its request log and its customer notifications.
  static std::vector<reference::StateTable> state_tables();

 private:
  // The agreement of a site as the territory gives it (active, residential, from 2020).
  reference::Record territory_agreement(const reference::Site& site) const;
  // The agreement kept, else the territory's, else nothing.
  std::optional<reference::Record> agreement(const reference::Records& records, const std::string& mrid) const;

  reference::Territory territory_;
};

}  // namespace cimbus::cis
