// The WMS adapter's handlers and periodic work (wms_handlers.hpp).
#include <memory>

#include "cimbus/codec/error_code.hpp"
#include "messages.hpp"
#include "nouns.hpp"
#include "reflection.hpp"
#include "records.hpp"
#include "wms_handlers.hpp"

namespace cimbus::wms {

namespace {

using adapter::Context;
using adapter::Rejection;
using google::protobuf::Message;
using reference::Records;
using V = msg::HeaderType_Verb;

const char* const kWork[] = {"MaintenanceOrders", "ServiceOrders", "WorkRequests", "ServiceRequests"};

// The payload's items, or for a cancel items named by ID only.
std::vector<std::unique_ptr<Message>> items_of(Context& c, const reference::NounModel& model) {
  std::vector<std::unique_ptr<Message>> out = reference::items_in(c, model);
  if (out.empty())
    for (const auto& id : reference::named_ids(c)) {
      out.push_back(reference::new_item(model));
      reference::set_string(out.back().get(), "m_rid", id);
    }
  if (out.empty()) throw Rejection(code::kPayloadElementsMissing, "no " + model.noun + " in the payload and no ID naming one");
  return out;
}

// Answers with the items as the WMS recorded them, and publishes them as the event `verb`.
void answer(Context& c, const reference::NounModel& model, Verb verb, const std::vector<std::unique_ptr<Message>>& items) {
  auto root = reference::root_with(model, items);
  c.add_payload(*root);
  reference::publish(c, model.noun, verb, *root);
}

}  // namespace

void install_handlers(adapter::Adapter& adapter, std::shared_ptr<WmsBackend> backend) {
  adapter::Adapter& a = adapter;
  a.prepare_store([backend](store::Transaction& tx) { backend->prepare(tx); });
  for (const char* noun : kWork) {
    const reference::NounModel& model = reference::noun_model(noun);
    a.on(noun, V::create, [backend, &model](Context& c) {
      std::vector<std::unique_ptr<Message>> accepted;
      for (auto& item : items_of(c, model)) accepted.push_back(backend->accept(c.tx(), {model.noun, std::move(item)}).item);
      answer(c, model, V::created, accepted);
    });
    a.on(noun, V::change, [backend, &model](Context& c) {
      std::vector<std::unique_ptr<Message>> changed;
      for (auto& item : items_of(c, model)) changed.push_back(backend->change(c.tx(), {model.noun, std::move(item)}).item);
      answer(c, model, V::changed, changed);
    });
    a.on(noun, V::cancel, [backend, &model](Context& c) {
      std::vector<std::unique_ptr<Message>> canceled;
      for (auto& item : items_of(c, model)) canceled.push_back(backend->cancel(c.tx(), model.noun, reference::mrid_of(*item)).item);
      answer(c, model, V::canceled, canceled);
    });
    a.on(noun, V::get, [&model](Context& c) {
      reference::answer_get(c, model.noun, Records(c.tx()));
    });
  }

  // The crews' progress, published as it happens.
  adapter.every(std::chrono::milliseconds(100), [backend](Context& c) {
    for (auto& update : backend->advance(c.tx())) {
      std::vector<std::unique_ptr<Message>> one;
      one.push_back(std::move(update.work.item));
      const std::string& noun = update.work.noun;
      reference::publish(c, noun, update.closed ? V::closed : V::changed, *reference::root_with(reference::noun_model(noun), one));
    }
  });
}

}  // namespace cimbus::wms
