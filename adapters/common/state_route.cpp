#include "state_route.hpp"

#include <memory>
#include <set>
#include <sstream>

#include "cimbus/codec/json_text.hpp"
#include "cimbus/store/store_location.hpp"
#include "cimbus/store/statement.hpp"

namespace cimbus::reference {

namespace {

std::set<std::string> requested_tables(const std::string& param) {
  std::set<std::string> out;
  std::istringstream in(param);
  for (std::string name; std::getline(in, name, ',');)
    if (!name.empty()) out.insert(name);
  return out;
}

// The table's rows as a JSON list of objects, written as they are read.
void append_rows(std::string& out, store::Connection& connection, const StateTable& table) {
  out += '[';
  store::Statement query(connection, table.sql.c_str());
  std::vector<std::string> row;
  std::vector<bool> null;
  for (bool first = true; query.step(); first = false) {
    row.clear();
    null.clear();
    for (int i = 0; i < query.columns(); ++i) {
      null.push_back(query.is_null(i));
      row.push_back(null.back() ? std::string() : query.text(i));
    }
    if (table.row) row = table.row(std::move(row));
    out += first ? "{" : ",{";
    for (std::size_t i = 0; i < table.columns.size() && i < row.size(); ++i) {
      if (i > 0) out += ',';
      json::append_string(out, table.columns[i]);
      out += ':';
      if (i < null.size() && null[i] && !table.row) out += "null";
      else json::append_string(out, row[i]);
    }
    out += '}';
  }
  out += ']';
}

}  // namespace

std::vector<StateTable> record_tables(const std::string& omit_noun) {
  return {
      {"records", {"noun", "mrid", "state", "key"}, "SELECT noun, mrid, state, key FROM records WHERE noun != '" + omit_noun + "'", {}},
      {"journal", {"noun", "mrid", "state", "at"}, "SELECT noun, mrid, state, at FROM journal ORDER BY seq", {}},
  };
}

void serve_state(http::HttpListener& listener, const std::string& store_path, std::vector<StateTable> tables) {
  auto served = std::make_shared<std::vector<StateTable>>(std::move(tables));
  listener.server().Get("/reference/state", [served, store_path](const httplib::Request& req, httplib::Response& res) {
    const std::set<std::string> wanted = requested_tables(req.get_param_value("tables"));
    // Written directly: at 100,000 tickets a Struct of the rows took hundreds of megabytes.
    std::string out = "{";
    try {
      auto connection = store::open_store(store_path, store::OpenOptions{store::OpenOptions::read_only});
      connection->execute("BEGIN");  // one snapshot of every table
      for (const StateTable& table : *served) {
        if (!wanted.empty() && !wanted.count(table.name)) continue;
        if (out.size() > 1) out += ',';
        json::append_string(out, table.name);
        out += ':';
        append_rows(out, *connection, table);
      }
      connection->execute("COMMIT");
    } catch (const std::exception& e) {
      res.status = 503;
      return res.set_content(std::string("the reference system's state cannot be read now: ") + e.what() + "\n", "text/plain; charset=utf-8");
    }
    out += '}';
    res.set_content(out, "application/json");
  });
}

}  // namespace cimbus::reference
