#include "cimbus/codec/error_code.hpp"

#include <utility>

namespace cimbus::code {

std::string_view describe(std::string_view code) {
  static constexpr std::pair<std::string_view, std::string_view> table[] = {
      {"0.0", "No errors"},
      {"0.1", "Partial result (additional results conveyed in separate messages)"},
      {"0.2", "Partial result (no further results to follow)"},
      {"0.3", "Simple acknowledgment"},
      {"1.5", "Mandatory Header elements missing"},
      {"1.6", "Mandatory Request elements missing"},
      {"1.7", "Mandatory Payload elements missing"},
      {"1.8", "Format of request does not validate against schema"},
      {"1.9", "Unsupported message revision in Header"},
      {"2.4", "Invalid Meter(s)"},
      {"2.5", "Invalid Noun"},
      {"2.6", "Invalid ReadingType(s)"},
      {"2.9", "Invalid Verb"},
      {"2.10", "Unsupported ReadingType(s)"},
      {"2.12", "Invalid UsagePoint(s)"},
      {"2.13", "Meter / UsagePoint mismatch"},
      {"2.14", "Invalid Source"},
      {"2.15", "Invalid Request ID(s)"},
      {"2.16", "Invalid ServiceLocation(s)"},
      {"2.17", "Meter / ServiceLocation mismatch"},
      {"2.18", "ComModule / Meter mismatch"},
      {"2.19", "Invalid CustomerAccount(s)"},
      {"2.20", "Invalid ServiceSupplier(s)"},
      {"2.21", "CustomerAccount / ServiceSupplier mismatch"},
      {"2.22", "Invalid Customer(s)"},
      {"2.23", "Customer / CustomerAccount mismatch"},
      {"2.24", "Invalid CustomerAgreement(s)"},
      {"2.25", "CustomerAccount / CustomerAgreement mismatch"},
      {"2.26", "CustomerAgreement / UsagePoint mismatch"},
      {"2.27", "CustomerAccount / UsagePoint mismatch"},
      {"2.28", "ServiceSupplier / UsagePoint mismatch"},
      {"2.29", "Object relationship mismatch"},
      {"2.30", "Invalid ComModule(s)"},
      {"2.31", "Invalid ServiceCategory(ies)"},
      {"2.32", "Invalid UsagePointLocation(s)"},
      {"2.33", "Invalid PricingStructure(s)"},
      {"3.1", "Too many items in request"},
      {"3.2", "Too many pending requests"},
      {"4.1", "Request timed out"},
      {"5.1", "Request not processed: high system activity"},
      {"5.2", "Request not processed: transaction not attempted"},
      {"5.3", "Request not processed: transaction attempted and failed"},
      {"5.4", "Request not processed: multiple error types"},
      {"5.5", "Requested ReadingTypes unavailable in MDMS"},
      {"5.6", "Requested ReadingTypes unavailable in AMI"},
      {"5.7", "Some or all requested data unavailable"},
      {"5.8", "Request not processed: mandatory field(s) missing"},
      {"5.9", "Transaction aborted to maintain transactional integrity"},
      {"6.1", "Request canceled per business rule"},
      {"6.2", "Request placed on hold per business rule"},
      {"6.3", "Request released from business rule hold"},
      {"6.4", "Request rescheduled per business rule"},
      {"6.5", "Request canceled by user"},
      {"7.1", "Temporary authentication failure"},
      {"7.2", "Authentication required"},
      {"7.3", "Authentication mechanism insufficient"},
      {"7.4", "Authentication failure"},
      {"7.5", "Action not authorized for user"},
      {"7.6", "Authentication mechanism requires encryption"},
      {"7.7", "Policy violation"},
  };
  for (const auto& [c, text] : table)
    if (c == code) return text;
  return {};
}

}  // namespace cimbus::code
