#include "cimbus/web_services/schema_documents.hpp"

#include <regex>

#include "cimbus/codec/xml_text.hpp"

namespace cimbus::web_services {

namespace {

// "wrappers/iec.ch/TC57/2015/ServiceOrdersMessage.xsd" -> "ServiceOrdersMessage.xsd"; a name
// already taken gets the folders before it ("TC57-2014-TroubleTicketsMessage.xsd").
std::string file_name(const std::string& path, const std::map<std::string, std::string, std::less<>>& taken) {
  std::string name = path.substr(path.rfind('/') + 1);
  std::string rest = path.substr(0, path.size() - name.size());
  while (taken.count(name) != 0 && !rest.empty()) {
    rest.pop_back();  // the '/'
    const std::size_t slash = rest.rfind('/');
    name = rest.substr(slash == std::string::npos ? 0 : slash + 1) + "-" + name;
    rest.resize(slash == std::string::npos ? 0 : slash + 1);
  }
  return name;
}

}  // namespace

SchemaDocuments::SchemaDocuments(const SchemaRegistry& registry) {
  std::map<std::string, std::string, std::less<>> raw;
  for (const SchemaSource& source : registry.sources()) {
    const std::string file = file_name(source.path, raw);
    raw[file] = source.text;
    file_of_namespace_.emplace(source.target_namespace(), file);
  }
  // The registry resolves imports by namespace; a client needs a location.
  static const std::regex import(R"re(<(\w+:)?import\s+namespace\s*=\s*"([^"]*)"\s*/>)re");
  for (auto& [file, text] : raw) {
    std::string out;
    auto from = text.cbegin();
    for (std::sregex_iterator it(text.begin(), text.end(), import), end; it != end; ++it) {
      const std::smatch& m = *it;
      out.append(from, m[0].first);
      const std::string location = file_for(m[2].str());
      out += "<" + m[1].str() + "import namespace=\"" + m[2].str() + "\"";
      if (!location.empty()) out += " schemaLocation=\"" + escape_xml_attribute(location) + "\"";
      out += "/>";
      from = m[0].second;
    }
    out.append(from, text.cend());
    documents_.emplace(file, std::move(out));
  }
}

const std::string* SchemaDocuments::find(std::string_view file) const {
  auto it = documents_.find(file);
  return it == documents_.end() ? nullptr : &it->second;
}

std::string SchemaDocuments::file_for(std::string_view ns) const {
  auto it = file_of_namespace_.find(ns);
  return it == file_of_namespace_.end() ? std::string() : it->second;
}

}  // namespace cimbus::web_services
