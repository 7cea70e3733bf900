#pragma once
// A customer self-service portal: the third party of the storm. It reads and changes customer
// agreements at the CIS over the bus, as any other system would, through the adapter runtime
// (system "portal"), and notes each answer against the one the plan expects.
//
// Threading: one thread calls tick(); the runtime runs on its own.

#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "cimbus/runtime/adapter.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "scenario.hpp"

namespace cimbus::storm {

class Portal {
 public:
  struct Outcome {
    std::string what;
    std::string expected;
    std::string got;       // "OK", "PARTIAL", or the first error code of a FAILED answer
    std::string reasons;   // the answer's errors, for an answer that was not the expected one
    double latency_ms = 0;
  };

  Portal(adapter::AdapterOptions options, std::vector<AgreementRequest> plan);
  ~Portal();

  void start();  // throws when the broker's queues are not reachable
  // Sends what is due at `elapsed_ms` into the storm and takes the answers that came.
  void tick(std::int64_t elapsed_ms);
  void stop();

  std::size_t planned() const;   // requests, counting the cancel before a change of a terminated agreement
  std::size_t answered() const { return outcomes_.size(); }
  const std::vector<Outcome>& outcomes() const { return outcomes_; }

 private:
  struct Pending {
    AgreementRequest plan;
    enum class Step { waiting, terminating, sent, done } step = Step::waiting;
    std::future<adapter::Replies> reply;
    std::chrono::steady_clock::time_point sent_at;
  };
  void send(Pending& p, const AgreementRequest& request);
  void take(Pending& p, const std::string& what, const std::string& expected);
  Envelope build(const AgreementRequest& request);

  adapter::Adapter adapter_;
  XmlCodec codec_;
  std::vector<Pending> pending_;
  std::vector<Outcome> outcomes_;
  int changes_ = 0;
};

}  // namespace cimbus::storm
