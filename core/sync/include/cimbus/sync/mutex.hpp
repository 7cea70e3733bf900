#pragma once
// A mutex that clang's thread-safety analysis understands, and the marks that say what it guards.
// scripts/check-threads compiles the sources that use it with clang -Wthread-safety and fails on
// any access to a guarded member without its mutex held. With GCC the marks compile to nothing.
//
//   mutable sync::Mutex mutex_;
//   bool open_ CIMBUS_GUARDED_BY(mutex_) = false;
//
//   sync::Lock lock(mutex_);                                           // held for the scope
//   lock.wait_for(changed_, timeout, [this]() CIMBUS_REQUIRES(mutex_) { return open_; });

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define CIMBUS_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define CIMBUS_THREAD_ANNOTATION(x)
#endif

#define CIMBUS_CAPABILITY(name) CIMBUS_THREAD_ANNOTATION(capability(name))
#define CIMBUS_SCOPED_CAPABILITY CIMBUS_THREAD_ANNOTATION(scoped_lockable)
#define CIMBUS_GUARDED_BY(mutex) CIMBUS_THREAD_ANNOTATION(guarded_by(mutex))
#define CIMBUS_REQUIRES(...) CIMBUS_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define CIMBUS_ACQUIRE(...) CIMBUS_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define CIMBUS_RELEASE(...) CIMBUS_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define CIMBUS_EXCLUDES(...) CIMBUS_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))

namespace cimbus::sync {

class CIMBUS_CAPABILITY("mutex") Mutex {
 public:
  void lock() CIMBUS_ACQUIRE() { mutex_.lock(); }
  void unlock() CIMBUS_RELEASE() { mutex_.unlock(); }

 private:
  friend class Lock;
  std::mutex mutex_;
};

// Holds a Mutex for its scope; waits on a condition variable with it (the wait releases and
// retakes it, as std::condition_variable does).
class CIMBUS_SCOPED_CAPABILITY Lock {
 public:
  explicit Lock(Mutex& mutex) CIMBUS_ACQUIRE(mutex) : lock_(mutex.mutex_) {}
  ~Lock() CIMBUS_RELEASE() {}
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

  template <class Predicate>
  void wait(std::condition_variable& cv, Predicate ready) {
    cv.wait(lock_, ready);
  }
  template <class Rep, class Period, class Predicate>
  bool wait_for(std::condition_variable& cv, std::chrono::duration<Rep, Period> timeout, Predicate ready) {
    return cv.wait_for(lock_, timeout, ready);
  }
  template <class Clock, class Duration, class Predicate>
  bool wait_until(std::condition_variable& cv, std::chrono::time_point<Clock, Duration> when, Predicate ready) {
    return cv.wait_until(lock_, when, ready);
  }

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace cimbus::sync
