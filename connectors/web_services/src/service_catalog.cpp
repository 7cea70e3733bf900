#include "cimbus/web_services/service_catalog.hpp"

#include <stdexcept>

#include "cimbus/codec/message_elements.hpp"
#include "cimbus/codec/wrapper_name.hpp"

namespace cimbus::web_services {

namespace {

using Form = WrapperName::Form;
using V = msg::HeaderType_Verb;

constexpr Verb kRequestVerbs[] = {V::create, V::change, V::cancel, V::close, V::delete_};
constexpr Verb kEventVerbs[] = {V::created, V::changed, V::closed, V::canceled, V::deleted};

// What the typed services of one noun are made of: the namespaces of its wrappers and the
// http://iec.ch/TC57/<year>/ prefix of its actions, both from the noun's payload namespace.
struct NounNames {
  std::string noun;
  std::string base;  // "http://iec.ch/TC57/2015/"
  std::string plain, get, operation_set;

  QualifiedName wrapper(Form form, Envelope::Archetype archetype, std::optional<Verb> verb = std::nullopt) const {
    const std::string& ns = form == Form::get ? get : form == Form::operation_set ? operation_set : plain;
    return {ns, WrapperName::element_name(archetype, form, noun, verb)};
  }
  Operation operation(Form form, Verb verb, CallKind kind) const {
    Operation op;
    op.verb = verb;
    op.kind = kind;
    op.input = wrapper(form, kind == CallKind::event ? Envelope::EVENT_MESSAGE : Envelope::REQUEST_MESSAGE, verb);
    op.output = wrapper(form, Envelope::RESPONSE_MESSAGE);
    op.fault = wrapper(form, Envelope::FAULT_MESSAGE);
    switch (form) {
      case Form::plain: op.name = op.input.name; op.action = base + noun + "/" + op.name; break;
      case Form::get: op.name = "Get" + noun; op.action = base + "Get" + noun + "/" + op.name; break;
      case Form::operation_set:
        op.name = op.input.name;
        op.action = base + noun + "OperationSet/" + op.name;
        break;
    }
    return op;
  }
  Service service(const std::string& pattern, std::vector<Operation> operations, const std::string& suffix = {}) const {
    Service s;
    s.name = pattern + noun + suffix;
    s.noun = noun;
    s.target_namespace = base + s.name;
    s.operations = std::move(operations);
    return s;
  }
};

NounNames names_of(const PayloadType& payload) {
  NounNames n;
  n.noun = payload.element;
  n.plain = SchemaRegistry::wrapper_namespace(payload, Form::plain);
  n.get = SchemaRegistry::wrapper_namespace(payload, Form::get);
  n.operation_set = SchemaRegistry::wrapper_namespace(payload, Form::operation_set);
  n.base = n.plain.substr(0, n.plain.size() - n.noun.size() - std::string("Message").size());
  return n;
}

void add_noun_services(std::vector<Service>& out, const NounNames& n) {
  std::vector<Operation> execute, request, events;
  for (Verb v : kRequestVerbs) execute.push_back(n.operation(Form::plain, v, CallKind::request));
  for (Verb v : kEventVerbs) events.push_back(n.operation(Form::plain, v, CallKind::event));
  Operation get = n.operation(Form::get, V::get, CallKind::request);
  request = execute;
  request.insert(request.begin(), get);
  out.push_back(n.service("Execute", execute));
  out.push_back(n.service("Request", request));
  out.push_back(n.service("Get", {get}));
  out.push_back(n.service("Execute", {n.operation(Form::operation_set, V::execute, CallKind::request)}, "OperationSet"));
  out.push_back(n.service("Send", events));
  out.push_back(n.service("Receive", events));
  // Reply<Noun>: results of requests the bus sent to a system asynchronously, in each form.
  std::vector<Operation> replies;
  for (Form form : {Form::plain, Form::get, Form::operation_set}) {
    Operation reply;
    reply.kind = CallKind::response;
    reply.input = n.wrapper(form, Envelope::RESPONSE_MESSAGE);
    reply.output = n.wrapper(Form::plain, Envelope::RESPONSE_MESSAGE);
    reply.fault = n.wrapper(form, Envelope::FAULT_MESSAGE);
    reply.name = "Reply" + reply.input.name.substr(0, reply.input.name.size() - std::string("ResponseMessage").size());
    reply.action = n.base + n.noun + "/" + reply.name;
    replies.push_back(reply);
  }
  out.push_back(n.service("Reply", replies));
}

Service generic_service() {
  const std::string ns(kMessageNamespace);
  auto op = [&](const char* name, CallKind kind, const char* input) {
    Operation o;
    o.name = name;
    o.action = std::string("http://iec.ch/61968/") + name;
    o.kind = kind;
    o.input = {ns, input};
    o.output = {ns, "ResponseMessage"};
    o.fault = {ns, "FaultMessage"};
    return o;
  };
  Service s;
  s.name = std::string(ServiceCatalog::kGeneric);
  s.target_namespace = "http://iec.ch/TC57/2011/abstract";
  s.operations = {op("Request", CallKind::request, "RequestMessage"), op("Response", CallKind::response, "ResponseMessage"),
                  op("PublishEvent", CallKind::event, "EventMessage")};
  return s;
}

}  // namespace

const Operation* Service::operation(std::string_view wanted) const {
  for (const Operation& op : operations)
    if (op.name == wanted) return &op;
  return nullptr;
}

const Operation* Service::operation_for_input(std::string_view ns, std::string_view element) const {
  for (const Operation& op : operations)
    if (op.input.ns == ns && op.input.name == element) return &op;
  return nullptr;
}

ServiceCatalog::ServiceCatalog(const SchemaRegistry& registry, const std::set<std::string>& nouns) {
  std::set<std::string> unknown = nouns;
  for (const PayloadType& payload : registry.payload_types()) {
    if (registry.is_query_profile(payload) || registry.payload_type_for_noun(payload.element) != &payload) continue;
    if (!nouns.empty() && nouns.count(payload.element) == 0) continue;
    unknown.erase(payload.element);
    add_noun_services(services_, names_of(payload));
  }
  if (!unknown.empty()) throw std::invalid_argument("web_services.nouns: no schema is loaded for " + *unknown.begin());
  services_.push_back(generic_service());
}

std::pair<const Service*, const Operation*> ServiceCatalog::to_call(const std::string& noun, Verb verb) const {
  std::string name = "Execute" + noun;
  if (is_event_verb(verb)) name = "Receive" + noun;
  else if (verb == V::get) name = "Get" + noun;
  else if (verb == V::execute) name += "OperationSet";
  if (const Service* service = find(name))
    for (const Operation& op : service->operations)
      if (op.verb == verb) return {service, &op};
  return {nullptr, nullptr};
}

const Service* ServiceCatalog::find(std::string_view name) const {
  for (const Service& s : services_)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace cimbus::web_services
