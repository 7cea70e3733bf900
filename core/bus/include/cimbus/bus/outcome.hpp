#pragma once
// How a delivery ends, on either side of a link.

namespace cimbus::bus {

enum class Outcome {
  accepted,   // processed (receiving) or taken by the broker (sending)
  rejected,   // will never be processed: dead-lettered by the broker when it has a DLX
  released,   // not processed this time: the broker delivers it again
  failed,     // sending: the connection failed before the broker answered, and stop() came first
  refused,    // sending: the broker refused every link to the target (a queue that does not exist,
              // an address this user may not use) for longer than BusOptions::give_up_refused_after
};

const char* to_string(Outcome outcome);

}  // namespace cimbus::bus
