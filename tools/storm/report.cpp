#include "report.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "object_state.hpp"
#include "territory.hpp"
#include "table.hpp"

namespace cimbus::storm {

namespace {

using reference::ObjectState;
using States = std::vector<ObjectState>;
// A request's object at its sender, and work at the WMS: refused is final at the sender only.
const States kSentFinal{ObjectState::closed, ObjectState::canceled, ObjectState::refused};
const States kTakenFinal{ObjectState::closed, ObjectState::canceled};
const States kClosed{ObjectState::closed};

std::string text(ObjectState state) { return std::string(reference::text_of(state)); }

StoreView::Params texts(const States& states) {
  StoreView::Params out;
  for (ObjectState s : states) out.push_back(text(s));
  return out;
}

std::string listed(const States& states) {
  std::string out;
  for (ObjectState s : states) out += (out.empty() ? "" : ", ") + text(s);
  return "(" + out + ")";
}

// `params` followed by `more`.
StoreView::Params with(StoreView::Params params, const StoreView::Params& more) {
  params.insert(params.end(), more.begin(), more.end());
  return params;
}

std::string str(std::int64_t n) { return std::to_string(n); }

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t i = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(i, values.size() - 1)];
}

// Objects of `noun` in `view` that reached one of `final_states` other than exactly once.
void final_exactly_once(const StoreView& view, const std::string& system, const std::string& noun, const States& final_states,
                        std::vector<std::string>& problems) {
  const auto rows = view.rows("SELECT r.mrid, r.state, (SELECT COUNT(*) FROM journal j WHERE j.noun = r.noun AND j.mrid = r.mrid "
                              "AND j.state IN (" + StoreView::placeholders(final_states.size()) + ")) FROM records r WHERE r.noun = ?",
                              with(texts(final_states), {noun}));
  for (const auto& row : rows) {
    const std::optional<ObjectState> state = reference::object_state(row[1]);
    if (!state || std::find(final_states.begin(), final_states.end(), *state) == final_states.end())
      problems.push_back(system + ": " + noun + " " + row[0] + " ended " + row[1] + ", not in a final state " + listed(final_states));
    else if (row[2] != "1")
      problems.push_back(system + ": " + noun + " " + row[0] + " reached a final state " + row[2] + " times");
  }
}

std::map<std::string, std::string> states(const StoreView& view, const std::string& noun) {
  std::map<std::string, std::string> out;
  for (const auto& row : view.rows("SELECT mrid, state FROM records WHERE noun = ?", {noun})) out[row[0]] = row[1];
  return out;
}

struct Refusal {
  std::string system, noun, verb;
  std::map<std::string, std::int64_t> codes;  // the refusals by their codes
  std::int64_t refused = 0, planned = 0;
  std::string why;  // of the planned ones
};

// Each system's refused requests (its journal's requests taken in and answered FAILED), beside
// those the plan meant to be refused.
std::vector<Refusal> refusals(const Stores& s, const Scenario& scenario, const Portal& portal) {
  std::map<std::tuple<std::string, std::string, std::string>, Refusal> by;
  auto at = [&by](const std::string& system, const std::string& noun, const std::string& verb) -> Refusal& {
    Refusal& r = by[{system, noun, verb}];
    r.system = system;
    r.noun = noun;
    r.verb = verb;
    return r;
  };
  for (const auto& [name, view] : s.adapters())
    for (const auto& row : view->rows("SELECT noun, verb, IFNULL(codes, ''), SUM(n) FROM counts WHERE direction = 'in' AND kind = 'request' "
                                      "AND result = 'failed' GROUP BY noun, verb, codes")) {
      Refusal& r = at(name, row[0], row[1]);
      r.refused += std::atoll(row[3].c_str());
      r.codes[row[2]] += std::atoll(row[3].c_str());
    }
  std::int64_t strangers = 0;
  for (const Call& c : scenario.calls) strangers += c.stranger ? 1 : 0;
  if (strangers > 0) {
    Refusal& r = at("oms", "TroubleTickets", "create");
    r.planned = strangers;
    r.why = "calls from numbers that are no customer";
  }
  for (const auto& o : portal.outcomes())
    if (o.expected != "OK") {
      Refusal& r = at("cis", "CustomerAgreements", o.what.substr(0, o.what.find_first_of(" ,")));
      ++r.planned;
      r.why = "the portal's requests that must fail";
    }
  std::vector<Refusal> out;
  for (auto& [key, r] : by) out.push_back(std::move(r));
  return out;
}

}  // namespace

bool Progress::settled(const Scenario& scenario) const {
  return calls == static_cast<std::int64_t>(scenario.calls.size()) && calls_final == calls &&
         needs == static_cast<std::int64_t>(scenario.needs.size()) && needs_final == needs && incidents_open == 0 && orders_open == 0 &&
         oms_tickets_open == 0 && orders == incidents;
}

Progress read_progress(const Stores& s) {
  Progress p;
  p.calls = s.cis.number("SELECT COUNT(*) FROM calls");
  p.calls_final = s.cis.number("SELECT COUNT(*) FROM calls c JOIN records r ON r.noun = 'TroubleTickets' AND r.mrid = c.ticket "
                               "WHERE r.state IN (" + StoreView::placeholders(kSentFinal.size()) + ")", texts(kSentFinal));
  p.needs = s.cis.number("SELECT COUNT(*) FROM service_needs");
  p.needs_final = s.cis.number("SELECT COUNT(*) FROM service_needs n JOIN records r ON r.noun = n.noun AND r.mrid = n.mrid "
                               "WHERE r.state IN (" + StoreView::placeholders(kSentFinal.size()) + ")", texts(kSentFinal));
  p.incidents = s.oms.number("SELECT COUNT(*) FROM records WHERE noun = 'Incidents'");
  p.incidents_open = s.oms.number("SELECT COUNT(*) FROM records WHERE noun = 'Incidents' AND state != ?", {text(ObjectState::closed)});
  p.oms_tickets_open = s.oms.number("SELECT COUNT(*) FROM records WHERE noun = 'TroubleTickets' AND state NOT IN (?, ?)",
                                    texts(kTakenFinal));
  p.oms_tickets = s.oms.number("SELECT COUNT(*) FROM records WHERE noun = 'TroubleTickets'");
  p.orders = s.wms.number("SELECT COUNT(*) FROM records WHERE noun = 'MaintenanceOrders'");
  p.orders_open = s.wms.number("SELECT COUNT(*) FROM records WHERE noun = 'MaintenanceOrders' AND state != ?", {text(ObjectState::closed)});
  return p;
}

void print_report(std::ostream& out, const Stores& s, const Scenario& scenario, const Portal& portal) {
  {  // Messages per noun and verb, as each adapter's journal counts them.
    std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> counts;
    for (const auto& [name, view] : s.adapters())
      for (const auto& row : view->rows("SELECT noun, verb, direction, SUM(n) FROM counts WHERE kind IN ('request', 'event', 'reply') "
                                        "AND result != 'retried' GROUP BY noun, verb, direction"))
        counts[{row[0], row[1]}][std::string(name) + " " + row[2]] = row[3];
    Table t("Messages per noun and verb (each adapter's journal: requests, events and replies taken in or sent out)",
            {"noun", "verb", "cis in", "cis out", "oms in", "oms out", "wms in", "wms out"});
    for (const auto& [key, by] : counts) {
      std::vector<std::string> row{key.first, key.second};
      for (const char* column : {"cis in", "cis out", "oms in", "oms out", "wms in", "wms out"}) {
        auto it = by.find(column);
        row.push_back(it == by.end() ? "" : it->second);
      }
      t.add(row);
    }
    t.print(out);
  }
  {  // How instances of one system shared the load (what each took in).
    Table t("Messages taken in per instance", {"instance", "requests", "events", "replies"});
    for (const auto& [name, view] : s.adapters())
      for (const auto& row : view->rows("SELECT instance, SUM(CASE WHEN kind = 'request' THEN n ELSE 0 END), "
                                        "SUM(CASE WHEN kind = 'event' THEN n ELSE 0 END), SUM(CASE WHEN kind = 'reply' THEN n ELSE 0 END) "
                                        "FROM counts WHERE direction = 'in' AND result != 'retried' GROUP BY instance ORDER BY instance"))
        t.add(row);
    t.print(out);
  }
  {  // Requests answered FAILED, and those the storm meant to be (callers who are no customer, the
     // portal's wrong changes).
    Table t("Requests refused (answered FAILED), as the system that refused them counts them; unplanned: a request that met its "
            "object already final (a race the systems settle: the final states are checked)",
            {"system", "noun", "verb", "refused", "codes", "planned"});
    for (const Refusal& r : refusals(s, scenario, portal)) {
      std::string codes;
      for (const auto& [code, n] : r.codes) codes += (codes.empty() ? "" : ", ") + std::to_string(n) + " " + (code.empty() ? "-" : code);
      t.add({r.system, r.noun, r.verb, str(r.refused), codes, r.planned > 0 ? str(r.planned) + " (" + r.why + ")" : "unplanned"});
    }
    t.print(out);
  }
  {  // Latency: from the CIS's request log, and the portal's own clock.
    std::map<std::string, std::vector<double>> by;
    for (const auto& row : s.cis.rows("SELECT noun || ' ' || verb, replied_at - sent_at FROM requests WHERE replied_at IS NOT NULL"))
      by["cis: " + row[0]].push_back(std::atof(row[1].c_str()));
    for (const auto& o : portal.outcomes()) by["portal: CustomerAgreements " + o.what].push_back(o.latency_ms);
    Table t("Request latency, sent to final reply (ms)", {"requester: noun verb", "n", "p50", "p90", "p99", "max"});
    for (const auto& [name, values] : by)
      t.add({name, str(static_cast<std::int64_t>(values.size())), fixed(percentile(values, 0.5), 0), fixed(percentile(values, 0.9), 0),
             fixed(percentile(values, 0.99), 0), fixed(percentile(values, 1.0), 0)});
    t.print(out);
  }
  {  // Incidents and restoration.
    std::vector<double> restoration;
    for (const auto& row : s.oms.rows("SELECT (SELECT MAX(at) FROM journal j WHERE j.noun = 'Incidents' AND j.mrid = r.mrid AND j.state = ?1) - "
                                      "(SELECT MIN(at) FROM journal j WHERE j.noun = 'Incidents' AND j.mrid = r.mrid) "
                                      "FROM records r WHERE r.noun = 'Incidents' AND r.state = ?1",
                                      {text(ObjectState::closed)}))
      restoration.push_back(std::atof(row[0].c_str()) / 1000.0);
    const std::int64_t incidents = s.oms.number("SELECT COUNT(*) FROM records WHERE noun = 'Incidents'");
    const std::int64_t tickets = s.oms.number("SELECT COUNT(*) FROM records WHERE noun = 'TroubleTickets'");
    Table t("Incidents (OMS)", {"incidents", "closed", "tickets", "customers", "tickets/incident", "restored p50 s", "p90 s", "max s"});
    t.add({str(incidents), str(s.oms.number("SELECT COUNT(*) FROM records WHERE noun = 'Incidents' AND state = ?", {text(ObjectState::closed)})), str(tickets),
           str(s.oms.number("SELECT COUNT(DISTINCT key) FROM records WHERE noun = 'TroubleTickets'")),
           fixed(incidents > 0 ? static_cast<double>(tickets) / static_cast<double>(incidents) : 0),
           fixed(percentile(restoration, 0.5)), fixed(percentile(restoration, 0.9)), fixed(percentile(restoration, 1.0))});
    t.print(out);
  }
  {  // Customers out per incident, as the OMS's outage summary tells the CIS (and a regulator).
    struct Outage {
      std::string name, state;
      std::int64_t total = 0, critical = 0, tickets = 0;
    };
    std::vector<Outage> outages;
    // An OMS outside the stack (--outside oms) tells its incidents' states, not their outages.
    const bool items = s.oms.number("SELECT COUNT(*) FROM outages") > 0 ||
                       s.oms.number("SELECT COUNT(*) FROM records WHERE noun = 'Incidents'") == 0;
    for (const auto& row : s.oms.rows("SELECT name, state, IFNULL(customers_out, 0), IFNULL(critical, 0), IFNULL(tickets, 0) FROM outages")) {
      Outage o;
      o.name = row[0];
      o.state = row[1];
      o.total = std::atoll(row[2].c_str());
      o.critical = std::atoll(row[3].c_str());
      o.tickets = std::atoll(row[4].c_str());
      outages.push_back(std::move(o));
    }
    std::sort(outages.begin(), outages.end(), [](const Outage& a, const Outage& b) {
      return std::tie(b.critical, b.total, a.name) < std::tie(a.critical, a.total, b.name);
    });
    constexpr std::size_t kShown = 15;
    Table t("Customers out per incident (OMS outage summary; critical: life support), most critical first",
            {"incident", "state", "customers out", "critical", "tickets"});
    std::int64_t total = 0, critical = 0, tickets = 0;
    for (std::size_t i = 0; i < outages.size(); ++i) {
      const Outage& o = outages[i];
      total += o.total;
      critical += o.critical;
      tickets += o.tickets;
      if (i < kShown) t.add({o.name, o.state, str(o.total), str(o.critical), str(o.tickets)});
    }
    if (outages.size() > kShown) t.add({"(" + std::to_string(outages.size() - kShown) + " more)", "", "", "", ""});
    if (!items) t.add({"(the OMS is outside: its incidents are not read)", "", "", "", ""});
    t.add({"all " + std::to_string(outages.size()) + " incidents", "", str(total), str(critical), str(tickets)});
    t.print(out);
  }
  {  // Tickets and work as the CIS sees them; orders as the WMS sees them.
    Table t("Final states", {"system", "noun", "state", "count"});
    for (const auto& row : s.cis.rows("SELECT noun, state, COUNT(*) FROM records WHERE noun != 'Incidents' AND noun != 'CustomerAgreements' "
                                      "GROUP BY noun, state ORDER BY noun, state"))
      t.add({"cis", row[0], row[1], row[2]});
    for (const auto& row : s.oms.rows("SELECT noun, state, COUNT(*) FROM records GROUP BY noun, state ORDER BY noun, state"))
      t.add({"oms", row[0], row[1], row[2]});
    for (const auto& row : s.wms.rows("SELECT noun, state, COUNT(*) FROM records GROUP BY noun, state ORDER BY noun, state"))
      t.add({"wms", row[0], row[1], row[2]});
    t.print(out);
  }
  {
    Table t("Customer notifications (CIS)", {"trigger", "notifications", "customers"});
    for (const auto& row : s.cis.rows("SELECT trigger_kind, COUNT(*), COUNT(DISTINCT customer) FROM notifications GROUP BY trigger_kind "
                                      "ORDER BY MIN(id)"))
      t.add(row);
    t.print(out);
  }
  {
    std::map<std::pair<std::string, std::string>, std::map<std::string, int>> by;
    for (const auto& o : portal.outcomes()) ++by[{o.what, o.expected}][o.got];
    Table t("Customer portal requests (CustomerAgreements, SOAP to the CIS's web services)", {"request", "expected", "answers"});
    for (const auto& [key, got] : by) {
      std::string answers;
      for (const auto& [code, n] : got) answers += (answers.empty() ? "" : ", ") + std::to_string(n) + " " + code;
      t.add({key.first, key.second, answers});
    }
    t.print(out);
  }
}

std::vector<std::string> check_conservation(const Stores& s, const reference::Territory& territory, const Scenario& scenario, const Portal& portal,
                                            int oms_instances) {
  std::vector<std::string> problems;
  // Every call became one ticket at the CIS, refused exactly when the caller is no customer.
  std::set<std::string> strangers;
  for (const Call& c : scenario.calls)
    if (c.stranger) strangers.insert(c.customer);
  const auto calls = s.cis.rows("SELECT c.id, c.customer, IFNULL(c.ticket, ''), IFNULL(r.state, '') FROM calls c "
                                "LEFT JOIN records r ON r.noun = 'TroubleTickets' AND r.mrid = c.ticket");
  if (calls.size() != scenario.calls.size())
    problems.push_back("cis: " + std::to_string(calls.size()) + " calls taken, " + std::to_string(scenario.calls.size()) + " made");
  for (const auto& row : calls) {
    if (row[2].empty()) {
      problems.push_back("cis: call " + row[0] + " never became a ticket");
      continue;
    }
    const bool stranger = strangers.count(row[1]) > 0;
    if (stranger != (row[3] == text(ObjectState::refused)))
      problems.push_back("cis: ticket " + row[2] + " of " + (stranger ? "a stranger" : "a customer") + " ended " + row[3]);
  }
  final_exactly_once(s.cis, "cis", "TroubleTickets", kSentFinal, problems);

  // The OMS holds exactly the tickets the CIS did not see refused, each closed or canceled once,
  // in the same final state as at the CIS.
  final_exactly_once(s.oms, "oms", "TroubleTickets", kTakenFinal, problems);
  const auto at_cis = states(s.cis, "TroubleTickets"), at_oms = states(s.oms, "TroubleTickets");
  for (const auto& [mrid, state] : at_cis) {
    auto oms = at_oms.find(mrid);
    if (state == text(ObjectState::refused)) {
      if (oms != at_oms.end()) problems.push_back("oms: holds ticket " + mrid + " that the CIS saw refused");
    } else if (oms == at_oms.end()) {
      problems.push_back("oms: does not know ticket " + mrid + " (" + state + " at the CIS)");
    } else if (oms->second != state) {
      problems.push_back("ticket " + mrid + ": " + state + " at the CIS, " + oms->second + " at the OMS");
    }
  }
  for (const auto& [mrid, state] : at_oms)
    if (!at_cis.count(mrid)) problems.push_back("oms: ticket " + mrid + " that the CIS never made");

  // Every incident closed once, with one maintenance order at the WMS closed once.
  final_exactly_once(s.oms, "oms", "Incidents", kClosed, problems);
  final_exactly_once(s.wms, "wms", "MaintenanceOrders", kClosed, problems);
  const std::int64_t incidents = s.oms.number("SELECT COUNT(*) FROM records WHERE noun = 'Incidents'");
  const std::int64_t orders = s.wms.number("SELECT COUNT(*) FROM records WHERE noun = 'MaintenanceOrders'");
  if (incidents != orders) problems.push_back(std::to_string(incidents) + " incidents at the OMS, " + std::to_string(orders) + " maintenance orders at the WMS");

  // Service work: one object per need, final once at the CIS and at the WMS, the same there.
  const auto needs = s.cis.rows("SELECT id, noun, IFNULL(mrid, '') FROM service_needs");
  if (needs.size() != scenario.needs.size())
    problems.push_back("cis: " + std::to_string(needs.size()) + " service needs taken, " + std::to_string(scenario.needs.size()) + " made");
  for (const char* noun : {"ServiceOrders", "ServiceRequests", "WorkRequests"}) {
    final_exactly_once(s.cis, "cis", noun, kSentFinal, problems);
    final_exactly_once(s.wms, "wms", noun, kTakenFinal, problems);
    const auto cis_work = states(s.cis, noun), wms_work = states(s.wms, noun);
    for (const auto& [mrid, state] : cis_work) {
      auto wms = wms_work.find(mrid);
      if (state == text(ObjectState::refused)) continue;
      if (wms == wms_work.end()) problems.push_back("wms: does not know " + std::string(noun) + " " + mrid);
      else if (wms->second != state) problems.push_back(std::string(noun) + " " + mrid + ": " + state + " at the CIS, " + wms->second + " at the WMS");
    }
  }
  for (const auto& row : needs)
    if (row[2].empty()) problems.push_back("cis: service need " + row[0] + " never became " + row[1]);

  // The portal got every answer it expected, once.
  if (portal.answered() != portal.planned())
    problems.push_back("portal: " + std::to_string(portal.answered()) + " of " + std::to_string(portal.planned()) + " requests answered");
  for (const auto& o : portal.outcomes())
    if (o.got != o.expected) problems.push_back("portal: " + o.what + " answered " + o.got + ", expected " + o.expected + (o.reasons.empty() ? "" : " (" + o.reasons + ")"));

  // Instances of the OMS shared the load (each handled tickets exactly once is checked above).
  if (oms_instances > 1) {
    for (int n = 1; n <= oms_instances; ++n) {
      const std::string instance = "oms-" + std::to_string(n);
      if (s.oms_adapter.number("SELECT SUM(n) FROM counts WHERE instance = ? AND direction = 'in' AND kind IN ('request', 'event')", {instance}) == 0)
        problems.push_back("oms: instance " + instance + " took no request or event: the load was not shared");
    }
  }

  // What was meant to be refused was, once each: a caller who is no customer, a wrong change from
  // the portal. (Other refusals are races that the final states above settle.)
  for (const Refusal& r : refusals(s, scenario, portal))
    if (r.planned > 0 && r.refused != r.planned)
      problems.push_back(r.system + ": " + std::to_string(r.refused) + " " + r.noun + " " + r.verb + " refused, " + std::to_string(r.planned) + " planned");

  // Nothing left to send, nothing given up.
  for (const auto& [name, view] : s.adapters()) {
    if (view->number("SELECT COUNT(*) FROM backlog") == 0)
      problems.push_back(std::string(name) + ": its adapter's backlog (GET /backlog) was never read");
    if (const auto left = view->number("SELECT SUM(outbox_rows) FROM backlog"); left > 0)
      problems.push_back(std::string(name) + ": " + std::to_string(left) + " messages still in the outbox");
    if (const auto dead = view->number("SELECT SUM(inbox_dead) FROM backlog"); dead > 0)
      problems.push_back(std::string(name) + ": " + std::to_string(dead) + " messages given up (dead-lettered)");
  }
  // Critical customers (life support) are told first: when the crew is dispatched and when power
  // is restored, each incident's customers are told at once, and no other customer before a
  // critical one. (initialEtr and etrChange follow tickets as they come.)
  std::map<std::string, bool> critical;  // by customer mRID, of the customers told
  auto is_critical = [&](const std::string& customer) {
    auto [known, added] = critical.try_emplace(customer, false);
    if (added) {
      const std::optional<reference::Site> site = territory.by_customer(customer);
      known->second = site && site->life_support;
    }
    return known->second;
  };
  std::set<std::string> late;
  std::map<std::pair<std::string, std::string>, bool> someone_else_told;  // (incident, trigger)
  for (const auto& row : s.cis.rows("SELECT incident, trigger_kind, customer FROM notifications "
                                    "WHERE trigger_kind IN ('informDispatched', 'powerRestored') ORDER BY id")) {
    bool& before = someone_else_told[{row[0], row[1]}];
    if (is_critical(row[2]) && before) late.insert(row[0] + " " + row[1]);
    if (!is_critical(row[2])) before = true;
  }
  for (const std::string& what : late) problems.push_back("cis: a critical customer was told after others (" + what + ")");
  return problems;
}

}  // namespace cimbus::storm
