// The three role processes (cimbus-cis, cimbus-oms, cimbus-wms) as deployed (deploy/*.json, a
// broker with the topology generated from them), answering another system: get for every noun,
// and bad input per noun answered with a precise code while every process stays up. The flows
// themselves run in the storm tests (tests/storm).

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cimbus/runtime/adapter.hpp"
#include "cimbus/bus/bus.hpp"
#include "cimbus/bus/envelope_mapping.hpp"
#include "cimbus/bus/topology.hpp"
#include "cimbus/customer/customer_agreements.pb.h"
#include "cimbus/customer/get_customer_agreements.pb.h"
#include "cimbus/customer/trouble_tickets.pb.h"
#include "cimbus/codec/uuid.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "messages.hpp"
#include "nouns.hpp"
#include "territory.hpp"
#include "test_adapter.hpp"
#include "test_broker.hpp"
#include "test_files.hpp"

namespace cimbus::adapter {
namespace {

using namespace std::chrono_literals;
using V = msg::HeaderType_Verb;
using R = msg::ReplyType_Result;

const std::map<std::string, std::string> kSettings = {{"customers", "100"}, {"seed", "7"}, {"step_ms", "100"}};

// Which system serves which noun (deploy/*.json), and the verb that changes it.
const std::vector<std::pair<std::string, std::string>> kNouns = {
    {"TroubleTickets", "oms"},    {"Incidents", "oms"},       {"MaintenanceOrders", "wms"}, {"ServiceOrders", "wms"},
    {"WorkRequests", "wms"},      {"ServiceRequests", "wms"}, {"CustomerAgreements", "cis"}};

std::string first_code(const Envelope& reply) {
  return reply.message().reply().error_size() > 0 ? reply.message().reply().error(0).code() : std::string();
}

class Roles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    broker_ = test::test_broker();
    dir_ = std::string(CIMBUS_TEST_TMP) + "/roles";
    std::filesystem::remove_all(dir_);
    for (const std::string role : {"wms", "oms", "cis"}) {
      AdapterOptions o = test::adapter_options(std::string(CIMBUS_SOURCE_DIR) + "/deploy/" + role + ".json", broker_, role + "-1", dir_);
      for (const auto& [name, value] : kSettings) (*o.config.mutable_connector()->mutable_settings())[name] = value;
      processes_[role] = std::make_unique<test::AdapterProcess>(std::vector<std::string>{std::string(CIMBUS_BIN_DIR) + "/cimbus-" + role,
                                                                                        test::write_config(o, dir_)},
                                                                std::chrono::seconds(60), dir_ + "/" + role + ".log");
    }
    config::AdapterConfig c;
    c.set_system("tester");
    c.set_instance("tester-1");
    c.mutable_broker()->add_urls(broker_.url);
    c.mutable_broker()->set_user(broker_.user);
    c.mutable_broker()->set_password(broker_.password);
    c.mutable_broker()->set_allow_plain_without_tls(true);  // the private broker, on loopback
    c.set_store(dir_ + "/tester.sqlite");
    client_ = std::make_unique<Adapter>(AdapterOptions::from_config(c));
    client_->start();
    ASSERT_TRUE(client_->wait_ready(30s));
    raw_ = std::make_unique<bus::Bus>(test::connection_to(broker_));
    bus::ReceiveOptions durable;
    durable.durable = true;
    raw_->receive(bus::BrokerProfile::rabbitmq().own_queue_address("reply.roles-raw"), [](const bus::AmqpMessage& m) {
      std::lock_guard<std::mutex> lock(raw_mutex_);
      raw_replies_.push_back(m);
      raw_arrived_.notify_all();
      return bus::Outcome::accepted;
    }, durable);
    raw_->start();
  }

  static void TearDownTestSuite() {
    raw_.reset();
    if (client_) client_->stop();
    client_.reset();
    for (auto& [role, p] : processes_) EXPECT_EQ(p->stop(), 0) << role << " did not stop cleanly";
    processes_.clear();
  }

  void TearDown() override {
    for (auto& [role, p] : processes_) EXPECT_TRUE(p->running()) << role << " is down after " << test_name();
  }

  static std::string test_name() { return ::testing::UnitTest::GetInstance()->current_test_info()->name(); }

  static Replies ask(Envelope request) { return client_->request(std::move(request), 30s).get(); }

  // Raw bytes to (noun, verb)'s route with reply-to the raw queue; the final answer (a reply or a
  // fault; an asynchronous request's acknowledgement is passed over).
  static std::optional<Envelope> send_raw(const std::string& noun, Verb verb, const std::string& body, const std::string& id) {
    bus::AmqpMessage m;
    m.body = body;
    m.message_id = id;
    m.reply_to = "reply.roles-raw";
    m.content_type = "application/xml";
    raw_->send(bus::BrokerProfile::rabbitmq().publish_address(bus::routing_key(noun, verb)), m).get();
    std::unique_lock<std::mutex> lock(raw_mutex_);
    std::optional<Envelope> found;
    raw_arrived_.wait_for(lock, 30s, [&] {
      for (const auto& r : raw_replies_) {
        XmlCodec codec;
        DecodeResult d = codec.decode(r.body);
        const std::string& correlation = d.envelope.message().header().correlation_id();
        if (first_code(d.envelope) == "0.3") continue;
        if (correlation == id || (correlation.empty() && r.correlation_id == id)) {
          found = d.envelope;
          return true;
        }
      }
      return false;
    });
    return found;
  }

  static test::TestBroker broker_;
  static std::string dir_;
  static std::map<std::string, std::unique_ptr<test::AdapterProcess>> processes_;
  static std::unique_ptr<Adapter> client_;
  static std::unique_ptr<bus::Bus> raw_;
  static std::mutex raw_mutex_;
  static std::condition_variable raw_arrived_;
  static std::vector<bus::AmqpMessage> raw_replies_;
};

test::TestBroker Roles::broker_;
std::string Roles::dir_;
std::map<std::string, std::unique_ptr<test::AdapterProcess>> Roles::processes_;
std::unique_ptr<Adapter> Roles::client_;
std::unique_ptr<bus::Bus> Roles::raw_;
std::mutex Roles::raw_mutex_;
std::condition_variable Roles::raw_arrived_;
std::vector<bus::AmqpMessage> Roles::raw_replies_;

TEST_F(Roles, EveryNounAnswersGet) {
  for (const auto& [noun, system] : kNouns) {
    Replies r = ask(reference::make_get(noun, nullptr));
    EXPECT_NE(r.result(), R::FAILED) << noun << " get at " << system << ": " << first_code(r.last());
    EXPECT_EQ(r.last().message().header().source(), system) << noun;
  }
  // A seeded agreement, by its ID: the CIS owns one per customer of the territory.
  const reference::Territory territory(reference::TerritoryOptions::from_settings(kSettings));
  Replies r = ask(reference::make_get("CustomerAgreements", nullptr, {territory.site(3).agreement}));
  ASSERT_EQ(r.result(), R::OK) << first_code(r.last());
  customer::customer_agreements::CustomerAgreements found;
  ASSERT_EQ(r.last().payload_objects_size(), 1);
  ASSERT_TRUE(r.last().payload_objects(0).UnpackTo(&found));
  ASSERT_EQ(found.customer_agreement_size(), 1);
  EXPECT_EQ(found.customer_agreement(0).customer().m_rid(), territory.site(3).customer);
}

// The territory's agreements are not kept until one changes (the reference CIS derives them), yet
// a get finds each one by its ID and by its customer, as it was and once changed, and a get of all
// finds every customer's agreement once.
TEST_F(Roles, ATerritoryAgreementIsFoundByIdAndByCustomerBeforeAndAfterItChanges) {
  using customer::customer_agreements::CustomerAgreements;
  const reference::Territory territory(reference::TerritoryOptions::from_settings(kSettings));
  const reference::Site site = territory.site(11);
  auto one = [](const Replies& r) {
    CustomerAgreements found;
    EXPECT_EQ(r.result(), R::OK) << first_code(r.last());
    const Envelope merged = r.merged();
    if (merged.payload_objects_size() == 1) {
      EXPECT_TRUE(merged.payload_objects(0).UnpackTo(&found));
    }
    EXPECT_EQ(found.customer_agreement_size(), 1);
    return found.customer_agreement_size() == 1 ? found.customer_agreement(0) : customer::customer_agreements::CustomerAgreement();
  };
  customer::get_customer_agreements::GetCustomerAgreements by_customer;
  by_customer.add_customer()->set_m_rid(site.customer);
  auto before = one(ask(reference::make_get("CustomerAgreements", &by_customer)));
  EXPECT_EQ(before.m_rid(), site.agreement);
  EXPECT_EQ(before.load_mgmt(), "none");
  EXPECT_EQ(before.customer().names(0).name(), site.name);

  CustomerAgreements change;
  change.add_customer_agreement()->set_m_rid(site.agreement);
  change.mutable_customer_agreement(0)->set_load_mgmt("peak shaving");
  ASSERT_EQ(ask(reference::make_message("CustomerAgreements", V::change, &change)).result(), R::OK);
  EXPECT_EQ(one(ask(reference::make_get("CustomerAgreements", &by_customer))).load_mgmt(), "peak shaving");
  auto after = one(ask(reference::make_get("CustomerAgreements", nullptr, {site.agreement})));
  EXPECT_EQ(after.load_mgmt(), "peak shaving");
  EXPECT_EQ(after.customer_account().m_rid(), site.account) << "a change keeps what it does not name";

  // All of them: each customer's agreement once, the changed one as changed.
  const Envelope all = ask(reference::make_get("CustomerAgreements", nullptr)).merged();
  std::map<std::string, int> seen;
  for (const auto& any : all.payload_objects()) {
    CustomerAgreements page;
    ASSERT_TRUE(any.UnpackTo(&page));
    for (const auto& a : page.customer_agreement()) {
      ++seen[a.m_rid()];
      if (a.m_rid() == site.agreement) {
        EXPECT_EQ(a.load_mgmt(), "peak shaving");
      }
    }
  }
  for (int i = 0; i < territory.customers(); ++i) EXPECT_EQ(seen[territory.site(i).agreement], 1) << "customer " << i;
}

TEST_F(Roles, ARequestWithoutPayloadIsRefusedWith1_7ByEveryNoun) {
  for (const auto& [noun, system] : kNouns) {
    if (noun == "Incidents") continue;  // the OMS owns incidents: nobody else changes them
    Replies r = ask(reference::make_message(noun, noun == "CustomerAgreements" ? V::change : V::create, nullptr));
    EXPECT_EQ(r.result(), R::FAILED) << noun;
    EXPECT_EQ(first_code(r.last()), "1.7") << noun;
  }
}

TEST_F(Roles, AnUnknownObjectIsRefusedWithTheNounsCode) {
  for (const auto& [noun, system] : kNouns) {
    if (noun == "Incidents") continue;
    std::vector<std::unique_ptr<google::protobuf::Message>> item;
    item.push_back(reference::new_item(reference::noun_model(noun)));
    item.back()->GetReflection()->SetString(item.back().get(), item.back()->GetDescriptor()->FindFieldByName("m_rid"), new_uuid());
    const auto payload = reference::root_with(reference::noun_model(noun), item);
    Replies r = ask(reference::make_message(noun, V::cancel, payload.get()));
    EXPECT_EQ(r.result(), R::FAILED) << noun;
    EXPECT_EQ(first_code(r.last()), noun == "CustomerAgreements" ? "2.24" : "2.15") << noun;
  }
}

TEST_F(Roles, AnUnknownCustomerOnATicketIs2_22AndAnAgreementChangeBreakingARuleIs6_1) {
  customer::trouble_tickets::TroubleTickets tickets;
  auto* t = tickets.add_trouble_ticket();
  t->set_m_rid(new_uuid());
  t->mutable_customer()->set_m_rid(new_uuid());
  Replies r = ask(reference::make_message("TroubleTickets", V::create, &tickets));
  EXPECT_EQ(first_code(r.last()), "2.22");

  const reference::Territory territory(reference::TerritoryOptions::from_settings(kSettings));
  customer::customer_agreements::CustomerAgreements agreements;
  agreements.add_customer_agreement()->set_m_rid(territory.site(5).agreement);
  ASSERT_EQ(ask(reference::make_message("CustomerAgreements", V::cancel, &agreements)).result(), R::OK);
  agreements.mutable_customer_agreement(0)->set_load_mgmt("peak shaving");
  r = ask(reference::make_message("CustomerAgreements", V::change, &agreements));
  EXPECT_EQ(first_code(r.last()), "6.1") << "a terminated agreement cannot change";
}

// Raw input per noun, from the example messages: malformed XML, an element the noun's schema does
// not have, a DOCTYPE (XXE), and a replay of a create.
TEST_F(Roles, HostileInputPerNounGetsAPreciseCodeAndAReplayIsExecutedOnce) {
  const std::vector<std::pair<std::string, Verb>> examples = {{"TroubleTickets", V::create},    {"MaintenanceOrders", V::create},
                                                             {"WorkRequests", V::create},      {"ServiceRequests", V::create},
                                                             {"CustomerAgreements", V::change}};
  for (const auto& [noun, verb] : examples) {
    const std::string file = std::string(CIMBUS_EXAMPLES_DIR) + "/" + noun + "-" + to_literal(verb) + ".xml";
    const std::string original = test::read_file(file);
    ASSERT_FALSE(original.empty()) << file;
    const std::string old_id = original.substr(original.find("<MessageID>") + 11, 36);
    // A fresh MessageID, and the answer to the raw queue rather than to the example's ReplyAddress.
    auto with_id = [&](std::string xml, const std::string& id) {
      xml.replace(xml.find(old_id), old_id.size(), id);
      const std::size_t reply_to = xml.find("<ReplyAddress>");
      if (reply_to != std::string::npos)
        xml.replace(reply_to, xml.find("</ReplyAddress>") - reply_to, "<ReplyAddress>reply.roles-raw");
      return xml;
    };

    std::string id = new_uuid();
    auto answer = send_raw(noun, verb, with_id(original, id).substr(0, original.size() / 2), id);  // cut in half
    ASSERT_TRUE(answer) << noun << ": no answer to malformed XML";
    EXPECT_EQ(answer->archetype(), Envelope::FAULT_MESSAGE) << noun;
    EXPECT_EQ(first_code(*answer), "1.8") << noun;

    id = new_uuid();
    std::string invalid = with_id(original, id);
    const std::size_t mrid = invalid.find("<m:mRID>", invalid.find("Payload>"));
    ASSERT_NE(mrid, std::string::npos) << noun;
    invalid.insert(mrid, "<m:bogus>1</m:bogus>");
    answer = send_raw(noun, verb, invalid, id);
    ASSERT_TRUE(answer) << noun << ": no answer to a schema-invalid payload";
    EXPECT_EQ(answer->message().reply().result(), R::FAILED) << noun;
    EXPECT_EQ(first_code(*answer), "1.8") << noun;

    id = new_uuid();
    std::string xxe = with_id(original, id);
    xxe.insert(xxe.find("?>") + 2, "\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>");
    answer = send_raw(noun, verb, xxe, id);
    ASSERT_TRUE(answer) << noun << ": no answer to a DOCTYPE";
    EXPECT_EQ(answer->archetype(), Envelope::FAULT_MESSAGE) << noun;
    EXPECT_FALSE(first_code(*answer).empty()) << noun;
    EXPECT_EQ(answer->SerializeAsString().find("root:"), std::string::npos) << noun << ": the entity was expanded";

    id = new_uuid();
    const std::string once = with_id(original, id);
    answer = send_raw(noun, verb, once, id);
    ASSERT_TRUE(answer) << noun;
    const std::string first_reply_id = answer->message().header().message_id();
    {
      std::lock_guard<std::mutex> lock(raw_mutex_);
      raw_replies_.clear();
    }
    auto again = send_raw(noun, verb, once, id);
    ASSERT_TRUE(again) << noun << ": no answer to the replay";
    EXPECT_EQ(again->message().header().message_id(), first_reply_id)
        << noun << ": a replay gets the stored reply, not a new execution (first " << first_code(*answer) << ", then " << first_code(*again) << ")";
  }
}

}  // namespace
}  // namespace cimbus::adapter
