#pragma once
// A customer self-service portal: the third party of the storm. It reads and changes customer
// agreements at the CIS through the CIS's web services (SOAP: GetCustomerAgreements,
// ExecuteCustomerAgreements, ExecuteCustomerAgreementsOperationSet), as a third-party product
// would, and notes each answer against the one the plan expects.
//
// Threading: one thread calls tick(); each call runs on a thread of its own.

#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/web_services/web_service_client.hpp"
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

  // `cis` is the CIS's web-service endpoint (http://127.0.0.1:<port>).
  Portal(const std::string& cis, std::vector<AgreementRequest> plan);
  ~Portal();

  // Sends what is due at `elapsed_ms` into the storm and takes the answers that came.
  void tick(std::int64_t elapsed_ms);
  void stop();  // waits for the calls still running

  std::size_t planned() const;   // requests, counting the cancel before a change of a terminated agreement
  std::size_t answered() const { return outcomes_.size(); }
  const std::vector<Outcome>& outcomes() const { return outcomes_; }

 private:
  struct Pending {
    AgreementRequest plan;
    enum class Step { waiting, terminating, sent, done } step = Step::waiting;
    std::future<Envelope> reply;  // the CIS's response
    std::chrono::steady_clock::time_point sent_at;
  };
  void send(Pending& p, const AgreementRequest& request);
  void take(Pending& p, const std::string& what, const std::string& expected);
  Envelope build(const AgreementRequest& request);

  std::unique_ptr<web_services::WebServiceClient> cis_;
  XmlCodec codec_;
  std::vector<Pending> pending_;
  std::vector<Outcome> outcomes_;
  int changes_ = 0;
};

}  // namespace cimbus::storm
