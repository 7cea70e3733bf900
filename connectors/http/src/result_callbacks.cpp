#include "cimbus/http/result_callbacks.hpp"

#include <chrono>
#include <deque>
#include <thread>

#include <httplib.h>

#include "cimbus/sync/mutex.hpp"
#include "cimbus/http/http_url.hpp"

namespace cimbus::http {

namespace {

constexpr int kDeliveryAttempts = 3;
constexpr std::chrono::milliseconds kPoll{50};

struct Pending {
  std::future<adapter::Replies> replies;
  ResultCallback callback;
};

}  // namespace

class ResultCallbacks::Impl {
 public:
  explicit Impl(const adapter::Log& log) : log_(log), thread_([this] { run(); }) {}
  ~Impl() {
    {
      sync::Lock lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  void add(Pending p) {
    {
      sync::Lock lock(mutex_);
      pending_.push_back(std::move(p));
    }
    changed_.notify_all();
  }

 private:
  void run() {
    std::deque<Pending> mine;
    for (;;) {
      {
        sync::Lock lock(mutex_);
        lock.wait_for(changed_, mine.empty() ? std::chrono::milliseconds(1000) : kPoll,
                      [this]() CIMBUS_REQUIRES(mutex_) { return stopping_ || !pending_.empty(); });
        while (!pending_.empty()) {
          mine.push_back(std::move(pending_.front()));
          pending_.pop_front();
        }
        if (stopping_) break;
      }
      for (auto it = mine.begin(); it != mine.end();) {
        if (it->replies.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) {
          ++it;
          continue;
        }
        deliver(*it);
        it = mine.erase(it);
      }
    }
    if (!mine.empty()) log_.warn(std::to_string(mine.size()) + " asynchronous replies not delivered: the adapter stopped first");
  }

  void deliver(Pending& p) {
    const ResultCallback& c = p.callback;
    std::string body;
    try {
      body = c.render(p.replies.get());
    } catch (const std::exception& e) {
      log_.warn("no asynchronous reply for " + c.url + ": " + e.what());
      return;
    }
    const auto url = parse_http_url(c.url);
    if (!url) return;  // checked before the call was accepted
    httplib::Client client(url->origin);
    client.set_tcp_nodelay(true);
    client.set_connection_timeout(std::chrono::seconds(5));
    client.set_read_timeout(std::chrono::seconds(10));
    httplib::Headers headers(c.headers.begin(), c.headers.end());
    for (int attempt = 1; attempt <= kDeliveryAttempts; ++attempt) {
      auto result = client.Post(url->path, headers, body, c.content_type);
      if (result && result->status < 300) return;
      const std::string why = result ? "HTTP " + std::to_string(result->status) : httplib::to_string(result.error());
      log_.warn("asynchronous reply to " + c.url + ", attempt " + std::to_string(attempt) + ": " + why);
      std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
    }
    log_.error("asynchronous reply to " + c.url + " not delivered after " + std::to_string(kDeliveryAttempts) + " attempts");
  }

  const adapter::Log& log_;
  sync::Mutex mutex_;
  std::condition_variable changed_;
  std::deque<Pending> pending_ CIMBUS_GUARDED_BY(mutex_);
  bool stopping_ CIMBUS_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

ResultCallbacks::ResultCallbacks(const adapter::Log& log) : impl_(std::make_unique<Impl>(log)) {}
ResultCallbacks::~ResultCallbacks() = default;

void ResultCallbacks::add(std::future<adapter::Replies> replies, ResultCallback callback) {
  impl_->add(Pending{std::move(replies), std::move(callback)});
}

bool allowed_callback(const config::WebServices& options, const std::string& url) {
  if (!parse_http_url(url)) return false;
  // Spaces and control characters would end the request line or add headers of the caller's.
  for (const unsigned char c : url)
    if (c <= 0x20 || c == 0x7f) return false;
  for (const auto& prefix : options.reply_urls())
    if (!prefix.empty() && url.rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace cimbus::http
