#pragma once
// The content model of a complex type (sequences, choices, occurrences, element declarations and
// wildcards), compiled from the XSModel of the registry's grammars: the XSModel Xerces-C itself
// validates with and xsd2proto generates from, so there is one reading of the schemas. Part of
// the planned decoder's validator (decisions/0034).
//
// An NFA whose active states are a bit set: a child moves every active state along the edges it
// matches, and the element may end when the final state is active. The schemas are
// deterministic (XSD's unique particle attribution), so a child matches one declaration.
//
//   const ContentModel model = ContentModel::compile(*type);   // throws ContentModel::Unsupported
//   ContentModel::States at = model.start();
//   const ContentModel::Symbol* child = model.next(at, ns, local);  // nullptr: not allowed here
//   bool complete = model.can_end(at);
//
// What it does not compile (xs:all, occurrences above kMostOccurs, more than kMaxStates states)
// throws Unsupported: that type stays with Xerces-C.
//
// Threading: immutable once compiled; next() and can_end() may run on any thread.

#include <bitset>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <xercesc/framework/psvi/XSComplexTypeDefinition.hpp>
#include <xercesc/framework/psvi/XSElementDeclaration.hpp>
#include <xercesc/framework/psvi/XSParticle.hpp>
#include <xercesc/framework/psvi/XSWildcard.hpp>

namespace cimbus::detail {

class ContentModel {
 public:
  static constexpr std::size_t kMaxStates = 512;
  static constexpr unsigned kMostOccurs = 64;
  using States = std::bitset<kMaxStates>;

  struct Unsupported : std::runtime_error {
    using std::runtime_error::runtime_error;
  };

  // What a child matched: an element declaration, or a wildcard.
  struct Symbol {
    xercesc::XSElementDeclaration* element = nullptr;
    xercesc::XSWildcard* wildcard = nullptr;
    std::string ns;     // element: its namespace ("" when unqualified)
    std::string local;  // element: its name
    enum class Constraint { any, not_in, in } constraint = Constraint::any;  // wildcard
    std::vector<std::string> namespaces;  // wildcard: the list of not_in or in ("" is no namespace)

    bool matches(std::string_view child_ns, std::string_view child_local) const;
    // A wildcard's symbol (also what an attribute wildcard allows).
    static Symbol of(xercesc::XSWildcard& wildcard);
  };

  static ContentModel compile(xercesc::XSComplexTypeDefinition& type);  // Xerces-C's PSVI API is not const

  States start() const { return closure_[start_]; }
  // Moves `at` past the child {ns}local; the symbol it matched, or nullptr (and `at` empty) when
  // no active state allows it.
  const Symbol* next(States& at, std::string_view ns, std::string_view local) const;
  bool can_end(const States& at) const { return at.test(final_); }
  std::size_t state_count() const { return edges_.size(); }

 private:
  struct Edge {
    int symbol;
    int to;
  };
  struct Fragment {
    int in, out;
  };
  class Builder;

  std::vector<Symbol> symbols_;
  std::vector<std::vector<Edge>> edges_;  // per state
  std::vector<States> closure_;           // per state: the states its empty moves reach, itself included
  int start_ = 0;
  int final_ = 0;
};

}  // namespace cimbus::detail
