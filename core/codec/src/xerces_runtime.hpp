#pragma once
// Xerces-C needs XMLPlatformUtils::Initialize() before any other call. cimbus initialises it once
// per process, on first use, and never terminates it: objects that outlive main() may still hold
// Xerces memory.

namespace cimbus::detail {

void ensure_xerces();

}  // namespace cimbus::detail
