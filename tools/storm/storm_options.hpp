#pragma once
// What one storm run is: the stack it starts (broker URL, the roles' routing configs, where the
// executables are, its working directory) and the storm itself (territory, faults, calls, service
// needs, agreement traffic), plus an optional crash drill. Defaults finish in about a minute.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cimbus::storm {

struct StormOptions {
  // The stack.
  std::string broker_url;     // amqp://user:password@host:port (scripts/broker start prints it)
  std::string broker_dir;     // scripts/broker's DIR: each adapter logs in as its own user; empty: the URL's
  std::string deploy_dir;     // the roles' routing configurations (deploy/)
  std::string bin_dir;        // cimbus-cis, cimbus-oms, cimbus-wms
  std::string work_dir;       // configurations, stores and logs of this run (emptied first)
  std::string store_dir;      // the roles' stores instead, when set (e.g. a small file system to fill)
  std::string store_url;      // a PostgreSQL server instead: each role's store is database cimbus_<role> on it
  int oms_instances = 1;      // OMS processes sharing the OMS's store and queues
  // OMS instances on other "hosts": the n-th runs in network namespace `netns` (ip netns exec),
  // serves its endpoint on `address`, and reaches the broker and a PostgreSQL store at `gateway`
  // where the others reach them at 127.0.0.1.
  struct Host {
    std::string netns;
    std::string address;
    std::string gateway;
  };
  std::vector<Host> oms_hosts;
  // Their endpoints listen beyond loopback, so they require credentials: this bearer token (made
  // by the storm, given to them in CIMBUS_STORM_ENDPOINT_TOKEN), which the storm's reads carry.
  std::string endpoint_token;
  // Systems outside cimbus instead of the embedded ones, by role (oms, wms; the CIS is the
  // storm's intake): cimbus-<role> reaches the system at `url` through `connector` (web_services
  // or json) and serves it on `listen` (host:port, known to the system before the adapter starts,
  // for the changes it publishes and the requests it sends). Its state for the report and the
  // check comes from its own API (<url>/state).
  struct OutsideSystem {
    std::string url;
    std::string connector = "web_services";
    std::string listen;
  };
  std::map<std::string, OutsideSystem> outside;

  // The territory, shared by every role (backend settings customers and seed).
  std::uint64_t seed = 61968;
  int customers = 2000;

  // The storm.
  int faults = 30;              // transformers that fail, at moments spread over `duration_s`
  double call_share = 0.5;      // customers of a failed transformer who call
  double callback_share = 0.1;  // calls taken back after a few seconds (ticket canceled)
  int strangers = 3;            // calls from numbers that are no customer (refused with 2.22)
  int service_needs = 40;       // service orders, service requests and work requests
  double withdraw_share = 0.15; // service needs withdrawn after a few seconds (work canceled)
  int agreement_requests = 60;  // a customer portal reading and changing agreements, bad ones too
  int duration_s = 20;
  int timeout_s = 240;          // the run fails when the storm has not settled by then
  int wms_step_ms = 1500;       // WMS: time of each work status step (restoration takes ~5 of them)
  int crews = 12;

  // Crash drill: SIGKILL the first instance of `kill_role` (cis, oms, wms) when `kill_at` of the
  // schedule has passed, and start it again `restart_after_ms` later.
  std::string kill_role;
  double kill_at = 0.4;
  int restart_after_ms = 2000;

  bool progress = true;  // a progress bar on stderr
  int report_every_s = 60;  // a row of the report's timeline per this many seconds
  int linger_s = 0;      // after settling, the processes keep serving their endpoints this long
  bool quorum_queues = false;  // the broker's topology has quorum queues (a cluster: decisions/0030)
};

}  // namespace cimbus::storm
