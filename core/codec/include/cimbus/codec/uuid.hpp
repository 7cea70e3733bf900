#pragma once
// Random (version 4) UUIDs for MessageIDs.

#include <string>

namespace cimbus {

// Lower-case, 36 characters: xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx.
std::string new_uuid();

}  // namespace cimbus
