#pragma once
// The states the reference systems record for their objects (records.hpp), in one place: what the
// systems write and what the storm's conservation check reads (tools/storm). The text of a state
// is what the records and the journal hold; the WorkStatusKind and incident status literals of
// the CIM payloads are states with the same text (enroute, onSite, ...).
//
//   tickets (CIS):       new -> sent -> accepted -> closed | canceled;  refused
//   tickets (OMS):       assigned -> closed | canceled
//   incidents (OMS):     open -> dispatched -> enroute -> onSite -> closed
//   crew work (OMS):     requested -> the WMS's WorkStatusKind
//   work (CIS and WMS):  new -> sent -> accepted (CIS) | waitingToBeScheduled (WMS) -> scheduled
//                        -> dispatched -> enroute -> onSite -> completed -> closed;  canceled; refused
//   agreements (CIS):    active -> terminated

#include <optional>
#include <string>
#include <string_view>

namespace cimbus::reference {

enum class ObjectState {
  // A request's life at the system that sent it.
  new_, sent, accepted, refused,
  // Tickets and incidents at the OMS.
  assigned, open, requested,
  // WorkStatusKind (CIM), and incidents following their crew.
  waiting_on_approval, approved, waiting_on_material, waiting_to_be_scheduled, scheduled, dispatched, enroute, on_site, in_progress,
  completed, closed, canceled,
  // Customer agreements.
  active, terminated,
};

// The recorded text ("onSite", "waitingToBeScheduled", ...).
std::string_view text_of(ObjectState state);
// The state of a recorded text or a CIM literal; "cancelled" (WorkStatusKind's spelling, and what
// earlier versions recorded for work) is `canceled`. Nullopt for an unknown text.
std::optional<ObjectState> object_state(std::string_view text);
// As object_state(), throwing std::runtime_error naming the text when it is unknown.
ObjectState object_state_or_throw(std::string_view text);

// Whether a customer's cancellation of a call or service need was sent (calls.cancel_state and
// service_needs.cancel_state in the CIS's intake tables).
enum class CancelState : int {
  not_yet = 0,            // not due, or its object has no answer yet
  sent = 1,               // the cancel request went out
  nothing_to_cancel = 2,  // the object had already ended (refused, closed, completed ...)
};

}  // namespace cimbus::reference
