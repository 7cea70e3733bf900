#include "intake_route.hpp"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "cimbus/codec/timestamp.hpp"
#include "cimbus/store/store_location.hpp"
#include "cimbus/store/statement.hpp"
#include "cimbus/store/transaction.hpp"

namespace cimbus::cis {

namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using Fields = google::protobuf::Map<std::string, Value>;

struct BadIntake : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

std::string text_field(const Fields& f, const char* name) {
  auto it = f.find(name);
  if (it == f.end() || it->second.kind_case() != Value::kStringValue || it->second.string_value().empty())
    throw BadIntake(std::string("each row needs \"") + name + "\" as text");
  return it->second.string_value();
}

std::int64_t number_field(const Fields& f, const char* name, bool required) {
  auto it = f.find(name);
  if (it == f.end() && !required) return 0;
  if (it == f.end() || it->second.kind_case() != Value::kNumberValue || it->second.number_value() < 0)
    throw BadIntake(std::string("each row needs \"") + name + "\" as a number of 0 or more");
  return static_cast<std::int64_t>(it->second.number_value());
}

const google::protobuf::ListValue* rows_of(const Struct& body, const char* name) {
  auto it = body.fields().find(name);
  if (it == body.fields().end()) return nullptr;
  if (it->second.kind_case() != Value::kListValue) throw BadIntake(std::string("\"") + name + "\" is not a list");
  return &it->second.list_value();
}

const Fields& row_fields(const Value& row) {
  if (row.kind_case() != Value::kStructValue) throw BadIntake("a row is not an object");
  return row.struct_value().fields();
}

}  // namespace

void serve_intake(http::HttpListener& listener, const std::string& store_path) {
  listener.server().Post("/reference/intake", [store_path](const httplib::Request& req, httplib::Response& res) {
    Struct body;
    if (!google::protobuf::util::JsonStringToMessage(req.body, &body).ok()) {
      res.status = 400;
      return res.set_content("the body is not a JSON object\n", "text/plain; charset=utf-8");
    }
    std::int64_t calls = 0, needs = 0;
    try {
      const auto* call_rows = rows_of(body, "calls");
      const auto* need_rows = rows_of(body, "service_needs");
      auto connection = store::open_store(store_path, {store::OpenOptions::read_write, std::chrono::milliseconds(30000)});
      const std::int64_t now = epoch_ms();
      store::Transaction tx(*connection, store::Durability::full);
      if (call_rows != nullptr)
        for (const Value& row : call_rows->values()) {
          const Fields& f = row_fields(row);
          calls += store::Statement(tx, "INSERT INTO calls (id, customer, at, cancel_after_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                       .bind(1, number_field(f, "id", true))
                       .bind(2, text_field(f, "customer"))
                       .bind(3, now)
                       .bind(4, number_field(f, "cancel_after_ms", false))
                       .run();
        }
      if (need_rows != nullptr)
        for (const Value& row : need_rows->values()) {
          const Fields& f = row_fields(row);
          needs += store::Statement(tx, "INSERT INTO service_needs (id, noun, customer, kind, at, cancel_after_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                       .bind(1, number_field(f, "id", true))
                       .bind(2, text_field(f, "noun"))
                       .bind(3, text_field(f, "customer"))
                       .bind(4, text_field(f, "kind"))
                       .bind(5, now)
                       .bind(6, number_field(f, "cancel_after_ms", false))
                       .run();
        }
      tx.commit();
    } catch (const BadIntake& e) {
      res.status = 400;
      return res.set_content(std::string(e.what()) + "\n", "text/plain; charset=utf-8");
    } catch (const std::exception& e) {
      res.status = 503;
      return res.set_content(std::string("the CIS's store refused the write: ") + e.what() + "\n", "text/plain; charset=utf-8");
    }
    res.set_content("{\"calls\":" + std::to_string(calls) + ",\"service_needs\":" + std::to_string(needs) + "}\n", "application/json");
  });
}

}  // namespace cimbus::cis
