#include "cimbus/operations/trace.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include "cimbus/http/http_url.hpp"
#include "cimbus/http/json_get.hpp"

namespace cimbus::operations {

namespace {

using Row = TraceRow;

std::string field(const google::protobuf::Struct& s, const char* name) {
  auto it = s.fields().find(name);
  return it == s.fields().end() ? std::string() : it->second.string_value();
}

std::vector<std::string> list(const google::protobuf::Struct& s, const char* name) {
  std::vector<std::string> out;
  auto it = s.fields().find(name);
  if (it != s.fields().end())
    for (const auto& v : it->second.list_value().values()) out.push_back(v.string_value());
  return out;
}

// The rows one endpoint's journal has for `id`; throws with the endpoint's words on failure.
std::vector<Row> ask(const std::string& endpoint, const std::string& id) {
  if (!http::parse_http_url(endpoint)) throw std::invalid_argument("--endpoint " + endpoint + ": not an http(s) URL");
  std::string base = endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const google::protobuf::Struct body =
      http::get_json(base + "/journal?" + httplib::detail::params_to_query_str({{"id", id}, {"limit", "5000"}}));
  std::vector<Row> rows;
  auto entries = body.fields().find("entries");
  if (entries == body.fields().end()) return rows;
  for (const auto& v : entries->second.list_value().values()) {
    const auto& e = v.struct_value();
    Row r{field(e, "at"), field(e, "instance"), field(e, "direction"), field(e, "kind"), field(e, "noun"), field(e, "verb"),
          field(e, "message_id"), field(e, "correlation_id"), field(e, "result"), field(e, "codes"), field(e, "peer"),
          list(e, "subjects"), list(e, "references"), {}};
    google::protobuf::util::MessageToJsonString(e, &r.json);
    rows.push_back(std::move(r));
  }
  return rows;
}

bool contains(const std::vector<std::string>& names, const std::string& name) { return std::find(names.begin(), names.end(), name) != names.end(); }

}  // namespace

Trace trace_conversation(const std::string& id, const std::vector<std::string>& endpoints, int depth) {
  Trace out;
  std::map<std::string, Row> found;  // by instance, direction, MessageID and time: one row per journal row
  // The objects followed, and whether each was reached by a reference (then what its own messages
  // name is asked too, e.g. an incident's works, which its maintenance order names as well).
  std::map<std::string, bool> objects = {{id, false}};
  std::set<std::string> nouns, asked;
  struct Ask {
    std::string id;
    bool object;  // a followed object; else a name to look for messages of new nouns by
  };
  std::vector<Ask> to_ask = {{id, true}};
  for (int round = 0; round < depth && !to_ask.empty(); ++round) {
    std::vector<Ask> next;
    for (const Ask& q : to_ask) {
      if (!asked.insert(q.id).second) continue;
      for (const std::string& endpoint : endpoints) {
        std::vector<Row> rows;
        try {
          rows = ask(endpoint, q.id);
        } catch (const std::exception& e) {
          if (round == 0) {
            out.errors.push_back(e.what());
            ++out.unreachable;
          }
          continue;
        }
        for (Row& r : rows) {
          if (q.object && contains(r.subjects, q.id) && !r.noun.empty()) nouns.insert(r.noun);
          // What a followed object reached by a reference names is looked for next.
          if (q.object && objects[q.id] && contains(r.subjects, q.id))
            for (const std::string& name : r.references)
              if (!objects.count(name) && !asked.count(name)) next.push_back({name, false});
          // A message that names what is followed, about objects of a noun not followed yet: its
          // objects join (a ticket's incident; the incident's maintenance order).
          if (contains(r.references, q.id) && !r.noun.empty() && !r.subjects.empty() && !nouns.count(r.noun)) {
            nouns.insert(r.noun);
            for (const std::string& subject : r.subjects)
              if (objects.emplace(subject, true).second) next.push_back({subject, true});
          }
          if (!q.object && !(contains(r.references, q.id) && objects.count(r.subjects.empty() ? std::string() : r.subjects.front()))) continue;
          const std::string key = r.instance + "|" + r.direction + "|" + r.message_id + "|" + r.at + "|" + r.peer;
          found.emplace(key, std::move(r));
        }
      }
    }
    to_ask = std::move(next);
  }
  // The conversation: rows about a followed object or naming the ID, and the replies to those.
  std::vector<const Row*> kept;
  std::set<std::string> kept_ids;
  for (const auto& [key, r] : found) {
    bool about = r.message_id == id || r.correlation_id == id;
    for (const std::string& name : r.subjects) about |= objects.count(name) > 0;
    if (r.subjects.empty())
      for (const std::string& name : r.references) about |= objects.count(name) > 0;
    if (about) {
      kept.push_back(&r);
      kept_ids.insert(r.message_id);
    }
  }
  for (const auto& [key, r] : found)
    if (r.subjects.empty() && !r.correlation_id.empty() && kept_ids.count(r.correlation_id) && std::find(kept.begin(), kept.end(), &r) == kept.end())
      kept.push_back(&r);
  std::sort(kept.begin(), kept.end(), [](const Row* a, const Row* b) { return a->at < b->at || (a->at == b->at && a->direction < b->direction); });
  for (const Row* r : kept) out.rows.push_back(*r);
  out.objects = objects.size();
  return out;
}

}  // namespace cimbus::operations
