#pragma once
// The XSD grammars that validate inbound XML, compiled once and shared.
//
// Threading: SchemaRegistry is thread-safe. A GrammarSet is immutable once published and may be
// used by any number of parsers on any threads at once (its Xerces grammar pool is locked).
// Adding a grammar publishes a new GrammarSet; parsers pick it up on their next message.

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <xercesc/util/XercesDefs.hpp>

#include "cimbus/schema_source.hpp"
#include "cimbus/wrapper_name.hpp"

XERCES_CPP_NAMESPACE_BEGIN
class XMLGrammarPool;
XERCES_CPP_NAMESPACE_END

namespace cimbus {

// One compiled, locked grammar pool and the namespaces it declares.
class GrammarSet {
 public:
  GrammarSet(std::unique_ptr<xercesc::XMLGrammarPool> pool, std::set<std::string> namespaces,
             std::uint64_t generation);
  ~GrammarSet();
  GrammarSet(const GrammarSet&) = delete;
  GrammarSet& operator=(const GrammarSet&) = delete;

  xercesc::XMLGrammarPool* pool() const { return pool_.get(); }
  bool declares(std::string_view target_namespace) const;
  std::uint64_t generation() const { return generation_; }

 private:
  std::unique_ptr<xercesc::XMLGrammarPool> pool_;
  std::set<std::string, std::less<>> namespaces_;
  std::uint64_t generation_;
};

struct SchemaRegistryOptions {
  // Typed wrappers of nouns whose schema is not loaded get a grammar made from their name
  // pattern (wrapper_name.hpp), so that their Header and Reply are still validated. Bounded, so
  // that a stream of made-up nouns cannot grow memory without limit.
  std::size_t max_synthesized_wrappers = 64;
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

  // The XSD text that add_wrapper_grammar compiles for a wrapper namespace (for tests and docs).
  static std::string wrapper_schema(std::string_view ns, const WrapperName& wrapper);

 private:
  std::shared_ptr<const GrammarSet> compile(std::uint64_t generation) const;

  mutable std::mutex mutex_;
  std::vector<SchemaSource> sources_;
  std::vector<SchemaSource> synthesized_;
  SchemaRegistryOptions options_;
  std::shared_ptr<const GrammarSet> current_;
};

}  // namespace cimbus
