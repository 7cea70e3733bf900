#pragma once
// The replies to one request sent with Adapter::request(): one reply, or the pages of a get answer
// (PARTIAL 0.1 ... then 0.2). A request nobody answered in time gets one FAILED reply with 4.1.

#include <vector>

#include "cimbus/envelope.pb.h"

namespace cimbus::adapter {

struct Replies {
  std::vector<Envelope> pages;  // in arrival order; the final one last

  const Envelope& last() const { return pages.back(); }
  msg::ReplyType_Result::Value result() const { return last().message().reply().result(); }
};

}  // namespace cimbus::adapter
