#pragma once
// The content model of a complex type (sequences, choices, occurrences, element declarations and
// wildcards), compiled from the XSModel of the registry's grammars: the XSModel Xerces-C itself
// validates with and xsd2proto generates from, so there is one reading of the schemas. Part of
// the decoder's validator (decisions/0034).
//
// Compiled as an NFA (occurrences unrolled), then made deterministic by the subset construction:
// a child is one look along the moves of the current state. The schemas are deterministic (XSD's
// unique particle attribution), so a child matches one declaration; the copies of one particle
// that unrolling made move together.
//
//   const ContentModel model = ContentModel::compile(*type);   // throws ContentModel::Unsupported
//   ContentModel::State at = model.start();
//   const ContentModel::Symbol* child = model.next(at, ns, local);  // nullptr: not allowed here
//   bool complete = model.can_end(at);
//
// What it does not compile (xs:all, occurrences above kMostOccurs, more than kMaxStates states in
// the NFA or kMaxDeterministicStates after the construction) throws Unsupported: that type stays
// with Xerces-C.
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
  static constexpr std::size_t kMaxDeterministicStates = 4096;
  static constexpr unsigned kMostOccurs = 64;
  // A state of the deterministic model; kRefused once a child was not allowed.
  using State = int;
  static constexpr State kRefused = -1;

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

  State start() const { return 0; }
  // Moves `at` past the child {ns}local; the symbol it matched, or nullptr (and `at` kRefused)
  // when the state allows no such child.
  const Symbol* next(State& at, std::string_view ns, std::string_view local) const;
  bool can_end(State at) const { return at != kRefused && accepting_[static_cast<std::size_t>(at)]; }
  std::size_t state_count() const { return nfa_states_; }  // of the NFA

 private:
  using States = std::bitset<kMaxStates>;
  struct Edge {
    int symbol;
    int to;
  };
  struct Move {
    int symbol;  // the first of the particle's copies
    State to;
  };
  struct Fragment {
    int in, out;
  };
  class Builder;

  void make_deterministic(const std::vector<States>& closure, int start, int final);

  std::vector<Symbol> symbols_;
  std::vector<std::vector<Edge>> edges_;  // per NFA state, while compiling (then dropped)
  std::vector<std::vector<Move>> moves_;  // per state
  std::vector<bool> accepting_;           // per state
  std::size_t nfa_states_ = 0;
};

}  // namespace cimbus::detail
