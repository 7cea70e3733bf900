// The synthetic territory (adapters/common/territory.hpp): mRIDs that carry their index, sites
// computed on demand, and the same mRIDs as its Python twin (tests/connectors/external_oms.py).

#include <set>

#include <gtest/gtest.h>

#include "territory.hpp"

namespace cimbus::reference {
namespace {

TEST(Territory, AnMridGivesBackItsIndexAndNoOtherMridDoes) {
  for (int index : {0, 1, 36, 999, 2'199'999, 4'999'999, TerritoryOptions::kMostCustomers - 1}) {
    const std::string uuid = stable_uuid(61968, "customer", index);
    EXPECT_EQ(stable_index(61968, "customer", uuid), index) << uuid;
    EXPECT_FALSE(stable_index(61968, "agreement", uuid)) << "another kind's mask gives another index";
    EXPECT_FALSE(stable_index(7, "customer", uuid)) << "another seed";
  }
  const std::string uuid = stable_uuid(61968, "customer", 42);
  std::string upper = uuid;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& other : {std::string(), uuid.substr(1), uuid + "0", upper, std::string("0c2a4e6f-8b1d-4c3e-9f5a-7b9d1e3f5a7c"),
                                   uuid.substr(0, 35) + (uuid[35] == '0' ? "1" : "0"), uuid.substr(0, 28) + "zzzzzzzz"})
    EXPECT_FALSE(stable_index(61968, "customer", other)) << "'" << other << "'";
}

TEST(Territory, MridsAreUuidsOfVersion4AndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) {
    const std::string uuid = stable_uuid(61968, "customer", i);
    ASSERT_EQ(uuid.size(), 36u);
    EXPECT_EQ(uuid[14], '4');
    EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos);
    EXPECT_TRUE(seen.insert(uuid).second) << uuid;
  }
}

// The values the Python twin computes (external_oms.stable_uuid): the external OMS of the JSON
// connector tests finds the storm's customers by them.
TEST(Territory, MridsAreThoseOfThePythonTwin) {
  EXPECT_EQ(stable_uuid(61968, "customer", 0), "8fb887b1-e9ea-4c7c-9a49-2ad0e502f638");
  EXPECT_EQ(stable_uuid(61968, "agreement", 2'199'999), "9629374b-f187-4314-b134-629dc9a2cffa");
}

TEST(Territory, FiveMillionCustomersCostNothingUntilAsked) {
  const Territory territory({61968, 5'000'000, 8, 25});
  EXPECT_EQ(territory.transformers(), 625'000);
  EXPECT_EQ(territory.feeders(), 25'000);
  const Site last = territory.site(4'999'999);
  EXPECT_EQ(last.transformer, 624'999);
  EXPECT_EQ(territory.by_customer(last.customer)->index, 4'999'999);
  EXPECT_EQ(territory.by_agreement(last.agreement)->customer, last.customer);
  EXPECT_EQ(territory.by_service_location(last.service_location)->agreement, last.agreement);
  EXPECT_FALSE(territory.by_customer(last.agreement)) << "an agreement's mRID names no customer";
  EXPECT_FALSE(Territory({61968, 1000, 8, 25}).by_customer(last.customer)) << "beyond a smaller territory";
  const std::vector<Site> fed = territory.sites_of_transformer(624'999);
  ASSERT_EQ(fed.size(), 8u);
  EXPECT_EQ(fed.back().index, 4'999'999);
  EXPECT_EQ(Territory({61968, 10, 8, 25}).sites_of_transformer(1).size(), 2u) << "the last transformer feeds the rest";
  EXPECT_THROW(territory.site(5'000'000), std::out_of_range);
  EXPECT_THROW(territory.site(-1), std::out_of_range);
}

TEST(Territory, SizesOutOfRangeAreRefusedWithTheSettingsName) {
  EXPECT_THROW(Territory({61968, 0, 8, 25}), std::invalid_argument);
  EXPECT_THROW(Territory({61968, TerritoryOptions::kMostCustomers + 1, 8, 25}), std::invalid_argument);
  try {
    TerritoryOptions::from_settings({{"customers", "99999999999"}});
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("connector.settings.customers"), std::string::npos) << e.what();
  }
  EXPECT_EQ(TerritoryOptions::from_settings({{"customers", "5000000"}}).customers, 5'000'000);
}

}  // namespace
}  // namespace cimbus::reference
