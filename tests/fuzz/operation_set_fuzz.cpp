// The OperationSet runner's input (operation_set.hpp): an execute request, decoded as the adapter
// decodes it, whose operations run through request handlers of every loaded noun on a real SQLite
// store, each in a savepoint of one transaction that is rolled back afterwards. The handlers
// write the operation's objects, refuse (Rejection) a payload with an odd number of them, and
// publish an event, so that all-or-nothing, PARTIAL and the reply's IDs are all reached.

#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/runtime/rejection.hpp"
#include "cimbus/store/statement.hpp"
#include "cimbus/store/store.hpp"
#include "fuzz_input.hpp"
#include "operation_set.hpp"

namespace {

using cimbus::adapter::Context;
using cimbus::adapter::detail::OperationSetRunner;
using V = cimbus::msg::HeaderType_Verb;

struct Fixture {
  cimbus::XmlCodec codec;
  std::unique_ptr<cimbus::store::Store> store;
  OperationSetRunner::Handlers handlers;
  std::unique_ptr<OperationSetRunner> runner;

  Fixture() {
    const std::string path = (std::filesystem::temp_directory_path() / ("cimbus-fuzz-operation-set-" + std::to_string(getpid()) + ".sqlite")).string();
    std::filesystem::remove(path);
    store = std::make_unique<cimbus::store::Store>(path);
    cimbus::store::Statement(store->connection(), "CREATE TABLE objects (noun TEXT, verb TEXT, type TEXT)").run();
    auto record = [](Context& c) {
      const auto& objects = c.message().payload_objects();
      if (objects.size() % 2 == 1) throw cimbus::adapter::Rejection("2.22", "an odd number of objects");
      for (const auto& any : objects) {
        cimbus::store::Statement(c.tx(), "INSERT INTO objects (noun, verb, type) VALUES (?, ?, ?)")
            .bind(1, c.noun()).bind(2, cimbus::to_literal(c.verb())).bind(3, any.type_url()).run();
        c.add_reply_id(any.type_url());
      }
      if (const auto past = cimbus::past_tense(c.verb())) {
        cimbus::Envelope event;
        event.mutable_message()->mutable_header()->set_verb(*past);
        event.mutable_message()->mutable_header()->set_noun(c.noun());
        c.publish(event);
      }
    };
    const auto registry = cimbus::SchemaRegistry::builtin();
    for (const auto& type : registry->payload_types())
      for (cimbus::Verb verb : {V::create, V::change, V::cancel, V::close, V::delete_, V::get}) handlers[{type.element, verb}] = record;
    runner = std::make_unique<OperationSetRunner>(codec, handlers, cimbus::ReplyOptions{});
    std::filesystem::remove(path);  // the open connection keeps it; nothing is left when the run ends
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture f;
  const cimbus::DecodeResult read = f.codec.decode(cimbus::fuzz::bytes_of(data, size));
  if (!read.accepted() || read.envelope.message().header().verb() != V::execute) return 0;
  cimbus::store::Transaction tx = f.store->begin();
  Context c(read.envelope, tx, cimbus::make_reply(read.envelope, cimbus::msg::ReplyType_Result::OK));
  try {
    f.runner->execute(c);
  } catch (const cimbus::adapter::Rejection&) {
  }
  return 0;  // the transaction rolls back
}
