// Who may send what (core/runtime/src/authorizations.hpp): rules by organisation, noun and verb,
// wildcards, the operations of an OperationSet, and the codes of a refusal.

#include <gtest/gtest.h>

#include "authorizations.hpp"

namespace cimbus::adapter::detail {
namespace {

config::Authorization rule(const std::string& organization, std::vector<std::string> nouns, std::vector<std::string> verbs) {
  config::Authorization r;
  r.set_organization(organization);
  for (const auto& n : nouns) r.add_nouns(n);
  for (const auto& v : verbs) r.add_verbs(v);
  return r;
}

Envelope message(const std::string& organization, const std::string& noun, msg::HeaderType_Verb::Value verb) {
  Envelope e;
  auto* h = e.mutable_message()->mutable_header();
  h->set_noun(noun);
  h->set_verb(verb);
  if (!organization.empty()) h->mutable_user()->set_organization(organization);
  return e;
}

TEST(Authorizations, WithoutRulesEverythingIsAllowed) {
  EXPECT_EQ(Authorizations({}).refusal(message("", "TroubleTickets", msg::HeaderType_Verb::create)), std::nullopt);
}

TEST(Authorizations, RulesByOrganisationNounAndVerb) {
  const Authorizations rules({rule("CIS-Utility", {"TroubleTickets"}, {"create", "get"}), rule("Auditor", {"*"}, {"get"}),
                              rule("*", {"Incidents"}, {})});
  EXPECT_EQ(rules.refusal(message("CIS-Utility", "TroubleTickets", msg::HeaderType_Verb::create)), std::nullopt);
  EXPECT_EQ(rules.refusal(message("Auditor", "WorkRequests", msg::HeaderType_Verb::get)), std::nullopt);
  EXPECT_EQ(rules.refusal(message("Anyone", "Incidents", msg::HeaderType_Verb::get)), std::nullopt);
  auto denied = rules.refusal(message("CIS-Utility", "TroubleTickets", msg::HeaderType_Verb::cancel));
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->code, "7.5");
  EXPECT_EQ(denied->reason, "organisation CIS-Utility may not send cancel TroubleTickets here");
  denied = rules.refusal(message("", "Incidents", msg::HeaderType_Verb::get));
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->code, "7.2") << "a wildcard rule still needs an organisation named";
}

TEST(Authorizations, EveryOperationOfAnOperationSetMustBeAllowed) {
  const Authorizations rules({rule("CIS-Utility", {"OperationSet", "TroubleTickets"}, {"execute", "create"})});
  Envelope set = message("CIS-Utility", "OperationSet", msg::HeaderType_Verb::execute);
  auto* operations = set.mutable_message()->mutable_payload()->mutable_operation_set();
  auto* first = operations->add_operation();
  first->set_operation_id(1);
  first->set_noun("TroubleTickets");
  first->set_verb("create");
  EXPECT_EQ(rules.refusal(set), std::nullopt);
  auto* second = operations->add_operation();
  second->set_operation_id(2);
  second->set_noun("TroubleTickets");
  second->set_verb("cancel");
  const auto denied = rules.refusal(set);
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->code, "7.5");
  EXPECT_NE(denied->reason.find("cancel TroubleTickets here (operationId 2)"), std::string::npos) << denied->reason;
}

}  // namespace
}  // namespace cimbus::adapter::detail
