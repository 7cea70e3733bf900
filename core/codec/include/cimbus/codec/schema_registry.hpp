#pragma once
// The XSD grammars that validate inbound XML, compiled once and shared.
//
// Threading: SchemaRegistry is thread-safe. A GrammarSet is immutable once published and may be
// used by any number of parsers on any threads at once (its grammar pool is locked).
// Adding a grammar publishes a new GrammarSet; parsers pick it up on their next message.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "cimbus/schema_source.hpp"
#include "cimbus/sync/mutex.hpp"
#include "cimbus/codec/wrapper_name.hpp"

namespace cimbus {

// One compiled, locked grammar pool and the namespaces it declares (the codec's own, in
// grammar_set.hpp: Xerces stays out of public headers).
class GrammarSet;

// A payload (or query) root element of a loaded schema and the protobuf type generated for it.
struct PayloadType {
  std::string ns;        // e.g. http://iec.ch/TC57/2015/ServiceOrders#
  std::string element;   // e.g. ServiceOrders
  const google::protobuf::Descriptor* descriptor = nullptr;
};

struct SchemaRegistryOptions {
  // Typed wrappers of nouns whose schema is not loaded get a grammar made from their name
  // pattern (wrapper_name.hpp), so that their Header and Reply are still validated. Bounded, so
  // that a stream of made-up nouns cannot grow memory without limit.
  std::size_t max_synthesized_wrappers = 64;
  // Other names a partner uses for a noun, e.g. {"IncidentInformation", "Incidents"}.
  std::map<std::string, std::string, std::less<>> noun_aliases = {{"IncidentInformation", "Incidents"}};
  // Other namespaces a partner uses for a loaded payload or query schema, each mapped to the
  // namespace cimbus's schema has, e.g. {"http://iec.ch/TC57/2014/TroubleTickets#",
  // "http://iec.ch/TC57/2015/TroubleTickets#"}. The schema is compiled once more under each
  // alias, so such payloads are validated and decode into the same type; their typed wrappers
  // (…/2014/TroubleTicketsMessage) follow. To write the alias back, see EncodeOptions.
  std::map<std::string, std::string, std::less<>> namespace_aliases;
};

class SchemaRegistry {
 public:
  // The schemas compiled into cimbus. Built once per process.
  static std::shared_ptr<SchemaRegistry> builtin();

  // Compiles `sources`; throws std::runtime_error naming the schema and line on an error.
  explicit SchemaRegistry(std::vector<SchemaSource> sources, SchemaRegistryOptions options = {});
  ~SchemaRegistry();

  std::shared_ptr<const GrammarSet> grammars() const;

  // Makes sure a typed wrapper element `wrapper` in namespace `ns` has a grammar. Returns the set
  // that declares it, or nullptr when the namespace does not fit the wrapper's pattern or the
  // limit of synthesized wrappers is reached.
  std::shared_ptr<const GrammarSet> add_wrapper_grammar(std::string_view ns, const WrapperName& wrapper);

  // The payload type whose root element is {ns}element, or nullptr.
  const PayloadType* payload_type(std::string_view ns, std::string_view element) const;
  // The payload type of a noun (ServiceOrders, or an alias), or nullptr when none is loaded. A
  // noun's payload schema has the noun as its root element, in a namespace ending in "<noun>#".
  const PayloadType* payload_type_for_noun(std::string_view noun) const;
  // True for a Get<Noun> query profile (GetServiceOrders) of a loaded noun.
  bool is_query_profile(const PayloadType& type) const;
  // The Get<Noun> query profile of a noun (or an alias), or nullptr when none is loaded.
  const PayloadType* query_type_for_noun(std::string_view noun) const;
  // The namespace of a noun's typed wrappers in `form`, from its payload namespace:
  // http://iec.ch/TC57/2015/ServiceOrders# -> .../2015/ServiceOrdersMessage (plain),
  // .../2015/GetServiceOrdersMessage (get), .../2015/ServiceOrdersOperationSetMessage.
  static std::string wrapper_namespace(const PayloadType& noun_payload, WrapperName::Form form);
  // The noun an alias stands for, or `noun` itself.
  std::string_view canonical_noun(std::string_view noun) const;
  // Every loaded payload and query type.
  const std::vector<PayloadType>& payload_types() const { return payload_types_; }
  // The schema documents compiled at construction: those given, then the typed wrappers of every
  // loaded noun (wrappers/<namespace without scheme>.xsd). Imports name a namespace only.
  const std::vector<SchemaSource>& sources() const { return sources_; }

  // The XSD text of the typed wrappers of one namespace (…/<N>Message, …/Get<N>Message or
  // …/<N>OperationSetMessage). With the noun's payload type, the Payload holds that element;
  // without, any element, unvalidated.
  static std::string wrapper_schema(std::string_view ns, const WrapperName& wrapper,
                                    const PayloadType* payload = nullptr);

 private:
  std::shared_ptr<const GrammarSet> compile(std::uint64_t generation) const CIMBUS_REQUIRES(mutex_);
  void add_namespace_aliases();
  void index_payload_types();
  void add_noun_wrappers();

  mutable sync::Mutex mutex_;
  std::vector<SchemaSource> sources_;        // fixed after construction
  std::vector<SchemaSource> synthesized_ CIMBUS_GUARDED_BY(mutex_);
  SchemaRegistryOptions options_;
  std::vector<PayloadType> payload_types_;   // fixed after construction
  std::shared_ptr<const GrammarSet> current_ CIMBUS_GUARDED_BY(mutex_);
};

}  // namespace cimbus
