#include "object_state.hpp"

#include <stdexcept>
#include <utility>

namespace cimbus::reference {

namespace {

using S = ObjectState;

constexpr std::pair<S, std::string_view> kTexts[] = {
    {S::new_, "new"},
    {S::sent, "sent"},
    {S::accepted, "accepted"},
    {S::refused, "refused"},
    {S::assigned, "assigned"},
    {S::open, "open"},
    {S::requested, "requested"},
    {S::waiting_on_approval, "waitingOnApproval"},
    {S::approved, "approved"},
    {S::waiting_on_material, "waitingOnMaterial"},
    {S::waiting_to_be_scheduled, "waitingToBeScheduled"},
    {S::scheduled, "scheduled"},
    {S::dispatched, "dispatched"},
    {S::enroute, "enroute"},
    {S::on_site, "onSite"},
    {S::in_progress, "inProgress"},
    {S::completed, "completed"},
    {S::closed, "closed"},
    {S::canceled, "canceled"},
    {S::active, "active"},
    {S::terminated, "terminated"},
};

}  // namespace

std::string_view text_of(ObjectState state) {
  for (const auto& [s, text] : kTexts)
    if (s == state) return text;
  return "unknown";
}

std::optional<ObjectState> object_state(std::string_view text) {
  if (text == "cancelled") return S::canceled;
  for (const auto& [s, t] : kTexts)
    if (t == text) return s;
  return std::nullopt;
}

ObjectState object_state_or_throw(std::string_view text) {
  if (auto s = object_state(text)) return *s;
  throw std::runtime_error("unknown object state '" + std::string(text) + "'");
}

}  // namespace cimbus::reference
