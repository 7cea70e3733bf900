#pragma once
// The embedded reference CIS. Its users' input arrives in two intake tables of the adapter's file
// (written by the storm, or by anyone with sqlite3):
//
//   calls (customer, cancel_after_ms)           an outage call: a ticket for the OMS; canceled
//                                               after cancel_after_ms when not 0 (a call-back)
//   service_needs (noun, customer, kind, cancel_after_ms)
//                                               ServiceOrders | ServiceRequests | WorkRequests
//                                               for the WMS; kind is a WorkKind (connect, ...)
//
// It keeps its tickets and the work it asked for in records (common/records.hpp), the
// customer notifications it made (initialEtr, etrChange, informDispatched, powerRestored) in
// `notifications`, and one agreement per customer of the territory.

#include <map>
#include <string>

#include "cis_backend.hpp"
#include "territory.hpp"

namespace cimbus::cis {

class ReferenceCis : public CisBackend {
 public:
  explicit ReferenceCis(const std::map<std::string, std::string>& settings);

  void prepare(sqlite3* db) override;
  std::vector<Due> due(sqlite3* db) override;
  void sent(sqlite3* db, const std::string& message_id, const Due& request) override;
  std::vector<std::string> answered(sqlite3* db, const std::string& message_id, const Envelope& reply) override;
  std::vector<std::string> incident_published(sqlite3* db, const Incident& incident, Verb verb) override;
  void work_published(sqlite3* db, const std::string& noun, const google::protobuf::Message& item, Verb verb) override;
  CustomerAgreement create_agreement(sqlite3* db, const CustomerAgreement& agreement) override;
  CustomerAgreement change_agreement(sqlite3* db, const CustomerAgreement& agreement) override;
  CustomerAgreement cancel_agreement(sqlite3* db, const std::string& mrid) override;

 private:
  reference::Territory territory_;
};

}  // namespace cimbus::cis
