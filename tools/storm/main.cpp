// cimbus-storm: the storm scenario on the three adapter processes. It starts cimbus-cis, -oms and
// -wms on a broker that already has their topology (scripts/demo prepares it), lets faults strike
// a synthetic territory, feeds the calls and service needs into the CIS, plays a customer portal
// against the CIS's agreements, shows a progress bar, then stops every process and prints the
// report and the conservation check. Exit status 0 only with `conservation: OK`.

#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cimbus/store/postgresql_engine.hpp"
#include "cimbus/bus/connection_options.hpp"
#include "cimbus/codec/uuid.hpp"
#include "intake.hpp"
#include "portal.hpp"
#include "report.hpp"
#include "cimbus/runtime/stop_signals.hpp"
#include "stack.hpp"
#include "system_state.hpp"
#include "table.hpp"
#include "timeline.hpp"

namespace {

using namespace cimbus::storm;
using Clock = std::chrono::steady_clock;

std::string bar(double done, int width = 24) {
  const int filled = static_cast<int>(done * width + 0.5);
  return "[" + std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(width - filled), '-') + "]";
}

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled), terminal_(isatty(STDERR_FILENO) != 0) {}

  void show(const Progress& p, const Scenario& s, const Portal& portal, double seconds) {
    if (!enabled_) return;
    const double total = static_cast<double>(s.calls.size() + s.needs.size() + portal.planned()) + static_cast<double>(p.incidents);
    const double done = static_cast<double>(p.calls_final + p.needs_final + static_cast<std::int64_t>(portal.answered()) +
                                            (p.incidents - p.incidents_open));
    const double share = total > 0 ? std::min(1.0, done / total) : 0;
    const std::string line = fmt::format("{} {:.0f}%  tickets {}/{}  work {}/{}  portal {}/{}  incidents {} open of {}  crews out {}  {:.1f} s",
                                         bar(share), share * 100, p.calls_final, s.calls.size(), p.needs_final, s.needs.size(),
                                         portal.answered(), portal.planned(), p.incidents_open, p.incidents, p.orders_open, seconds);
    if (terminal_) {
      std::cerr << "\r" << line << "   " << std::flush;
    } else if (seconds >= next_line_) {  // a log, not a terminal: a line every few seconds
      std::cerr << line << "\n";
      next_line_ = seconds + 5;
    }
  }
  void note(const std::string& text) {
    if (enabled_ && terminal_) std::cerr << "\n";
    std::cerr << "storm: " << text << "\n";
  }
  void end() {
    if (enabled_ && terminal_) std::cerr << "\n";
  }

 private:
  bool enabled_;
  bool terminal_;
  double next_line_ = 0;
};

// "ROLE=VALUE" options into o.outside; throws std::invalid_argument naming what is wrong.
void read_outside_systems(const std::vector<std::string>& urls, const std::vector<std::string>& connectors,
                          const std::vector<std::string>& listens, StormOptions& o) {
  auto split = [](const std::string& option, const std::string& text) {
    const auto eq = text.find('=');
    const std::string role = text.substr(0, eq);
    if (eq == std::string::npos || (role != "oms" && role != "wms"))
      throw std::invalid_argument(option + " " + text + ": ROLE=VALUE, with ROLE oms or wms (the CIS is the storm's intake)");
    return std::pair<std::string, std::string>{role, text.substr(eq + 1)};
  };
  for (const auto& u : urls) {
    auto [role, url] = split("--outside", u);
    o.outside[role].url = url;
  }
  for (const auto& c : connectors) {
    auto [role, kind] = split("--outside-connector", c);
    if (kind != "web_services" && kind != "json") throw std::invalid_argument("--outside-connector " + c + ": web_services or json");
    if (!o.outside.count(role)) throw std::invalid_argument("--outside-connector " + c + ": no --outside " + role + "=URL");
    o.outside[role].connector = kind;
  }
  for (const auto& l : listens) {
    auto [role, listen] = split("--outside-listen", l);
    if (!o.outside.count(role)) throw std::invalid_argument("--outside-listen " + l + ": no --outside " + role + "=URL");
    o.outside[role].listen = listen;
  }
  for (const auto& [role, system] : o.outside)
    if (system.listen.empty())
      throw std::invalid_argument("--outside " + role + "=" + system.url + " needs --outside-listen " + role +
                                  "=HOST:PORT (where the outside system publishes its changes)");
}

std::string here() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : self.parent_path().string();
}

int run(StormOptions o) {
  // Blocked before any thread starts: Ctrl-C or SIGTERM ends the storm early, and the linger, with
  // every process stopped and the report of what was done.
  cimbus::adapter::StopSignals signals;
  int interrupted = 0;
  const cimbus::reference::Territory territory({o.seed, o.customers, 8, 25});
  const Scenario scenario = Scenario::plan(territory, o);
  fmt::print(stderr, "storm: {} customers on {} transformers, {} feeders; {} faults, {} calls, {} service needs, {} portal requests over {:.1f} s\n",
             o.customers, territory.transformers(), territory.feeders(), scenario.failed_transformers.size(), scenario.calls.size(),
             scenario.needs.size(), scenario.agreement_requests.size(), static_cast<double>(scenario.span_ms) / 1000.0);
  std::filesystem::remove_all(o.work_dir);
  if (!o.store_dir.empty())  // the directory may be a mount point: only its files go
    for (const auto& entry : std::filesystem::directory_iterator(o.store_dir)) std::filesystem::remove_all(entry.path());
  if (!o.store_url.empty()) {  // each role's database made anew
    for (const char* role : {"cis", "oms", "wms"}) cimbus::store::create_postgresql_database(o.store_url, std::string("cimbus_") + role, true);
    std::cerr << "storm: stores in PostgreSQL at " << o.store_url << " (databases cimbus_cis, cimbus_oms, cimbus_wms, made anew)\n";
  }
  Stack stack(o);
  std::cerr << "storm: starting cimbus-wms, cimbus-oms (" << o.oms_instances << "), cimbus-cis (logs in " << o.work_dir << ")\n";
  stack.start();
  std::string endpoints;
  for (const auto& [name, url] : stack.operations_endpoints()) endpoints += (endpoints.empty() ? "" : ", ") + name + " " + url;
  std::cerr << "storm: endpoints (console /, health /health/ready, metrics /metrics): " << endpoints << "\n";
  Portal portal(stack.endpoint("cis"), scenario.agreement_requests);
  Intake intake(stack.operations_endpoint("cis"), scenario);
  // Each system's state, read through HTTP into files of the storm's own: a reference system's
  // read API and its adapter's backlog, or an outside system's own API and its adapter's backlog.
  std::map<std::string, std::unique_ptr<SystemState>> systems, adapters;
  for (const std::string role : {"cis", "oms", "wms"}) {
    const std::string endpoint = stack.operations_endpoint(role);
    // The adapter's: its backlog and its journal's counts, at the end.
    const StateSource backlog{endpoint + "/backlog", "backlog", "", o.endpoint_token}, counts{endpoint + "/journal/counts", "", "", o.endpoint_token};
    auto outside = o.outside.find(role);
    if (outside == o.outside.end()) {
      // While it runs, only what the progress line reads: the records, and the CIS's intake.
      const std::string state = endpoint + "/reference/state";
      systems[role] = std::make_unique<SystemState>(
          std::vector<StateSource>{{state, "", state + "?tables=records,calls,service_needs", o.endpoint_token}, backlog, counts},
          o.work_dir + "/" + role + "-state.sqlite");
    } else {
      std::string url = outside->second.url;
      while (!url.empty() && url.back() == '/') url.pop_back();
      systems[role] = std::make_unique<SystemState>(std::vector<StateSource>{{url + "/state", "", url + "/state", ""}},
                                                    o.work_dir + "/" + role + "-system.sqlite");
      adapters[role] = std::make_unique<SystemState>(std::vector<StateSource>{backlog, counts}, o.work_dir + "/" + role + "-adapter.sqlite");
    }
  }
  auto for_each_state = [&](const std::function<void(const std::string&, SystemState&)>& f) {
    for (auto* states : {&systems, &adapters})
      for (auto& [role, state] : *states) f(role, *state);
  };
  for_each_state([](const std::string&, SystemState& state) {
    state.refresh(false);  // the adapters are ready: each answers
    state.start_refreshing(std::chrono::milliseconds(250));
  });
  auto view_of = [&](const std::string& role, bool adapter) {
    auto it = adapters.find(role);
    return std::make_unique<StoreView>((adapter && it != adapters.end() ? it->second : systems.at(role))->file());
  };
  const auto cis = view_of("cis", false), oms = view_of("oms", false), wms = view_of("wms", false);
  const auto oms_adapter = view_of("oms", true), wms_adapter = view_of("wms", true);
  const Stores stores{*cis, *oms, *wms, *oms_adapter, *wms_adapter};

  ProgressLine progress(o.progress);
  const auto start = Clock::now();
  const bool drill = !o.kill_role.empty();
  std::int64_t killed_at = -1;
  bool restarted = false, settled = false, intake_refused = false;
  auto last_shown = Clock::now() - std::chrono::seconds(1);
  Progress p;
  // The progress is read again only when a refresh changed a file: its queries scan whole tables,
  // which at 100,000 tickets cost more than the systems under test.
  std::uint64_t progress_of = 0;
  auto refreshed = [&] {
    std::uint64_t n = 0;
    for_each_state([&n](const std::string&, SystemState& state) { n += state.refreshes(); });
    return n;
  };
  Timeline timeline(std::chrono::seconds(o.report_every_s), stack.operations_endpoints(), o.endpoint_token);
  for (;;) {
    const std::int64_t elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    intake.tick(elapsed);
    if (!intake.last_refusal().empty() && !intake_refused) {
      intake_refused = true;
      progress.note("intake: the CIS did not take calls (" + intake.last_refusal() + "); trying again");
    }
    portal.tick(elapsed);
    if (drill && killed_at < 0 && elapsed >= static_cast<std::int64_t>(o.kill_at * static_cast<double>(scenario.span_ms))) {
      stack.kill(o.kill_role);
      killed_at = elapsed;
      progress.note(fmt::format("crash drill: SIGKILL {} at {:.1f} s", o.kill_role, static_cast<double>(elapsed) / 1000.0));
    }
    if (drill && killed_at >= 0 && !restarted && elapsed >= killed_at + o.restart_after_ms) {
      stack.restart(o.kill_role);
      restarted = true;
      progress.note(fmt::format("crash drill: {} restarted at {:.1f} s", o.kill_role, static_cast<double>(elapsed) / 1000.0));
    }
    if (Clock::now() - last_shown >= std::chrono::milliseconds(250)) {
      if (const std::uint64_t now_of = refreshed(); now_of != progress_of) {
        p = read_progress(stores);
        progress_of = now_of;
      }
      progress.show(p, scenario, portal, static_cast<double>(elapsed) / 1000.0);
      if (timeline.due(static_cast<double>(elapsed) / 1000.0)) timeline.sample(static_cast<double>(elapsed) / 1000.0, p, stack.process_figures());
      last_shown = Clock::now();
      if (intake.done() && portal.answered() == portal.planned() && p.settled(scenario) && (!drill || restarted)) {
        settled = true;
        break;
      }
    }
    if (elapsed > std::int64_t{o.timeout_s} * 1000) break;
    if ((interrupted = signals.wait_for(std::chrono::milliseconds(0))) != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the portal's latency resolution
  }
  progress.end();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  timeline.sample(seconds, read_progress(stores), stack.process_figures(), true);
  if (interrupted != 0)
    fmt::print(stderr, "storm: interrupted by signal {} after {:.1f} s; stopping every process\n", interrupted, seconds);
  else
    fmt::print(stderr, "storm: {} after {:.1f} s; stopping every process\n", settled ? "settled" : "NOT settled", seconds);
  portal.stop();
  if (o.linger_s > 0 && interrupted == 0) {
    fmt::print(stderr, "storm: the adapters serve their endpoints for {} s more (Ctrl-C ends it)\n", o.linger_s);
    interrupted = signals.wait_for(std::chrono::seconds(o.linger_s));
  }
  // The last state, while every process still answers (a settled storm has nothing in flight).
  for_each_state([](const std::string& role, SystemState& state) {
    state.stop_refreshing();
    if (state.failed_refreshes() > 0)
      fmt::print(stderr, "storm: {}'s state could not be read {} times while it was away (last: {})\n", role, state.failed_refreshes(),
                 state.last_failure());
  });
  std::vector<std::string> unreadable;
  for_each_state([&](const std::string& role, SystemState& state) {
    try {
      state.refresh();
    } catch (const std::runtime_error& e) {
      unreadable.push_back(role + ": its last state could not be read (" + e.what() + "); the report shows an earlier one");
    }
  });
  const auto figures = stack.process_figures();  // before they stop
  const std::vector<std::string> unclean = stack.stop();

  print_report(std::cout, stores, scenario, portal);
  timeline.print(std::cout);
  {
    Table t("Peak resident memory and CPU time per process (an instance restarted by a crash drill counts from its restart)",
            {"process", "peak MB", "CPU s"});
    for (const auto& f : figures) t.add({f.name, fixed(static_cast<double>(f.peak_kb) / 1024.0), fixed(f.cpu_s)});
    rusage self{};
    ::getrusage(RUSAGE_SELF, &self);
    const double storm_cpu = static_cast<double>(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
                             static_cast<double>(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6;
    t.add({"cimbus-storm", fixed(static_cast<double>(self.ru_maxrss) / 1024.0), fixed(storm_cpu)});
    t.print(std::cout);
  }
  std::vector<std::string> problems = check_conservation(stores, territory, scenario, portal, o.oms_instances);
  if (!settled && interrupted == 0) problems.insert(problems.begin(), "the storm did not settle within " + std::to_string(o.timeout_s) + " s");
  if (!settled && interrupted != 0) problems.insert(problems.begin(), "the storm was interrupted (signal " + std::to_string(interrupted) + ") before it settled");
  for (const std::string& u : unclean) problems.push_back("process did not stop cleanly: " + u);
  problems.insert(problems.end(), unreadable.begin(), unreadable.end());
  std::cout << fmt::format("\nstorm: {} calls, {} service needs, {} portal requests; settled in {:.1f} s{}\n", scenario.calls.size(),
                           scenario.needs.size(), portal.planned(), seconds, drill ? " (with the crash drill on " + o.kill_role + ")" : "");
  std::cout << "endpoints (while it ran): " << endpoints << "\n";
  if (problems.empty()) {
    std::cout << "conservation: OK\n";
    return 0;
  }
  std::cout << "conservation: FAILED (" << problems.size() << " discrepancies)\n";
  for (std::size_t i = 0; i < problems.size() && i < 40; ++i) std::cout << "  " << problems[i] << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  StormOptions o;
  const std::string bin = here();
  o.bin_dir = bin;
  o.deploy_dir = std::filesystem::weakly_canonical(bin + "/../../deploy").string();
  o.work_dir = std::filesystem::weakly_canonical(bin + "/../storm").string();
  if (const char* url = std::getenv("CIMBUS_BROKER_URL")) o.broker_url = url;
  if (const char* dir = std::getenv("CIMBUS_BROKER_DIR")) o.broker_dir = dir;

  CLI::App app("cimbus-storm: a storm on a synthetic territory through the CIS, OMS and WMS adapters; prints a report and a "
               "conservation check (exit 0 only when conservation: OK)");
  app.add_option("--broker", o.broker_url, "broker URL (default: $CIMBUS_BROKER_URL, which may carry the login)");
  app.add_option("--broker-dir", o.broker_dir,
                 "the private broker's directory (scripts/broker --dir): each adapter logs in as its system's own user, by its "
                 "certificate (tls/<system>.pem) or password (users/<system>) there (default: $CIMBUS_BROKER_DIR; none: the URL's login)");
  app.add_option("--deploy", o.deploy_dir, "the roles' routing configurations")->capture_default_str();
  app.add_option("--bin", o.bin_dir, "where cimbus-cis, cimbus-oms and cimbus-wms are")->capture_default_str();
  app.add_option("--work", o.work_dir, "configurations, stores and logs of this run (emptied first)")->capture_default_str();
  app.add_option("--store-dir", o.store_dir, "the adapters' stores here instead of in --work (their files removed first)");
  app.add_option("--store-url", o.store_url,
                 "the adapters' stores in PostgreSQL: the server's URL (postgresql://user@host:port, password in PGPASSWORD); "
                 "each role's database cimbus_<role> is made anew")
      ->excludes("--store-dir");
  app.add_option("--oms-instances", o.oms_instances, "OMS processes sharing the load")->capture_default_str()->check(CLI::Range(1, 8));
  app.add_option("--seed", o.seed, "territory and storm")->capture_default_str();
  app.add_option("--customers", o.customers, "customers of the territory")
      ->capture_default_str()
      ->check(CLI::Range(16, cimbus::reference::TerritoryOptions::kMostCustomers));
  app.add_option("--faults", o.faults, "transformers that fail")->capture_default_str()->check(CLI::Range(0, 100000));
  app.add_option("--call-share", o.call_share, "share of a failed transformer's customers who call")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  app.add_option("--callback-share", o.callback_share, "share of calls taken back")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  app.add_option("--strangers", o.strangers, "calls from numbers that are no customer")->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--service-needs", o.service_needs, "service orders, service requests and work requests")->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--withdraw-share", o.withdraw_share, "share of service needs withdrawn")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  app.add_option("--agreement-requests", o.agreement_requests, "customer portal requests")->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--duration", o.duration_s, "seconds over which the storm strikes")->capture_default_str()->check(CLI::Range(1, 86400));
  app.add_option("--timeout", o.timeout_s, "seconds until an unsettled storm fails")->capture_default_str()->check(CLI::Range(10, 86400));
  app.add_option("--wms-step-ms", o.wms_step_ms, "WMS: time of each work status step")->capture_default_str()->check(CLI::Range(10, 600000));
  app.add_option("--crews", o.crews, "WMS crews")->capture_default_str()->check(CLI::Range(1, 10000));
  app.add_option("--kill", o.kill_role, "crash drill: SIGKILL this role mid-storm and restart it")->check(CLI::IsMember({"cis", "oms", "wms"}));
  app.add_option("--kill-at", o.kill_at, "crash drill: when, as a share of the schedule")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  app.add_option("--restart-after-ms", o.restart_after_ms, "crash drill: downtime")->capture_default_str()->check(CLI::Range(0, 600000));
  std::vector<std::string> oms_hosts;
  app.add_option("--oms-host", oms_hosts,
                 "NETNS=ADDRESS@GATEWAY, once per OMS instance on another host: it runs in network namespace NETNS, serves on "
                 "ADDRESS, and reaches the broker and a PostgreSQL store at GATEWAY");
  std::vector<std::string> outside_urls, outside_connectors, outside_listens;
  app.add_option("--outside", outside_urls, "ROLE=URL: the OMS or WMS is a system outside cimbus, at URL (its connector URL)");
  app.add_option("--outside-connector", outside_connectors, "ROLE=web_services|json: how cimbus-ROLE reaches it (default web_services)");
  app.add_option("--outside-listen", outside_listens, "ROLE=HOST:PORT: cimbus-ROLE's services, where the outside system publishes and requests");
  app.add_option("--report-every", o.report_every_s, "seconds per row of the report's timeline")->capture_default_str()->check(CLI::Range(1, 86400));
  app.add_option("--linger", o.linger_s, "seconds the adapters keep serving their endpoints after the storm settled (for a look at "
                                       "the consoles, or a last scrape)")->capture_default_str()->check(CLI::Range(0, 86400));
  app.add_flag("--quorum-queues", o.quorum_queues,
               "the broker's queues are quorum queues (cimbus topology --quorum, a cluster): the adapters attach their reply "
               "queues as declared (broker.quorum_queues)");
  bool quiet = false;
  app.add_flag("--no-progress", quiet, "no progress bar");
  CLI11_PARSE(app, argc, argv);
  o.progress = !quiet;
  try {
    read_outside_systems(outside_urls, outside_connectors, outside_listens, o);
    for (const std::string& h : oms_hosts) {
      const std::size_t eq = h.find('='), at = h.find('@');
      if (eq == std::string::npos || at == std::string::npos || at < eq || eq == 0 || at == eq + 1 || at + 1 == h.size())
        throw std::invalid_argument("--oms-host " + h + ": NETNS=ADDRESS@GATEWAY");
      o.oms_hosts.push_back({h.substr(0, eq), h.substr(eq + 1, at - eq - 1), h.substr(at + 1)});
    }
    if (static_cast<int>(o.oms_hosts.size()) > o.oms_instances) throw std::invalid_argument("more --oms-host than --oms-instances");
    if (!o.oms_hosts.empty()) {
      o.endpoint_token = cimbus::new_random_uuid();  // a secret: all random, no time in it
      ::setenv("CIMBUS_STORM_ENDPOINT_TOKEN", o.endpoint_token.c_str(), 1);  // the processes inherit it
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << "cimbus-storm: " << e.what() << "\n";
    return 2;
  }
  const char* from_environment = std::getenv("CIMBUS_BROKER_URL");
  if (cimbus::bus::url_has_password(o.broker_url) && (from_environment == nullptr || o.broker_url != from_environment)) {
    std::cerr << "cimbus-storm: --broker " << cimbus::bus::url_without_password(o.broker_url)
              << ": a password on the command line is refused (others see it); give the URL in CIMBUS_BROKER_URL\n";
    return 2;
  }
  if (o.broker_url.empty()) {
    std::cerr << "cimbus-storm: no broker: give --broker or set CIMBUS_BROKER_URL (scripts/broker start prints it)\n";
    return 2;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::cerr << "cimbus-storm: " << e.what() << "\n";
    return 2;
  }
}
