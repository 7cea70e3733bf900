#include "cimbus/web_services/soap_envelope.hpp"

#include <algorithm>
#include <cctype>

#include "cimbus/codec/xml_text.hpp"

namespace cimbus::web_services {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string unquote(std::string_view text) {
  text = trim(text);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  return std::string(text);
}

// The value of the parameter `name` of a header value such as `type/subtype; a=1; action="x"`.
std::string parameter(std::string_view header, std::string_view name) {
  std::size_t at = header.find(';');
  while (at != std::string_view::npos) {
    std::string_view rest = header.substr(at + 1);
    const std::size_t next = rest.find(';');
    std::string_view item = trim(rest.substr(0, next));
    const std::size_t equals = item.find('=');
    if (equals != std::string_view::npos && lower(trim(item.substr(0, equals))) == name) return unquote(item.substr(equals + 1));
    at = next == std::string_view::npos ? next : at + 1 + next;
  }
  return {};
}

// The message without an XML declaration, which cannot stand inside the Body.
std::string_view without_declaration(std::string_view message) {
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.front()))) message.remove_prefix(1);
  if (message.rfind("<?xml", 0) == 0) {
    const std::size_t end = message.find("?>");
    if (end != std::string_view::npos) message.remove_prefix(end + 2);
  }
  return message;
}

std::string open_envelope(SoapVersion version) {
  return std::string("<soap:Envelope xmlns:soap=\"") + std::string(soap_namespace(version)) +
         "\"><soap:Body>";
}

const char* const kCloseEnvelope = "</soap:Body></soap:Envelope>";

}  // namespace

std::optional<SoapCall> soap_call_of(std::string_view content_type, std::string_view soap_action) {
  const std::string type = lower(trim(content_type.substr(0, content_type.find(';'))));
  SoapCall call;
  if (type == "text/xml") {
    call.version = SoapVersion::soap11;
    call.action = unquote(soap_action);
  } else if (type == "application/soap+xml") {
    call.version = SoapVersion::soap12;
    call.action = parameter(content_type, "action");
    if (call.action.empty()) call.action = unquote(soap_action);
  } else {
    return std::nullopt;
  }
  return call;
}

std::string_view operation_of(std::string_view action) {
  while (!action.empty() && action.back() == '/') action.remove_suffix(1);
  const std::size_t slash = action.find_last_of("/#:");
  return slash == std::string_view::npos ? action : action.substr(slash + 1);
}

std::string content_type_of(SoapVersion version, std::string_view action) {
  if (version == SoapVersion::soap11) return "text/xml; charset=utf-8";
  std::string type = "application/soap+xml; charset=utf-8";
  if (!action.empty()) type += "; action=\"" + std::string(action) + "\"";
  return type;
}

std::string soap_envelope(SoapVersion version, std::string_view message) {
  const std::string_view body = without_declaration(message);
  std::string out = open_envelope(version);
  out.reserve(out.size() + body.size() + 40);
  out.append(body);
  out += kCloseEnvelope;
  return out;
}

std::string soap_fault(SoapVersion version, FaultSide side, std::string_view reason, std::string_view detail) {
  const std::string text = escape_xml_text(xml_safe_text(reason));
  const std::string_view inner = without_declaration(detail);
  std::string out = open_envelope(version) + "<soap:Fault>";
  if (version == SoapVersion::soap11) {
    out += std::string("<faultcode>soap:") + (side == FaultSide::sender ? "Client" : "Server") + "</faultcode>";
    out += "<faultstring>" + text + "</faultstring>";
    if (!inner.empty()) out += "<detail>" + std::string(inner) + "</detail>";
  } else {
    out += std::string("<soap:Code><soap:Value>soap:") + (side == FaultSide::sender ? "Sender" : "Receiver") + "</soap:Value></soap:Code>";
    out += "<soap:Reason><soap:Text xml:lang=\"en\">" + text + "</soap:Text></soap:Reason>";
    if (!inner.empty()) out += "<soap:Detail>" + std::string(inner) + "</soap:Detail>";
  }
  out += "</soap:Fault>";
  out += kCloseEnvelope;
  return out;
}

namespace {

// The start tag of the first element whose local name is `local` or ends with `suffix`: its
// position, its qualified name and its end ('>' included).
struct Tag {
  std::size_t begin = std::string_view::npos;
  std::size_t end = 0;
  std::string qname;
};

Tag find_tag(std::string_view text, std::string_view local, bool suffix, std::size_t from = 0) {
  for (std::size_t lt = text.find('<', from); lt != std::string_view::npos; lt = text.find('<', lt + 1)) {
    if (lt + 1 >= text.size() || text[lt + 1] == '/' || text[lt + 1] == '?' || text[lt + 1] == '!') continue;
    const std::size_t name_end = text.find_first_of(" \t\r\n/>", lt + 1);
    if (name_end == std::string_view::npos) break;
    const std::string_view qname = text.substr(lt + 1, name_end - lt - 1);
    const std::size_t colon = qname.find(':');
    const std::string_view name = colon == std::string_view::npos ? qname : qname.substr(colon + 1);
    const bool match = suffix ? name.size() >= local.size() && name.substr(name.size() - local.size()) == local : name == local;
    if (!match) continue;
    const std::size_t close = text.find('>', name_end);
    if (close == std::string_view::npos) break;
    return {lt, close + 1, std::string(qname)};
  }
  return {};
}

// The text content of the first element named `local` (any prefix), or "".
std::string text_of(std::string_view body, std::string_view local) {
  const Tag tag = find_tag(body, local, false);
  if (tag.begin == std::string_view::npos) return {};
  const std::size_t end = body.find('<', tag.end);
  return std::string(body.substr(tag.end, end == std::string_view::npos ? 0 : end - tag.end));
}

// xmlns declarations of the Envelope's start tag, to carry onto an element taken out of it
// (`own`: that element's start tag, whose declarations stay).
std::string namespace_declarations(std::string_view start_tag, std::string_view own) {
  std::string out;
  for (std::size_t at = start_tag.find("xmlns"); at != std::string_view::npos; at = start_tag.find("xmlns", at + 5)) {
    const std::size_t quote = start_tag.find_first_of("\"'", at);
    if (quote == std::string_view::npos) break;
    const std::size_t end = start_tag.find(start_tag[quote], quote + 1);
    if (end == std::string_view::npos) break;
    const std::string_view declaration = start_tag.substr(at, end + 1 - at);
    const std::string_view name = declaration.substr(0, declaration.find('='));
    if (own.find(std::string(name) + "=") == std::string_view::npos) {
      out += " ";
      out += declaration;
    }
    at = end;
  }
  return out;
}

}  // namespace

std::optional<SoapFault> soap_fault_of(std::string_view body) {
  const Tag fault = find_tag(body, "Fault", false);
  if (fault.begin == std::string_view::npos) return std::nullopt;
  SoapFault out;
  std::string code = text_of(body.substr(fault.end), "faultcode");
  if (code.empty()) code = text_of(body.substr(fault.end), "Value");
  const std::string_view side = operation_of(code);
  out.side = side == "Client" || side == "Sender" ? FaultSide::sender : FaultSide::receiver;
  out.reason = text_of(body.substr(fault.end), "faultstring");
  if (out.reason.empty()) out.reason = text_of(body.substr(fault.end), "Text");
  const Tag message = find_tag(body, "FaultMessage", true, fault.end);
  if (message.begin == std::string_view::npos) return out;
  const std::size_t close = body.find("</" + message.qname, message.end);
  if (close == std::string_view::npos) return out;
  const std::size_t close_end = body.find('>', close);
  if (close_end == std::string_view::npos) return out;
  // The FaultMessage alone, with the Envelope's namespace declarations that it may use.
  const Tag envelope = find_tag(body, "Envelope", false);
  const std::size_t name_end = message.begin + 1 + message.qname.size();
  out.fault_message = std::string(body.substr(message.begin, name_end - message.begin));
  if (envelope.begin != std::string_view::npos)
    out.fault_message += namespace_declarations(body.substr(envelope.begin, envelope.end - envelope.begin),
                                                body.substr(message.begin, message.end - message.begin));
  out.fault_message += std::string(body.substr(name_end, close_end + 1 - name_end));
  return out;
}

}  // namespace cimbus::web_services
