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
  // The pages as one reply, for a caller that takes the answer at once (a web-service or JSON
  // call): the last page with the payload objects of all pages, those of one type merged, and
  // Result OK for a PARTIAL that only said more pages follow.
  Envelope merged() const;
};

}  // namespace cimbus::adapter
