#pragma once
// The small read API of an embedded reference system: GET /reference/state on its adapter's
// HTTP server answers some of its tables as JSON, each a list of row objects,
//
//   {"records": [{"noun": "TroubleTickets", "mrid": "…", "state": "closed", "key": "…"}, …],
//    "journal": [{"noun": …, "mrid": …, "state": …, "at": "1764755200123"}, …], …}
//
// the same shape as an outside system's GET /state (tests/connectors/external_oms.py). The storm
// reads every system's state this way, so its report and conservation check need no access to
// the processes' files (which may be on other hosts, in another store engine). ?tables=a,b
// answers only those. Values are text (null for SQL NULL).
//
// Threading: requests are answered on the listener's threads, each with a read-only connection of
// its own (WAL: never blocks the adapter's writer).

#include <functional>
#include <string>
#include <vector>

#include "cimbus/http/http_listener.hpp"

namespace cimbus::reference {

struct StateTable {
  std::string name;                  // its member in the answer
  std::vector<std::string> columns;  // the names of the query's columns, in order
  std::string sql;
  // Rewrites each row read (e.g. a stored protobuf into figures); empty: the row as read.
  std::function<std::vector<std::string>(std::vector<std::string>)> row;
};

// records (without `omit_noun`'s) and journal (common/records.hpp): what every reference system has.
std::vector<StateTable> record_tables(const std::string& omit_noun = "");

// Adds GET /reference/state, before listener.start().
void serve_state(http::HttpListener& listener, const std::string& store_path, std::vector<StateTable> tables);

}  // namespace cimbus::reference
