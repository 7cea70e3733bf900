// cimbus-wms: the WMS adapter. It takes work (MaintenanceOrders from the OMS; ServiceOrders,
// WorkRequests and ServiceRequests from the CIS) with create, change, cancel and get, and
// publishes every status change of that work (WorkStatusKind: scheduled, dispatched, enroute,
// onSite, completed as `changed`, then `closed`; a cancel as `canceled`). The system of record is
// behind WmsBackend; the embedded one is ReferenceWms.
//
//   cimbus-wms deploy/wms.json

#include <memory>

#include "messages.hpp"
#include "nouns.hpp"
#include "records.hpp"
#include "reference_wms.hpp"
#include "role.hpp"

namespace {

using namespace cimbus;
using adapter::Context;
using adapter::Rejection;
using google::protobuf::Message;
using reference::Records;
using wms::WmsBackend;
using V = msg::HeaderType_Verb;

const char* const kWork[] = {"MaintenanceOrders", "ServiceOrders", "WorkRequests", "ServiceRequests"};

void count_in(Context& c) { Records(c.db()).count(c.noun(), reference::verb_name(c.verb()), "in"); }

// The payload's items, or for a cancel items named by ID only.
std::vector<std::unique_ptr<Message>> items_of(Context& c, const std::string& noun) {
  const reference::NounModel& model = reference::noun_model(noun);
  std::unique_ptr<Message> root(model.root->New());
  std::vector<std::unique_ptr<Message>> out;
  for (const auto& any : c.message().payload_objects()) {
    if (!any.UnpackTo(root.get())) continue;
    const auto* f = root->GetDescriptor()->FindFieldByName(model.item_field);
    for (int i = 0; i < root->GetReflection()->FieldSize(*root, f); ++i) {
      const Message& item = root->GetReflection()->GetRepeatedMessage(*root, f, i);
      std::unique_ptr<Message> copy(item.New());
      copy->CopyFrom(item);
      out.push_back(std::move(copy));
    }
  }
  if (out.empty()) {
    for (const auto& id : reference::named_ids(c)) {
      std::unique_ptr<Message> tmp(model.root->New());
      const auto* f = tmp->GetDescriptor()->FindFieldByName(model.item_field);
      Message* item = tmp->GetReflection()->AddMessage(tmp.get(), f);
      item->GetReflection()->SetString(item, item->GetDescriptor()->FindFieldByName("m_rid"), id);
      std::unique_ptr<Message> copy(item->New());
      copy->CopyFrom(*item);
      out.push_back(std::move(copy));
    }
  }
  if (out.empty()) throw Rejection("1.7", "no " + noun + " in the payload and no ID naming one");
  return out;
}

// A payload root of `noun` holding `items`.
std::unique_ptr<Message> root_with(const std::string& noun, const std::vector<std::unique_ptr<Message>>& items) {
  const reference::NounModel& model = reference::noun_model(noun);
  std::unique_ptr<Message> root(model.root->New());
  const auto* f = root->GetDescriptor()->FindFieldByName(model.item_field);
  for (const auto& item : items) root->GetReflection()->AddMessage(root.get(), f)->CopyFrom(*item);
  return root;
}

void publish(Context& c, const std::string& noun, Verb verb, const Message& payload) {
  c.publish(reference::make_message(noun, verb, &payload));
  Records(c.db()).count(noun, reference::verb_name(verb), "out");
}


void register_handlers(adapter::Adapter& a, std::shared_ptr<WmsBackend> backend) {
  a.prepare_store([backend](sqlite3* db) { backend->prepare(db); });
  for (const char* noun : kWork) {
    const std::string n = noun;
    a.on(n, V::create, [backend, n](Context& c) {
      count_in(c);
      std::vector<std::unique_ptr<Message>> accepted;
      for (auto& item : items_of(c, n)) accepted.push_back(backend->accept(c.db(), n, *item));
      auto root = root_with(n, accepted);
      c.add_payload(*root);
      publish(c, n, V::created, *root);
    });
    a.on(n, V::change, [backend, n](Context& c) {
      count_in(c);
      std::vector<std::unique_ptr<Message>> changed;
      for (auto& item : items_of(c, n)) changed.push_back(backend->change(c.db(), n, *item));
      auto root = root_with(n, changed);
      c.add_payload(*root);
      publish(c, n, V::changed, *root);
    });
    a.on(n, V::cancel, [backend, n](Context& c) {
      count_in(c);
      std::vector<std::unique_ptr<Message>> canceled;
      for (auto& item : items_of(c, n)) {
        const std::string mrid = item->GetReflection()->GetString(*item, item->GetDescriptor()->FindFieldByName("m_rid"));
        canceled.push_back(backend->cancel(c.db(), n, mrid));
      }
      auto root = root_with(n, canceled);
      c.add_payload(*root);
      publish(c, n, V::canceled, *root);
    });
    a.on(n, V::get, [n](Context& c) {
      count_in(c);
      reference::answer_get(c, n, Records(c.db()));
    });
  }
}

}  // namespace

int main(int argc, char** argv) {
  return reference::run_role(argc, argv, "cimbus-wms", [](adapter::Adapter& a, const adapter::AdapterOptions& o) {
    std::map<std::string, std::string> settings(o.config.backend().settings().begin(), o.config.backend().settings().end());
    auto backend = std::make_shared<wms::ReferenceWms>(settings);
    register_handlers(a, backend);
    // The crews' progress, published as it happens.
    return std::vector<reference::Periodic>{{std::chrono::milliseconds(100), [backend](Context& c) {
      for (auto& update : backend->advance(c.db())) {
        std::vector<std::unique_ptr<Message>> one;
        one.push_back(std::move(update.item));
        publish(c, update.noun, update.closed ? V::closed : V::changed, *root_with(update.noun, one));
      }
    }}};
  });
}
