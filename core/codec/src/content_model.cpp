#include "content_model.hpp"

#include <algorithm>
#include <unordered_map>

#include <xercesc/framework/psvi/XSModelGroup.hpp>

#include "xerces_text.hpp"

namespace cimbus::detail {

using namespace xercesc;

bool ContentModel::Symbol::matches(std::string_view child_ns, std::string_view child_local) const {
  if (wildcard == nullptr) return child_local == local && child_ns == ns;
  const bool listed = std::find(namespaces.begin(), namespaces.end(), child_ns) != namespaces.end();
  switch (constraint) {
    case Constraint::any: return true;
    case Constraint::not_in: return !listed && !child_ns.empty();  // ##other excludes no namespace too
    case Constraint::in: return listed;
  }
  return false;
}

ContentModel::Symbol ContentModel::Symbol::of(XSWildcard& wildcard) {
  Symbol s;
  s.wildcard = &wildcard;
  switch (wildcard.getConstraintType()) {
    case XSWildcard::NSCONSTRAINT_ANY: s.constraint = Constraint::any; break;
    case XSWildcard::NSCONSTRAINT_NOT: s.constraint = Constraint::not_in; break;
    case XSWildcard::NSCONSTRAINT_DERIVATION_LIST: s.constraint = Constraint::in; break;
  }
  if (StringList* list = wildcard.getNsConstraintList())
    for (XMLSize_t i = 0; i < list->size(); ++i) s.namespaces.push_back(utf8(list->elementAt(i)));
  return s;
}

// Thompson's construction: each particle a fragment with one way in and one way out.
class ContentModel::Builder {
 public:
  explicit Builder(ContentModel& model) : m_(model) {}

  int state() {
    if (m_.edges_.size() >= kMaxStates) throw Unsupported("more than " + std::to_string(kMaxStates) + " states");
    m_.edges_.emplace_back();
    empty_.emplace_back();
    return static_cast<int>(m_.edges_.size() - 1);
  }
  void empty_move(int from, int to) { empty_[from].push_back(to); }

  Fragment particle(XSParticle& p) {
    const unsigned min = static_cast<unsigned>(p.getMinOccurs());
    const bool unbounded = p.getMaxOccursUnbounded();
    const unsigned max = unbounded ? min : static_cast<unsigned>(p.getMaxOccurs());
    if (min > kMostOccurs || max > kMostOccurs) throw Unsupported("occurrences above " + std::to_string(kMostOccurs));
    const Fragment whole{state(), -1};
    int at = whole.in;
    for (unsigned i = 0; i < min; ++i) at = chain(at, term(p));
    if (unbounded) {
      const Fragment loop = term(p);
      empty_move(at, loop.in);
      empty_move(loop.out, loop.in);
      const int out = state();
      empty_move(at, out);
      empty_move(loop.out, out);
      return {whole.in, out};
    }
    const int out = state();
    for (unsigned i = min; i < max; ++i) {  // each further one optional
      empty_move(at, out);
      at = chain(at, term(p));
    }
    empty_move(at, out);
    return {whole.in, out};
  }

  // The empty content of a type with no particle: in and out the same.
  Fragment nothing() {
    const int s = state();
    return {s, s};
  }

  std::vector<std::vector<int>> empty_;

 private:
  int chain(int at, Fragment next) {
    empty_move(at, next.in);
    return next.out;
  }

  Fragment term(XSParticle& p) {
    switch (p.getTermType()) {
      case XSParticle::TERM_ELEMENT: {
        Symbol s;
        s.element = p.getElementTerm();
        s.ns = utf8(s.element->getNamespace());
        s.local = utf8(s.element->getName());
        return symbol(std::move(s));
      }
      case XSParticle::TERM_WILDCARD: return symbol(Symbol::of(*p.getWildcardTerm()));
      case XSParticle::TERM_MODELGROUP: {
        XSModelGroup& group = *p.getModelGroupTerm();
        XSParticleList* parts = group.getParticles();
        const XMLSize_t n = parts == nullptr ? 0 : parts->size();
        if (group.getCompositor() == XSModelGroup::COMPOSITOR_ALL) throw Unsupported("xs:all");
        if (group.getCompositor() == XSModelGroup::COMPOSITOR_SEQUENCE) {
          const Fragment whole = nothing();
          int at = whole.in;
          for (XMLSize_t i = 0; i < n; ++i) at = chain(at, particle(*parts->elementAt(i)));
          return {whole.in, at};
        }
        const Fragment whole{state(), state()};  // a choice: one branch
        for (XMLSize_t i = 0; i < n; ++i) {
          const Fragment branch = particle(*parts->elementAt(i));
          empty_move(whole.in, branch.in);
          empty_move(branch.out, whole.out);
        }
        return whole;
      }
      case XSParticle::TERM_EMPTY: return nothing();
    }
    throw Unsupported("a particle of an unknown kind");
  }

  Fragment symbol(Symbol s) {
    m_.symbols_.push_back(std::move(s));
    const Fragment f{state(), state()};
    m_.edges_[f.in].push_back({static_cast<int>(m_.symbols_.size() - 1), f.out});
    return f;
  }

  ContentModel& m_;
};

ContentModel ContentModel::compile(XSComplexTypeDefinition& type) {
  ContentModel model;
  Builder b(model);
  XSParticle* particle = type.getParticle();
  const auto content = type.getContentType();
  if (content == XSComplexTypeDefinition::CONTENTTYPE_MIXED) throw Unsupported("mixed content");
  const Fragment whole = particle != nullptr && content == XSComplexTypeDefinition::CONTENTTYPE_ELEMENT ? b.particle(*particle) : b.nothing();
  // The empty moves' closure of each state, by a search from it.
  const std::size_t n = model.edges_.size();
  std::vector<States> closure(n);
  std::vector<int> stack;
  for (std::size_t s = 0; s < n; ++s) {
    States& reach = closure[s];
    reach.set(s);
    stack.assign(1, static_cast<int>(s));
    while (!stack.empty()) {
      const int at = stack.back();
      stack.pop_back();
      for (const int to : b.empty_[at])
        if (!reach.test(to)) {
          reach.set(to);
          stack.push_back(to);
        }
    }
  }
  model.nfa_states_ = n;
  model.make_deterministic(closure, whole.in, whole.out);
  std::vector<std::vector<Edge>>().swap(model.edges_);  // the NFA's edges serve only the construction
  return model;
}

// The subset construction from the start state's closure. Moves are grouped by what the symbol
// matches (its declaration or wildcard), so that the copies of one particle move together.
void ContentModel::make_deterministic(const std::vector<States>& closure, int start, int final) {
  std::vector<States> sets{closure[static_cast<std::size_t>(start)]};
  std::unordered_map<States, State> numbers{{sets[0], 0}};
  for (std::size_t d = 0; d < sets.size(); ++d) {
    std::vector<const void*> labels;
    std::vector<int> first_symbol;
    std::vector<States> targets;
    const States current = sets[d];
    for (std::size_t s = current._Find_first(); s < kMaxStates; s = current._Find_next(s))
      for (const Edge& e : edges_[s]) {
        const Symbol& symbol = symbols_[static_cast<std::size_t>(e.symbol)];
        const void* label = symbol.element != nullptr ? static_cast<const void*>(symbol.element) : static_cast<const void*>(symbol.wildcard);
        std::size_t k = static_cast<std::size_t>(std::find(labels.begin(), labels.end(), label) - labels.begin());
        if (k == labels.size()) {
          labels.push_back(label);
          first_symbol.push_back(e.symbol);
          targets.emplace_back();
        }
        targets[k] |= closure[static_cast<std::size_t>(e.to)];
      }
    std::vector<Move> moves;
    for (std::size_t k = 0; k < labels.size(); ++k) {
      auto [it, added] = numbers.emplace(targets[k], static_cast<State>(sets.size()));
      if (added) {
        if (sets.size() >= kMaxDeterministicStates) throw Unsupported("a content model of more than " + std::to_string(kMaxDeterministicStates) + " states");
        sets.push_back(targets[k]);
      }
      moves.push_back({first_symbol[k], it->second});
    }
    moves_.push_back(std::move(moves));
    accepting_.push_back(current.test(static_cast<std::size_t>(final)));
  }
}

const ContentModel::Symbol* ContentModel::next(State& at, std::string_view ns, std::string_view local) const {
  if (at == kRefused) return nullptr;
  for (const Move& m : moves_[static_cast<std::size_t>(at)]) {
    const Symbol& symbol = symbols_[static_cast<std::size_t>(m.symbol)];
    if (!symbol.matches(ns, local)) continue;
    at = m.to;
    return &symbol;
  }
  at = kRefused;
  return nullptr;
}

}  // namespace cimbus::detail
