#include "role.hpp"

#include "records.hpp"

#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

namespace cimbus::reference {

namespace {

// Runs the periodic work until stopped; a failing run is logged and the next one comes anyway.
class Scheduler {
 public:
  Scheduler(adapter::Adapter& adapter, std::vector<Periodic> periodic, std::string program)
      : adapter_(adapter), program_(std::move(program)) {
    for (Periodic& p : periodic) threads_.emplace_back([this, p = std::move(p)] { loop(p); });
  }
  ~Scheduler() { stop(); }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  void loop(const Periodic& p) {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        if (wake_.wait_for(lock, p.every, [this] { return stopping_; })) return;
      }
      try {
        std::future<void> done = adapter_.transaction(p.work);
        while (done.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
          std::lock_guard<std::mutex> lock(mutex_);
          if (stopping_) return;
        }
        done.get();
      } catch (const std::logic_error&) {
        return;  // the adapter is stopping
      } catch (const std::exception& e) {
        std::cerr << program_ << ": periodic work failed (tried again): " << e.what() << "\n";
      }
    }
  }

  adapter::Adapter& adapter_;
  std::string program_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

std::map<std::string, std::string> embedded_backend_settings(const adapter::AdapterOptions& options) {
  const auto& backend = options.config.backend();
  if (!backend.kind().empty() && backend.kind() != "embedded")
    throw std::invalid_argument("backend.kind: '" + backend.kind() + "' is not in this executable, which embeds the reference system "
                                "(\"embedded\"); see README, \"Plugging in a real system\"");
  return {backend.settings().begin(), backend.settings().end()};
}

int run_role(int argc, char** argv, const std::string& program, const RoleSetup& setup) {
  if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cerr << "usage: " << program << " CONFIG.json\n"
              << "  An IEC 61968 adapter process; the configuration is described in deploy/README.md.\n"
              << "  SIGTERM or SIGINT: finish the work in hand, send the outbox, exit 0.\n";
    return argc == 2 ? 0 : 2;
  }
  // Every thread made from here on leaves SIGTERM and SIGINT to sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  try {
    adapter::AdapterOptions options = adapter::AdapterOptions::load(argv[1]);
    set_counting_instance(options.config.instance());
    adapter::Adapter adapter(options);
    std::vector<Periodic> periodic = setup(adapter, options);
    adapter.start();
    if (!adapter.wait_ready(std::chrono::seconds(60))) {
      std::cerr << program << ": the broker's queues are not reachable (is the topology loaded? see deploy/README.md)\n";
      adapter.stop();
      return 1;
    }
    std::cout << "ready" << std::endl;
    Scheduler scheduler(adapter, std::move(periodic), program);
    int received = 0;
    sigwait(&signals, &received);
    std::cerr << program << " " << options.config.instance() << ": signal " << received << ": draining and stopping\n";
    scheduler.stop();
    adapter.stop();
    std::cerr << program << " " << options.config.instance() << ": stopped\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace cimbus::reference
