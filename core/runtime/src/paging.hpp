#pragma once
// Splits the reply to a get into pages (IEC 61968-100, get queries and partial results): every page but the last has
// Result PARTIAL and an INFORM 0.1 (more follow), the last PARTIAL with 0.2 (no more). Each page
// is a full reply with its own MessageID and the request's CorrelationID.

#include <cstddef>
#include <vector>

#include "cimbus/envelope.pb.h"

namespace cimbus::adapter::detail {

// The pages of `reply`, holding at most `page_size` items each. Items are the elements of the
// payload object's repeated field (e.g. TroubleTickets/TroubleTicket). A reply with fewer items,
// several payload objects, or no single repeated field is returned whole.
std::vector<Envelope> split_into_pages(const Envelope& reply, std::size_t page_size);

}  // namespace cimbus::adapter::detail
