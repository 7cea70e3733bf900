#pragma once
// The reference systems' storage, in the adapter's own SQLite file and inside the handler's
// transaction: one row per business object (a ticket, an incident, a work order ...) with its
// current state and its CIM content (the payload item, protobuf binary), every state change in
// a journal. The journal is what the storm's conservation check reads (through the read API,
// state_route.hpp): each object must reach its final state exactly once.
//
//   Records records(c.tx());
//   records.put("TroubleTickets", ticket.m_rid(), ObjectState::assigned, ticket);
//   if (auto r = records.get("TroubleTickets", mrid)) { r->state; r->as<TroubleTicket>(); }

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "cimbus/store/transaction.hpp"
#include "object_state.hpp"

namespace cimbus::reference {

struct Record {
  std::string noun;
  std::string mrid;
  ObjectState state = ObjectState::new_;
  std::string key;       // a secondary key of the owning system (e.g. the incident's transformer)
  std::string data;      // the CIM item, protobuf binary
  std::int64_t updated_ms = 0;

  template <class T>
  T as() const {
    T item;
    item.ParseFromString(data);
    return item;
  }
};

class Records {
 public:
  explicit Records(store::Transaction& tx) : tx_(tx) {}

  // Creates the tables (prepare_store).
  static void prepare(store::Transaction& tx);

  std::optional<Record> get(const std::string& noun, const std::string& mrid) const;
  // Creates or replaces the object; a new state is written to the journal.
  void put(const std::string& noun, const std::string& mrid, ObjectState state, const google::protobuf::Message& item,
           const std::string& key = {});
  // The most objects a list gives by default (a get of everything answers with no more).
  static constexpr std::size_t kMostListed = 100000;
  // Objects of `noun`, optionally only in `state` or with `key`, oldest change first.
  std::vector<Record> list(const std::string& noun, std::optional<ObjectState> state = std::nullopt, const std::string& key = {},
                           std::size_t limit = kMostListed) const;
  // Objects of `noun` with `key` that are not in `ended` (their final states).
  std::vector<Record> open_with_key(const std::string& noun, const std::string& key, const std::vector<ObjectState>& ended) const;

 private:
  store::Transaction& tx_;
};

}  // namespace cimbus::reference
