#include "namespace_scope.hpp"

namespace cimbus::detail {

namespace {
std::u16string copy(const XMLCh* s) {
  return s == nullptr ? std::u16string() : std::u16string(reinterpret_cast<const char16_t*>(s));
}
}  // namespace

void NamespaceScope::clear() {
  bindings_.clear();
  marks_.clear();
  pending_ = 0;
}

void NamespaceScope::declare(const XMLCh* prefix, const XMLCh* uri) {
  bindings_.emplace_back(copy(prefix), copy(uri));
  ++pending_;
}

void NamespaceScope::open_element() {
  marks_.push_back(bindings_.size() - pending_);
  pending_ = 0;
}

void NamespaceScope::close_element() {
  if (marks_.empty()) return;
  bindings_.resize(marks_.back());
  marks_.pop_back();
}

long NamespaceScope::find(std::u16string_view prefix) const {
  for (long i = static_cast<long>(bindings_.size()) - 1 - static_cast<long>(pending_); i >= 0; --i)
    if (bindings_[i].first == prefix) return i;
  return -1;
}

const std::u16string* NamespaceScope::lookup(std::u16string_view prefix) const {
  long i = find(prefix);
  if (i < 0 || (prefix.empty() && bindings_[i].second.empty())) return nullptr;
  return &bindings_[i].second;
}

}  // namespace cimbus::detail
