#include "cimbus/codec/xml_codec.hpp"

#include <algorithm>

#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/sax/SAXException.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/XMLException.hpp>

#include "cimbus/codec/error_code.hpp"
#include "decode_handler.hpp"
#include "envelope_builder.hpp"
#include "envelope_checks.hpp"
#include "grammar_set.hpp"
#include "hardened_reader.hpp"
#include "schema_validator.hpp"
#include "message_namespaces.hpp"
#include "xerces_runtime.hpp"
#include "xerces_text.hpp"
#include "xml_encoder.hpp"
#include "xml_escape.hpp"

namespace cimbus {

using detail::ParseStop;

namespace {

bool has_error(const Diagnostics& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) { return d.is_error(); });
}

}  // namespace

const char* to_string(DecodeResult::Status status) {
  switch (status) {
    case DecodeResult::Status::accepted: return "accepted";
    case DecodeResult::Status::rejected: return "rejected";
    case DecodeResult::Status::unreadable: return "unreadable";
  }
  return "unreadable";
}

struct XmlCodec::Impl {
  Impl(CodecOptions o, std::shared_ptr<SchemaRegistry> r)
      : options(o), registry(std::move(r)), handler(types, options.limits), builder(types), encoder(types) {}

  // The registry's latest grammars, and the reader and validator made from them.
  void ensure_grammars() {
    std::shared_ptr<const GrammarSet> latest = registry->grammars();
    if (grammars && latest->generation() == grammars->generation()) return;
    reader.reset();  // before its grammar pool goes
    validator.reset();
    grammars = std::move(latest);
  }

  void ensure_reader() {
    ensure_grammars();
    if (!reader) reader = std::make_unique<detail::HardenedReader>(grammars->pool(), handler, options.limits, options.policy);
  }

  // The fast path (decisions/0035): cimbus's validator, building the envelope on its walk. True
  // when the document is valid and built; anything else is decoded again by Xerces-C, which
  // gives the diagnostics.
  bool decode_valid(std::string_view xml, DecodeResult& result) {
    if (options.reference_decoder || options.policy == ValidationPolicy::off) return false;
    ensure_grammars();
    if (!validator) validator = std::make_unique<detail::SchemaValidator>(grammars->model());
    builder.reset(&result.envelope, registry.get());
    if (validator->validate(xml, options.limits, &builder).kind != detail::SchemaValidator::Verdict::Kind::valid || !builder.facts().found_message) {
      result.envelope.Clear();
      return false;
    }
    result.soap_namespace = builder.facts().soap_namespace;
    judge(result, builder.facts());
    return true;
  }

  // The envelope rules a schema cannot express, then the result's status.
  void judge(DecodeResult& result, const detail::ParseFacts& facts) const {
    detail::check_envelope(result, facts, options.policy, options.limits);
    result.status = has_error(result.diagnostics) ? DecodeResult::Status::rejected : DecodeResult::Status::accepted;
  }

  void fail(DecodeResult& result, std::string_view code, std::string reason, std::string detail = {}) {
    Diagnostic d;
    d.code = std::string(code);
    d.level = Level::fatal;
    d.reason = std::move(reason);
    d.detail = std::move(detail);
    d.path = handler.facts().root_path;
    result.diagnostics.push_back(std::move(d));
  }

  CodecOptions options;
  std::shared_ptr<SchemaRegistry> registry;
  detail::TypeMapCache types;
  detail::DecodeHandler handler;
  detail::EnvelopeBuilder builder;
  detail::XmlEncoder encoder;
  std::shared_ptr<const GrammarSet> grammars;
  std::unique_ptr<detail::HardenedReader> reader;
  std::unique_ptr<detail::SchemaValidator> validator;
};

XmlCodec::XmlCodec(CodecOptions options, std::shared_ptr<SchemaRegistry> registry)
    : impl_(std::make_unique<Impl>(options, std::move(registry))) {
  detail::ensure_xerces();
}

XmlCodec::~XmlCodec() = default;

const CodecOptions& XmlCodec::options() const { return impl_->options; }

DecodeResult XmlCodec::decode(std::string_view xml) {
  Impl& i = *impl_;
  DecodeResult result;
  if (xml.size() > i.options.limits.max_message_bytes) {
    i.handler.reset(&result.envelope, &result.diagnostics, i.registry.get(), nullptr, i.options.policy);
    i.fail(result, code::kTooManyItems,
           "the message is " + std::to_string(xml.size()) + " bytes; the limit is " +
               std::to_string(i.options.limits.max_message_bytes));
    return result;
  }
  if (i.decode_valid(xml, result)) return result;
  for (int attempt = 0;; ++attempt) {
    i.ensure_reader();
    result.envelope.Clear();
    result.diagnostics.clear();
    i.handler.reset(&result.envelope, &result.diagnostics, i.registry.get(), i.grammars.get(), i.options.policy);
    xercesc::MemBufInputSource input(reinterpret_cast<const XMLByte*>(xml.data()), xml.size(), "message", false);
    try {
      i.reader->parse(input);
    } catch (const ParseStop& stop) {
      i.reader.reset();  // unwound mid-document: start the next message with a fresh scanner
      switch (stop.why) {
        case ParseStop::Why::needs_wrapper_grammar:
          if (attempt == 0 && i.registry->add_wrapper_grammar(stop.wrapper_namespace, stop.wrapper)) continue;
          i.fail(result, code::kInvalidNoun,
                 "no schema for {" + stop.wrapper_namespace + "}" + stop.wrapper.noun +
                     ", and no wrapper grammar can be made for it (a namespace with a comma, or the limit of synthesized grammars reached)");
          return result;
        case ParseStop::Why::doctype:
          i.fail(result, code::kPolicyViolation, stop.reason);
          return result;
        case ParseStop::Why::limit:
          i.fail(result, code::kTooManyItems, stop.reason);
          return result;
        case ParseStop::Why::too_many_diagnostics:
          i.fail(result, code::kSchemaInvalid, stop.reason);
          result.status = i.handler.facts().found_message ? DecodeResult::Status::rejected : DecodeResult::Status::unreadable;
          return result;
      }
    } catch (const xercesc::OutOfMemoryException&) {
      i.reader.reset();
      i.fail(result, code::kTooManyItems, "the message needs more memory than is available");
      return result;
    } catch (const xercesc::XMLException& e) {
      i.reader.reset();
      i.fail(result, code::kSchemaInvalid, "the input is not well-formed XML", detail::utf8(e.getMessage()));
      return result;
    } catch (const xercesc::SAXException& e) {
      i.reader.reset();
      i.fail(result, code::kSchemaInvalid, "the input is not well-formed XML", detail::utf8(e.getMessage()));
      return result;
    }
    break;
  }
  // A parse that found errors may leave a stand-in grammar in the reader for a namespace it
  // could not find (an xsi:type naming a type of no loaded schema), and the next parse would
  // take that namespace as found and accept the same document: a fresh reader after any error.
  if (has_error(result.diagnostics)) i.reader.reset();
  result.soap_namespace = i.handler.facts().soap_namespace;
  if (!i.handler.facts().found_message || !i.handler.well_formed()) return result;  // unreadable
  i.handler.check_nothing_dropped();

  i.judge(result, i.handler.facts());
  return result;
}

std::string XmlCodec::encode(const Envelope& envelope, const EncodeOptions& options) {
  return impl_->encoder.encode(envelope, options);
}

DecodeResult XmlCodec::decode_payload(const std::string& noun, Verb verb, std::string_view payload) {
  std::string xml = "<RequestMessage xmlns=\"" + detail::kMessageNamespace + "\"><Header><Verb>" + to_literal(verb) + "</Verb><Noun>";
  detail::append_escaped_text(xml, noun);
  xml += "</Noun></Header><Payload>";
  xml += payload;
  xml += "</Payload></RequestMessage>";
  return decode(xml);
}

std::string XmlCodec::encode_object(const google::protobuf::Any& object, const EncodeOptions& options) {
  return impl_->encoder.encode_object(object, options);
}

}  // namespace cimbus
