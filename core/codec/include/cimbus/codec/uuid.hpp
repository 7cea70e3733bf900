#pragma once
// UUIDs for the IDs cimbus makes: MessageIDs, and the mRIDs of what the reference systems create.

#include <string>

namespace cimbus {

// Time-ordered (version 7, RFC 9562): the Unix time in milliseconds, then 74 random bits.
// Lower-case, 36 characters: tttttttt-tttt-7xxx-yxxx-xxxxxxxxxxxx. IDs made one after another
// sort one after another, so a store's indexes on them grow at their end (decisions/0037).
std::string new_uuid();

// Random (version 4): xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx. For IDs that should say nothing of
// when they were made, and for tests and benches that stand for systems whose IDs are random.
std::string new_random_uuid();

}  // namespace cimbus
