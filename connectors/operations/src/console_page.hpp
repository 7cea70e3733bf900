#pragma once
// The web console of an adapter (GET /console): one static page, its script reading the endpoint's
// own JSON and text (/health/ready, /metrics, /trace) every two seconds. No build step and no
// framework: plain HTML, CSS and JavaScript that any browser runs.

#include <string_view>

namespace cimbus::operations {

std::string_view console_page();

}  // namespace cimbus::operations
