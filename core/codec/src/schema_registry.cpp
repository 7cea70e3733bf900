#include "cimbus/codec/schema_registry.hpp"
#include "grammar_set.hpp"

#include <stdexcept>

#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/parsers/XercesDOMParser.hpp>
#include <xercesc/sax/ErrorHandler.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/util/XMLEntityResolver.hpp>
#include <xercesc/util/XMLResourceIdentifier.hpp>
#include <xercesc/validators/common/Grammar.hpp>

#include "cimbus/codec/message_elements.hpp"
#include "cimbus/codec/xml_text.hpp"
#include "cimbus/generated_roots.hpp"
#include "xerces_runtime.hpp"
#include "cimbus/xerces/throw_on_error.hpp"
#include "xerces_text.hpp"

using namespace xercesc;

namespace cimbus {

namespace {

constexpr const char* kSystemIdPrefix = "cimbus-schemas:/";

// "a/b/../c.xsd" -> "a/c.xsd"
std::string normalise(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(start, slash - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

// A noun's payload lives in a namespace ending in "/<Noun>#", with <Noun> as its root element.
bool in_noun_namespace(const PayloadType& p) {
  const std::string suffix = "/" + p.element + "#";
  return p.ns.size() > suffix.size() && p.ns.compare(p.ns.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Resolves xs:import by namespace and xs:include by path, among the registry's own sources only:
// compiling schemas never reads a file or the network.
class SourceResolver : public XMLEntityResolver {
 public:
  explicit SourceResolver(const std::vector<const SchemaSource*>& sources) : sources_(sources) {}

  InputSource* resolveEntity(XMLResourceIdentifier* id) override {
    const SchemaSource* found = nullptr;
    if (id->getResourceIdentifierType() == XMLResourceIdentifier::SchemaImport) {
      const std::string ns = detail::utf8(id->getNameSpace());
      for (const SchemaSource* s : sources_)
        if (s->target_namespace() == ns) found = s;
    }
    if (found == nullptr) {
      std::string base = detail::utf8(id->getBaseURI());
      if (base.rfind(kSystemIdPrefix, 0) == 0) base = base.substr(std::string(kSystemIdPrefix).size());
      const std::string dir = base.find('/') == std::string::npos ? "" : base.substr(0, base.rfind('/') + 1);
      const std::string wanted = normalise(dir + detail::utf8(id->getSystemId()));
      for (const SchemaSource* s : sources_)
        if (s->path == wanted) found = s;
    }
    static const XMLByte nothing[] = "";
    if (found == nullptr)  // an empty document: the schema reports the unresolved reference
      return new MemBufInputSource(nothing, 0, "cimbus-schemas:/unresolved");
    system_ids_.push_back(kSystemIdPrefix + found->path);
    return new MemBufInputSource(reinterpret_cast<const XMLByte*>(found->text.data()), found->text.size(),
                                 system_ids_.back().c_str());
  }

 private:
  const std::vector<const SchemaSource*>& sources_;
  std::vector<std::string> system_ids_;
};


}  // namespace

GrammarSet::GrammarSet(std::unique_ptr<XMLGrammarPool> pool, std::set<std::string> namespaces,
                       std::uint64_t generation)
    : pool_(std::move(pool)), namespaces_(namespaces.begin(), namespaces.end()), generation_(generation) {}

GrammarSet::~GrammarSet() = default;

XSModel& GrammarSet::model() const {
  // The pool is locked: its grammars, hence its model, no longer change. The pool makes the model
  // on the first call without a lock of its own, and codecs of several threads ask for it.
  std::call_once(model_made_, [this] {
    bool changed = false;
    model_ = pool_->getXSModel(changed);
  });
  return *model_;
}

bool GrammarSet::declares(std::string_view target_namespace) const {
  return namespaces_.find(target_namespace) != namespaces_.end();
}

std::shared_ptr<SchemaRegistry> SchemaRegistry::builtin() {
  static std::shared_ptr<SchemaRegistry> registry = std::make_shared<SchemaRegistry>(builtin_schemas());
  return registry;
}

SchemaRegistry::SchemaRegistry(std::vector<SchemaSource> sources, SchemaRegistryOptions options)
    : sources_(std::move(sources)), options_(std::move(options)) {
  detail::ensure_xerces();
  add_namespace_aliases();
  index_payload_types();
  add_noun_wrappers();
  sync::Lock lock(mutex_);  // no other thread sees it yet; held for the analysis of compile()
  current_ = compile(1);
}

void SchemaRegistry::add_namespace_aliases() {
  const std::size_t own = sources_.size();
  for (const auto& [alias, canonical] : options_.namespace_aliases) {
    bool found = false;
    for (std::size_t i = 0; i < own; ++i) {
      if (sources_[i].target_namespace() != canonical) continue;
      // The same schema in the alias namespace: every quoted occurrence of the namespace (the
      // target namespace and the prefix bound to it) is replaced.
      std::string text = sources_[i].text;
      for (const char quote : {'"', '\''}) {
        const std::string from = quote + canonical + quote, to = quote + alias + quote;
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
          text.replace(at, from.size(), to);
      }
      sources_.push_back({"aliases/" + std::to_string(sources_.size()) + "/" + sources_[i].path, std::move(text)});
      found = true;
    }
    if (!found) throw std::runtime_error("namespace alias " + alias + ": no loaded schema has namespace " + canonical);
  }
}

void SchemaRegistry::index_payload_types() {
  std::set<std::string> namespaces;
  for (const SchemaSource& s : sources_) namespaces.insert(s.target_namespace());
  for (const GeneratedRoot& root : generated_roots()) {
    if (std::string_view(root.ns) == kMessageNamespace || namespaces.count(root.ns) == 0) continue;
    payload_types_.push_back(PayloadType{root.ns, root.local, root.descriptor()});
  }
  // After the schema's own namespaces, so that lookups by noun find those first.
  const std::size_t own = payload_types_.size();
  for (const auto& [alias, canonical] : options_.namespace_aliases)
    for (std::size_t i = 0; i < own; ++i)
      if (payload_types_[i].ns == canonical)
        payload_types_.push_back(PayloadType{alias, payload_types_[i].element, payload_types_[i].descriptor});
}

// The typed wrappers of every loaded noun are compiled with the registry, with the noun's payload
// element in their Payload: ".../2015/ServiceOrders#" gives ".../2015/ServiceOrdersMessage",
// ".../2015/GetServiceOrdersMessage" and ".../2015/ServiceOrdersOperationSetMessage".
void SchemaRegistry::add_noun_wrappers() {
  using Form = WrapperName::Form;
  for (const PayloadType& payload : payload_types_) {
    // A query profile (GetServiceOrders) is not a noun: its wrappers are the noun's get form.
    if (!in_noun_namespace(payload) || is_query_profile(payload)) continue;
    for (Form form : {Form::plain, Form::get, Form::operation_set}) {
      WrapperName wrapper;
      wrapper.form = form;
      wrapper.noun = payload.element;
      const std::string ns = wrapper_namespace(payload, form);
      sources_.push_back({"wrappers/" + ns.substr(ns.find("://") + 3) + ".xsd", wrapper_schema(ns, wrapper, &payload)});
    }
  }
}

bool SchemaRegistry::is_query_profile(const PayloadType& type) const {
  return type.element.rfind("Get", 0) == 0 && payload_type_for_noun(type.element.substr(3)) != nullptr;
}

const PayloadType* SchemaRegistry::query_type_for_noun(std::string_view noun) const {
  const std::string query = "Get" + std::string(canonical_noun(noun));
  for (const PayloadType& type : payload_types_)
    if (type.element == query && is_query_profile(type)) return &type;
  return nullptr;
}

std::string SchemaRegistry::wrapper_namespace(const PayloadType& noun_payload, WrapperName::Form form) {
  const std::string& n = noun_payload.element;
  const std::string base = noun_payload.ns.substr(0, noun_payload.ns.size() - n.size() - 1);  // ".../2015/"
  switch (form) {
    case WrapperName::Form::plain: return base + n + "Message";
    case WrapperName::Form::get: return base + "Get" + n + "Message";
    case WrapperName::Form::operation_set: return base + n + "OperationSetMessage";
  }
  return base + n + "Message";
}

const PayloadType* SchemaRegistry::payload_type(std::string_view ns, std::string_view element) const {
  for (const PayloadType& p : payload_types_)
    if (p.ns == ns && p.element == element) return &p;
  return nullptr;
}

std::string_view SchemaRegistry::canonical_noun(std::string_view noun) const {
  auto alias = options_.noun_aliases.find(noun);
  return alias == options_.noun_aliases.end() ? noun : std::string_view(alias->second);
}

const PayloadType* SchemaRegistry::payload_type_for_noun(std::string_view noun) const {
  noun = canonical_noun(noun);
  for (const PayloadType& p : payload_types_)
    if (p.element == noun && in_noun_namespace(p)) return &p;
  return nullptr;
}

SchemaRegistry::~SchemaRegistry() = default;

std::shared_ptr<const GrammarSet> SchemaRegistry::grammars() const {
  sync::Lock lock(mutex_);
  return current_;
}

std::shared_ptr<const GrammarSet> SchemaRegistry::compile(std::uint64_t generation) const {
  std::vector<const SchemaSource*> all;
  for (const auto& s : sources_) all.push_back(&s);
  for (const auto& s : synthesized_) all.push_back(&s);

  auto pool = std::make_unique<XMLGrammarPoolImpl>(XMLPlatformUtils::fgMemoryManager);
  std::set<std::string> namespaces;
  {
    SourceResolver resolver(all);
    xerces::ThrowOnError errors([](const std::string& id) {  // the schema's name in the repository
      return id.rfind(kSystemIdPrefix, 0) == 0 ? "schemas/" + id.substr(std::string(kSystemIdPrefix).size()) : id;
    });
    XercesDOMParser loader(nullptr, XMLPlatformUtils::fgMemoryManager, pool.get());
    loader.setDoNamespaces(true);
    loader.setDoSchema(true);
    loader.setHandleMultipleImports(true);
    loader.setValidationSchemaFullChecking(true);
    loader.useCachedGrammarInParse(true);
    loader.setXMLEntityResolver(&resolver);
    loader.setErrorHandler(&errors);
    for (const SchemaSource* source : all) {
      const std::string ns = source->target_namespace();
      if (namespaces.count(ns) != 0) continue;  // already pulled in by an import
      const std::string system_id = kSystemIdPrefix + source->path;
      MemBufInputSource input(reinterpret_cast<const XMLByte*>(source->text.data()), source->text.size(),
                              system_id.c_str());
      if (loader.loadGrammar(input, Grammar::SchemaGrammarType, true) == nullptr)
        throw std::runtime_error("schemas/" + source->path + ": cannot be compiled");
      RefHashTableOfEnumerator<Grammar> grammars = pool->getGrammarEnumerator();
      while (grammars.hasMoreElements()) namespaces.insert(detail::utf8(grammars.nextElement().getTargetNamespace()));
    }
  }
  pool->lockPool();
  return std::make_shared<GrammarSet>(std::move(pool), std::move(namespaces), generation);
}

std::shared_ptr<const GrammarSet> SchemaRegistry::add_wrapper_grammar(std::string_view ns,
                                                                      const WrapperName& wrapper) {
  sync::Lock lock(mutex_);
  if (current_->declares(ns)) return current_;
  if (!wrapper.namespace_fits(ns) || synthesized_.size() >= options_.max_synthesized_wrappers) return nullptr;
  // Xerces-C 3.2 compiles a schema whose targetNamespace holds a comma without a word, then
  // crashes (SIGSEGV in DTDElementDecl::getAttDef) validating a message against it; found by
  // tests/fuzz. Such a namespace gets no grammar: its message is refused as undeclared (2.5).
  if (ns.find(',') != std::string_view::npos) return nullptr;
  synthesized_.push_back({"synthesized/" + std::to_string(synthesized_.size() + 1) + ".xsd",
                          wrapper_schema(ns, wrapper, payload_type_for_noun(wrapper.noun))});
  try {
    current_ = compile(current_->generation() + 1);
  } catch (const std::exception&) {
    synthesized_.pop_back();
    return nullptr;
  }
  return current_;
}

std::string SchemaRegistry::wrapper_schema(std::string_view ns, const WrapperName& wrapper,
                                           const PayloadType* payload) {
  using Form = WrapperName::Form;
  const std::string& n = wrapper.noun;
  std::string x;
  x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += payload ? "<!-- The typed wrappers of " + n + ", made by cimbus from the wrapper pattern (IEC 61968-100). -->\n"
               : "<!-- Synthesized by cimbus from the typed wrapper pattern, for a noun whose schema is not loaded. -->\n";
  x += "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:m=\"" + std::string(kMessageNamespace) +
       "\" xmlns:w=\"" + escape_xml_attribute(ns) + "\" targetNamespace=\"" + escape_xml_attribute(ns) +
       "\" elementFormDefault=\"qualified\" attributeFormDefault=\"unqualified\">\n";
  x += "  <xs:import namespace=\"" + std::string(kMessageNamespace) + "\"/>\n";
  if (payload) x += "  <xs:import namespace=\"" + escape_xml_attribute(payload->ns) + "\"/>\n";
  x += "  <xs:complexType name=\"PayloadType\"><xs:sequence>\n";
  if (payload) {
    // Optional: a Payload may carry only an OperationSet or Compressed content instead.
    x += "    <xs:element xmlns:p=\"" + escape_xml_attribute(payload->ns) + "\" ref=\"p:" + payload->element +
         "\" minOccurs=\"0\"/>\n";
  } else {
    // The payload of an unknown noun is carried unvalidated.
    x += "    <xs:any namespace=\"##other\" processContents=\"skip\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>\n";
  }
  x += "    <xs:element name=\"OperationSet\" type=\"m:OperationSet\" minOccurs=\"0\"/>\n"
       "    <xs:element name=\"Compressed\" type=\"xs:string\" minOccurs=\"0\"/>\n"
       "    <xs:element name=\"Format\" type=\"xs:string\" minOccurs=\"0\"/>\n"
       "  </xs:sequence></xs:complexType>\n";
  auto type = [&](const std::string& name, bool header, const std::string& request, bool reply, bool has_payload) {
    x += "  <xs:complexType name=\"" + name + "\"><xs:sequence>\n";
    if (header) x += "    <xs:element name=\"Header\" type=\"m:HeaderType\"/>\n";
    if (!request.empty()) x += "    <xs:element name=\"Request\" type=\"" + request + "\" minOccurs=\"0\"/>\n";
    if (reply) x += "    <xs:element name=\"Reply\" type=\"m:ReplyType\"/>\n";
    if (has_payload) x += "    <xs:element name=\"Payload\" type=\"w:PayloadType\" minOccurs=\"0\"/>\n";
    x += "  </xs:sequence></xs:complexType>\n";
  };
  auto element = [&](const std::string& name, const std::string& of_type) {
    x += "  <xs:element name=\"" + name + "\" type=\"w:" + of_type + "\"/>\n";
  };
  type("ResponseMessageType", true, "", true, true);
  type("FaultMessageType", false, "", true, false);
  switch (wrapper.form) {
    case Form::get:
      x += "  <xs:complexType name=\"GetRequestType\"><xs:sequence>\n"
           "    <xs:element name=\"StartTime\" type=\"xs:dateTime\" minOccurs=\"0\"/>\n"
           "    <xs:element name=\"EndTime\" type=\"xs:dateTime\" minOccurs=\"0\"/>\n"
           "    <xs:element name=\"Option\" type=\"m:OptionType\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>\n"
           "    <xs:element name=\"ID\" type=\"xs:string\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>\n"
           "    <xs:any namespace=\"##other\" processContents=\"lax\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>\n"
           "  </xs:sequence></xs:complexType>\n";
      type("GetRequestMessageType", true, "w:GetRequestType", false, false);
      element("Get" + n + "RequestMessage", "GetRequestMessageType");
      element("Get" + n + "ResponseMessage", "ResponseMessageType");
      element("Get" + n + "FaultMessage", "FaultMessageType");
      break;
    case Form::operation_set:
      type("RequestMessageType", true, "m:RequestType", false, true);
      type("EventMessageType", true, "", false, true);
      element("Execute" + n + "OperationSet", "RequestMessageType");
      element("Executed" + n + "OperationSet", "EventMessageType");
      element(n + "OperationSetResponseMessage", "ResponseMessageType");
      element(n + "OperationSetFaultMessage", "FaultMessageType");
      break;
    case Form::plain:
      type("RequestMessageType", true, "m:RequestType", false, true);
      type("EventMessageType", true, "", false, true);
      for (const char* verb : {"Create", "Change", "Cancel", "Close", "Delete", "Execute"})
        element(verb + n, "RequestMessageType");
      for (const char* verb : {"Created", "Changed", "Canceled", "Closed", "Deleted", "Executed"})
        element(verb + n, "EventMessageType");
      element(n + "ResponseMessage", "ResponseMessageType");
      element(n + "FaultMessage", "FaultMessageType");
      break;
  }
  x += "</xs:schema>\n";
  return x;
}

}  // namespace cimbus
