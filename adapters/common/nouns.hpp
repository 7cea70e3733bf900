#pragma once
// The seven nouns the reference systems keep, seen generically: each payload is a root (e.g.
// TroubleTickets) holding a list of items (TroubleTicket), and each Get<Noun> query names items by
// mRID in a field of the same singular name. With these, one get handler serves every noun.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "cimbus/runtime/context.hpp"
#include "records.hpp"

namespace cimbus::reference {

struct NounModel {
  std::string noun;                       // TroubleTickets
  const google::protobuf::Message* root;  // the payload root's default instance
  std::string item_field;                 // trouble_ticket
};

// Throws std::invalid_argument for a noun the reference systems do not keep.
const NounModel& noun_model(const std::string& noun);

// A new, empty list item of the noun (a TroubleTicket for TroubleTickets).
std::unique_ptr<google::protobuf::Message> new_item(const NounModel& model);
// The item a record keeps.
std::unique_ptr<google::protobuf::Message> item_of(const NounModel& model, const Record& record);
// The items of the message's typed payloads of this noun.
std::vector<std::unique_ptr<google::protobuf::Message>> items_in(const adapter::Context& c, const NounModel& model);
// A payload root holding `items`, or `records`' items.
std::unique_ptr<google::protobuf::Message> root_with(const NounModel& model,
                                                     const std::vector<std::unique_ptr<google::protobuf::Message>>& items);
std::unique_ptr<google::protobuf::Message> root_of(const NounModel& model, const std::vector<Record>& records);

// What a Get<Noun> asks for: the items named by Request/ID, Payload/ID or the query's mRIDs
// (without repeats); else those whose key (the customer) the query's Customer names; else all;
// either of the last two only in the state its status filter names, if any.
struct GetQuery {
  std::vector<std::string> ids;
  std::vector<std::string> customers;
  std::optional<ObjectState> state;
  bool impossible_state = false;  // a status no object can be in: finds nothing (not everything)
};
GetQuery get_query(const adapter::Context& c, const NounModel& model);
// The records of `noun` the query finds.
std::vector<Record> find(const Records& records, const std::string& noun, const GetQuery& query);
// Answers with the items of `found` (nothing found: an answer without payload). Paging is the
// runtime's (page_size).
void answer_with(adapter::Context& c, const NounModel& model, const std::vector<Record>& found);
// Answers a get for `noun` from `records`: answer_with(find(get_query)).
void answer_get(adapter::Context& c, const std::string& noun, const Records& records);

}  // namespace cimbus::reference
