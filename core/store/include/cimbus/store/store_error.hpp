#pragma once
// What a store engine throws when a statement or a commit fails: its words, and whom to blame.
//
//   - the store: every transaction fails now, whatever it holds (a full disk, an I/O error, a lock
//     held too long, no memory). The adapter stops taking deliveries until the store works again.
//   - the content: this transaction fails because of what it writes or reads (a constraint that
//     is checked at commit, a damaged page its rows reach, a handler's bad SQL). Another
//     transaction may well commit; the message behind it is the one to count and give up.

#include <stdexcept>
#include <string>

namespace cimbus::store {

class StoreError : public std::runtime_error {
 public:
  enum class Blame { store, content };

  StoreError(const std::string& what, Blame blame) : std::runtime_error(what), blame_(blame) {}

  Blame blame() const { return blame_; }
  bool store_fails() const { return blame_ == Blame::store; }

 private:
  Blame blame_;
};

// True when `e` says the store as a whole fails (a StoreError blaming the store).
inline bool is_store_failure(const std::exception& e) {
  const auto* error = dynamic_cast<const StoreError*>(&e);
  return error != nullptr && error->store_fails();
}

}  // namespace cimbus::store
