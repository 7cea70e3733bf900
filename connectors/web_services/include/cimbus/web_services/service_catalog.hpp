#pragma once
// The web services an adapter serves, made from the loaded schemas (IEC 61968-100 clause 8.3):
// per noun the strongly typed services of Annex C, and the generic service of Annex D. The same
// model gives the WSDLs (wsdl.hpp) and tells the server which operation a call is.
//
//   ServiceCatalog catalog(*registry, {"ServiceOrders"});     // no nouns: every loaded noun
//   const Service* s = catalog.find("ExecuteServiceOrders");
//   const Operation* op = s->operation("CreateServiceOrders");  // op->verb == create

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cimbus/codec/schema_registry.hpp"
#include "cimbus/codec/verb.hpp"

namespace cimbus::web_services {

// An element of a schema: {ns}name.
struct QualifiedName {
  std::string ns;
  std::string name;
};

// What a call of an operation becomes on the bus.
enum class CallKind {
  request,   // sent to the system that handles (noun, verb); its reply is the response
  event,     // published; the response acknowledges it
  response,  // an asynchronous reply to a request (the generic Response operation)
};

struct Operation {
  std::string name;            // CreateServiceOrders, GetServiceOrders, Request, ...
  std::string action;          // its SOAPAction, e.g. http://iec.ch/TC57/2015/ServiceOrders/CreateServiceOrders
  CallKind kind = CallKind::request;
  std::optional<Verb> verb;    // the verb the operation implies; none for the generic operations
  QualifiedName input;         // the body's element, e.g. {…/ServiceOrdersMessage}CreateServiceOrders
  QualifiedName output;        // …ResponseMessage
  QualifiedName fault;         // …FaultMessage
};

struct Service {
  std::string name;               // ExecuteServiceOrders; "Generic" for Annex D
  std::string noun;               // empty for the generic service
  std::string target_namespace;   // of its WSDL, e.g. http://iec.ch/TC57/2015/ExecuteServiceOrders
  std::vector<Operation> operations;

  const Operation* operation(std::string_view name) const;
  // The operation whose input element is {ns}name, or nullptr.
  const Operation* operation_for_input(std::string_view ns, std::string_view name) const;
};

class ServiceCatalog {
 public:
  // The services of `nouns` (each must be a loaded noun; throws std::invalid_argument naming one
  // that is not), or of every loaded noun when `nouns` is empty, and the generic service.
  ServiceCatalog(const SchemaRegistry& registry, const std::set<std::string>& nouns = {});

  const std::vector<Service>& services() const { return services_; }
  const Service* find(std::string_view name) const;
  // The service and operation a system is called on for a message of (noun, verb)
  // (web_service_client.hpp): Receive<Noun> for an event, Get<Noun> for get,
  // Execute<Noun>OperationSet for execute, Execute<Noun> for the other requests. Both nullptr
  // when the catalog has no such operation.
  std::pair<const Service*, const Operation*> to_call(const std::string& noun, Verb verb) const;

  // The name of the generic service of Annex D.
  static constexpr std::string_view kGeneric = "Generic";

 private:
  std::vector<Service> services_;
};

}  // namespace cimbus::web_services
