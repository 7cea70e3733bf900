#include "cimbus/store/store_figures.hpp"

#include "cimbus/store/store_location.hpp"
#include "cimbus/store/statement.hpp"

namespace cimbus::store {

StoreFigures read_store_figures(const std::string& store_path) {
  auto connection = open_store(store_path, OpenOptions{OpenOptions::read_only});
  // One statement: the three counts from one snapshot of the file.
  Statement counts(*connection,
                   "SELECT (SELECT COUNT(*) FROM outbox), (SELECT COUNT(*) FROM inbox), (SELECT COUNT(*) FROM inbox WHERE state = 'dead')");
  StoreFigures f;
  if (counts.step()) {
    f.outbox_rows = counts.number(0);
    f.inbox_entries = counts.number(1);
    f.inbox_dead = counts.number(2);
  }
  return f;
}

}  // namespace cimbus::store
