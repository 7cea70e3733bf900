#pragma once
// IEC 61968-100 error codes ("category.number") and their descriptions.
//
// The table is the public one (IEC 61968-100, its table of error codes). `code` in a reply is an opaque string:
// codes from related standards or local schemes are carried unchanged.

#include <string>
#include <string_view>

namespace cimbus::code {

inline constexpr std::string_view kNoErrors = "0.0";
inline constexpr std::string_view kPartialMoreFollows = "0.1";
inline constexpr std::string_view kPartialLast = "0.2";
inline constexpr std::string_view kSimpleAcknowledgment = "0.3";
inline constexpr std::string_view kHeaderElementsMissing = "1.5";
inline constexpr std::string_view kRequestElementsMissing = "1.6";
inline constexpr std::string_view kPayloadElementsMissing = "1.7";
inline constexpr std::string_view kSchemaInvalid = "1.8";
inline constexpr std::string_view kUnsupportedRevision = "1.9";
inline constexpr std::string_view kInvalidNoun = "2.5";
inline constexpr std::string_view kInvalidVerb = "2.9";
inline constexpr std::string_view kInvalidSource = "2.14";
inline constexpr std::string_view kInvalidRequestIds = "2.15";
inline constexpr std::string_view kInvalidCustomers = "2.22";
inline constexpr std::string_view kInvalidCustomerAgreements = "2.24";
inline constexpr std::string_view kTooManyItems = "3.1";
inline constexpr std::string_view kTooManyPending = "3.2";
inline constexpr std::string_view kTimedOut = "4.1";
inline constexpr std::string_view kNotAttempted = "5.2";
inline constexpr std::string_view kTransactionFailed = "5.3";
inline constexpr std::string_view kMandatoryFieldsMissing = "5.8";
inline constexpr std::string_view kCanceledPerBusinessRule = "6.1";
inline constexpr std::string_view kTransactionalIntegrity = "5.9";
inline constexpr std::string_view kAuthenticationRequired = "7.2";
inline constexpr std::string_view kAuthenticationFailure = "7.4";
inline constexpr std::string_view kActionNotAuthorized = "7.5";
inline constexpr std::string_view kPolicyViolation = "7.7";

// The standard's description of a code, or an empty view for a code outside the public table.
std::string_view describe(std::string_view code);

}  // namespace cimbus::code
