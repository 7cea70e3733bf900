#include "counted_handlers.hpp"

#include "messages.hpp"

namespace cimbus::reference {

namespace {

adapter::Adapter::Handler counted(adapter::Adapter::Handler handler) {
  return [handler = std::move(handler)](adapter::Context& c) {
    count_received(c);
    handler(c);
  };
}

}  // namespace

void CountedHandlers::on(const std::string& noun, Verb verb, adapter::Adapter::Handler handler) {
  adapter_.on(noun, verb, counted(std::move(handler)));
}

void CountedHandlers::on_event(const std::string& noun, Verb verb, adapter::Adapter::Handler handler) {
  adapter_.on_event(noun, verb, counted(std::move(handler)));
}

void CountedHandlers::on_reply(const std::string& noun, adapter::Adapter::Handler handler) {
  adapter_.on_reply(noun, counted(std::move(handler)));
}

}  // namespace cimbus::reference
