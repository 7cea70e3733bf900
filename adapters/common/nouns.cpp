#include "nouns.hpp"

#include <map>
#include <set>
#include <stdexcept>

#include "cimbus/customer/customer_agreements.pb.h"
#include "cimbus/customer/incidents.pb.h"
#include "cimbus/customer/service_requests.pb.h"
#include "cimbus/customer/trouble_tickets.pb.h"
#include "cimbus/work/maintenance_orders.pb.h"
#include "cimbus/work/service_orders.pb.h"
#include "cimbus/work/work_requests.pb.h"
#include "messages.hpp"

namespace cimbus::reference {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The string `name` of `m`, if it has such a field.
std::string string_field(const Message& m, const char* name) {
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(name);
  if (f == nullptr || f->type() != FieldDescriptor::TYPE_STRING || f->is_repeated()) return {};
  return m.GetReflection()->GetString(m, f);
}

// The values of `field` (repeated message) of `query`: their m_rid, and a status/value if any.
void collect(const Message& query, const char* field, std::vector<std::string>* mrids, std::string* status) {
  const FieldDescriptor* f = query.GetDescriptor()->FindFieldByName(field);
  if (f == nullptr || f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || !f->is_repeated()) return;
  const auto* r = query.GetReflection();
  for (int i = 0; i < r->FieldSize(query, f); ++i) {
    const Message& filter = r->GetRepeatedMessage(query, f, i);
    if (std::string id = string_field(filter, "m_rid"); !id.empty()) mrids->push_back(id);
    const FieldDescriptor* s = filter.GetDescriptor()->FindFieldByName("status");
    if (status != nullptr && s != nullptr && s->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !s->is_repeated() &&
        filter.GetReflection()->HasField(filter, s))
      *status = string_field(filter.GetReflection()->GetMessage(filter, s), "value");
  }
}

}  // namespace

const NounModel& noun_model(const std::string& noun) {
  static const std::map<std::string, NounModel> models = {
      {"TroubleTickets", {"TroubleTickets", &customer::trouble_tickets::TroubleTickets::default_instance(), "trouble_ticket"}},
      {"Incidents", {"Incidents", &customer::incidents::Incidents::default_instance(), "incident"}},
      {"ServiceRequests", {"ServiceRequests", &customer::service_requests::ServiceRequests::default_instance(), "service_request"}},
      {"CustomerAgreements",
       {"CustomerAgreements", &customer::customer_agreements::CustomerAgreements::default_instance(), "customer_agreement"}},
      {"WorkRequests", {"WorkRequests", &work::work_requests::WorkRequests::default_instance(), "work_request"}},
      {"MaintenanceOrders", {"MaintenanceOrders", &work::maintenance_orders::MaintenanceOrders::default_instance(), "maintenance_order"}},
      {"ServiceOrders", {"ServiceOrders", &work::service_orders::ServiceOrders::default_instance(), "service_order"}},
  };
  auto it = models.find(noun);
  if (it == models.end()) throw std::invalid_argument(noun + " is not kept by the reference systems");
  return it->second;
}

std::unique_ptr<Message> new_item(const NounModel& model) {
  const FieldDescriptor* list = model.root->GetDescriptor()->FindFieldByName(model.item_field);
  return std::unique_ptr<Message>(model.root->GetReflection()->GetMessageFactory()->GetPrototype(list->message_type())->New());
}

std::unique_ptr<Message> item_of(const NounModel& model, const Record& record) {
  std::unique_ptr<Message> item = new_item(model);
  item->ParseFromString(record.data);
  return item;
}

std::vector<std::unique_ptr<Message>> items_in(const adapter::Context& c, const NounModel& model) {
  std::unique_ptr<Message> root(model.root->New());
  const FieldDescriptor* list = root->GetDescriptor()->FindFieldByName(model.item_field);
  std::vector<std::unique_ptr<Message>> out;
  for (const auto& any : c.message().payload_objects()) {
    if (!any.UnpackTo(root.get())) continue;
    for (int i = 0; i < root->GetReflection()->FieldSize(*root, list); ++i) {
      std::unique_ptr<Message> item = new_item(model);
      item->CopyFrom(root->GetReflection()->GetRepeatedMessage(*root, list, i));
      out.push_back(std::move(item));
    }
  }
  return out;
}

std::unique_ptr<Message> root_with(const NounModel& model, const std::vector<std::unique_ptr<Message>>& items) {
  std::unique_ptr<Message> root(model.root->New());
  const FieldDescriptor* list = root->GetDescriptor()->FindFieldByName(model.item_field);
  for (const auto& item : items) root->GetReflection()->AddMessage(root.get(), list)->CopyFrom(*item);
  return root;
}

std::unique_ptr<Message> root_of(const NounModel& model, const std::vector<Record>& records) {
  std::unique_ptr<Message> root(model.root->New());
  const FieldDescriptor* list = root->GetDescriptor()->FindFieldByName(model.item_field);
  for (const Record& rec : records) root->GetReflection()->AddMessage(root.get(), list)->ParseFromString(rec.data);
  return root;
}

GetQuery get_query(const adapter::Context& c, const NounModel& model) {
  GetQuery q;
  std::vector<std::string> ids = named_ids(c);
  std::string status;
  for (const auto& any : c.message().request_objects()) {
    // The query's type is the noun's Get<Noun>; read it by reflection from the Any's bytes.
    const std::string type = any.type_url().substr(any.type_url().rfind('/') + 1);
    const auto* descriptor = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(type);
    if (descriptor == nullptr) continue;
    std::unique_ptr<Message> query(google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor)->New());
    if (!any.UnpackTo(query.get())) continue;
    collect(*query, model.item_field.c_str(), &ids, &status);
    collect(*query, "customer", &q.customers, nullptr);
  }
  std::set<std::string> seen;
  for (auto& id : ids)
    if (seen.insert(id).second) q.ids.push_back(std::move(id));
  q.state = status.empty() ? std::nullopt : object_state(status);
  q.impossible_state = !status.empty() && !q.state;
  return q;
}

std::vector<Record> find(const Records& records, const std::string& noun, const GetQuery& q) {
  std::vector<Record> found;
  if (!q.ids.empty()) {
    for (const auto& id : q.ids)
      if (auto r = records.get(noun, id)) found.push_back(std::move(*r));
  } else if (q.impossible_state) {
    // A status no object can be in finds nothing (not everything).
  } else if (!q.customers.empty()) {
    for (const auto& customer : q.customers)
      for (Record& r : records.list(noun, q.state, customer)) found.push_back(std::move(r));
  } else {
    found = records.list(noun, q.state);
  }
  return found;
}

void answer_with(adapter::Context& c, const NounModel& model, const std::vector<Record>& found) {
  // Nothing found: an answer without payload (the noun's root needs at least one item).
  if (!found.empty()) c.add_payload(*root_of(model, found));
}

void answer_get(adapter::Context& c, const std::string& noun, const Records& records) {
  const NounModel& model = noun_model(noun);
  answer_with(c, model, find(records, noun, get_query(c, model)));
}

}  // namespace cimbus::reference
