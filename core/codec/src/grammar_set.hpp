#pragma once
// The compiled grammars of a SchemaRegistry as Xerces-C sees them (schema_registry.hpp).

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include <xercesc/framework/XMLGrammarPool.hpp>
#include <xercesc/framework/psvi/XSModel.hpp>

#include "cimbus/codec/schema_registry.hpp"

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
  // The pool's schema components (the XSModel Xerces-C validates with), which the decoder's
  // validator compiles (decisions/0034). Made once, on the first call, then kept.
  xercesc::XSModel& model() const;
  bool declares(std::string_view target_namespace) const;
  std::uint64_t generation() const { return generation_; }

 private:
  std::unique_ptr<xercesc::XMLGrammarPool> pool_;
  std::set<std::string, std::less<>> namespaces_;
  std::uint64_t generation_;
  mutable std::once_flag model_made_;
  mutable xercesc::XSModel* model_ = nullptr;  // the pool's
};

}  // namespace cimbus
