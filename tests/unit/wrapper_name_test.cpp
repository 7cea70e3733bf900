#include <gtest/gtest.h>

#include "cimbus/codec/wrapper_name.hpp"

namespace cimbus {
namespace {

using V = msg::HeaderType_Verb;
using Form = WrapperName::Form;

TEST(WrapperName, RecognisesEveryPattern) {
  struct Case { const char* name; Envelope::Archetype archetype; Form form; const char* noun; std::optional<Verb> verb; };
  const Case cases[] = {
      {"CreateServiceOrders", Envelope::REQUEST_MESSAGE, Form::plain, "ServiceOrders", V::create},
      {"CreatedServiceOrders", Envelope::EVENT_MESSAGE, Form::plain, "ServiceOrders", V::created},
      {"DeleteWorkRequests", Envelope::REQUEST_MESSAGE, Form::plain, "WorkRequests", V::delete_},
      {"CanceledTroubleTickets", Envelope::EVENT_MESSAGE, Form::plain, "TroubleTickets", V::canceled},
      {"ServiceOrdersResponseMessage", Envelope::RESPONSE_MESSAGE, Form::plain, "ServiceOrders", V::reply},
      {"ServiceOrdersFaultMessage", Envelope::FAULT_MESSAGE, Form::plain, "ServiceOrders", std::nullopt},
      {"GetMaintenanceOrdersRequestMessage", Envelope::REQUEST_MESSAGE, Form::get, "MaintenanceOrders", V::get},
      {"GetMaintenanceOrdersResponseMessage", Envelope::RESPONSE_MESSAGE, Form::get, "MaintenanceOrders", V::reply},
      {"GetMaintenanceOrdersFaultMessage", Envelope::FAULT_MESSAGE, Form::get, "MaintenanceOrders", std::nullopt},
      {"ExecuteWorkRequestsOperationSet", Envelope::REQUEST_MESSAGE, Form::operation_set, "WorkRequests", V::execute},
      {"ExecutedWorkRequestsOperationSet", Envelope::EVENT_MESSAGE, Form::operation_set, "WorkRequests", V::executed},
      {"WorkRequestsOperationSetResponseMessage", Envelope::RESPONSE_MESSAGE, Form::operation_set, "WorkRequests", V::reply},
  };
  for (const Case& c : cases) {
    auto w = WrapperName::parse(c.name);
    ASSERT_TRUE(w.has_value()) << c.name;
    EXPECT_EQ(w->archetype, c.archetype) << c.name;
    EXPECT_EQ(w->form, c.form) << c.name;
    EXPECT_EQ(w->noun, c.noun) << c.name;
    EXPECT_EQ(w->verb, c.verb) << c.name;
    EXPECT_EQ(WrapperName::element_name(c.archetype, c.form, c.noun, c.verb), c.name);
  }
}

TEST(WrapperName, RejectsWhatIsNotAWrapper) {
  for (const char* name : {"RequestMessage", "Create", "Createservice", "FooRequestMessage", "Update Orders", "ResponseMessage", ""})
    EXPECT_FALSE(WrapperName::parse(name).has_value()) << name;
}

TEST(WrapperName, NamespaceMustFitThePattern) {
  auto w = WrapperName::parse("GetServiceOrdersRequestMessage");
  EXPECT_TRUE(w->namespace_fits("http://iec.ch/TC57/2015/GetServiceOrdersMessage"));
  EXPECT_FALSE(w->namespace_fits("http://iec.ch/TC57/2015/ServiceOrdersMessage"));
  EXPECT_TRUE(WrapperName::parse("CreateServiceOrders")->namespace_fits("http://iec.ch/TC57/2015/ServiceOrdersMessage"));
}

}  // namespace
}  // namespace cimbus
