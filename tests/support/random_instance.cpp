#include "random_instance.hpp"

#include <cstdio>
#include <random>
#include <string>

#include "cimbus/xml_options.pb.h"

namespace cimbus::test {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

class Generator {
 public:
  Generator(std::uint64_t seed, const InstanceOptions& options) : rng_(seed), options_(options) {}

  void fill(Message& message, unsigned depth) {
    const Descriptor* d = message.GetDescriptor();
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* fd = d->field(i);
      const xml::FieldMapping& m = fd->options().GetExtension(xml::field);
      if (m.kind() == xml::FieldMapping::ANY) continue;
      const bool mandatory = m.min_occurs() > 0 || m.kind() == xml::FieldMapping::TEXT;
      const bool wanted = mandatory || (depth < options_.max_depth && (options_.every_field || coin()));
      if (!wanted) continue;
      const unsigned count = fd->is_repeated() ? 1 + pick(options_.max_repeat) : 1;
      for (unsigned k = 0; k < count; ++k) add_value(message, fd, m, depth);
    }
  }

 private:
  bool coin() { return std::uniform_int_distribution<int>(0, 1)(rng_) == 1; }
  unsigned pick(unsigned n) { return n == 0 ? 0 : std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }

  std::string uuid() {
    static const char hex[] = "0123456789abcdefABCDEF";
    std::string s;
    for (int group : {8, 4, 4, 4, 12}) {
      if (!s.empty()) s += '-';
      for (int i = 0; i < group; ++i) s += hex[pick(22)];
    }
    return s;
  }

  std::string date() {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", 1990 + pick(60), 1 + pick(12), 1 + pick(28));
    return buf;
  }

  std::string date_time() {
    static const char* zones[] = {"Z", "+01:00", "-05:00", "+05:30", ""};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%sT%02u:%02u:%02u%s%s", date().c_str(), pick(24), pick(60), pick(60),
                  coin() ? ".123" : "", zones[pick(5)]);
    return buf;
  }

  std::string text() {
    // Markup characters, quotes, a tab and a newline inside, accents and a character outside the BMP.
    static const char* pieces[] = {"Main", " ", "Street", "&", "<", ">", "\"", "'", "caf\xC3\xA9", "\xF0\x9F\x94\x8C",
                                   "\t", "\n", "42", "north-east", "\xE6\x9D\xB1\xE4\xBA\xAC"};
    std::string s = "x";
    for (unsigned n = 1 + pick(6); n > 0; --n) s += pieces[pick(15)];
    return s + "y";
  }

  void add_value(Message& message, const FieldDescriptor* fd, const xml::FieldMapping& m, unsigned depth) {
    const auto* r = message.GetReflection();
    const bool rep = fd->is_repeated();
    switch (fd->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        Message* child = rep ? r->AddMessage(&message, fd) : r->MutableMessage(&message, fd);
        fill(*child, depth + 1);
        return;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string v = m.pattern_type() == "mRID" ? uuid()
                        : m.xsd_type() == "dateTime" ? date_time()
                        : m.xsd_type() == "date" ? date()
                        : text();
        rep ? r->AddString(&message, fd, v) : r->SetString(&message, fd, v);
        return;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        bool v = coin();
        rep ? r->AddBool(&message, fd, v) : r->SetBool(&message, fd, v);
        return;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        std::int64_t v = std::uniform_int_distribution<std::int64_t>(-1000000000000LL, 1000000000000LL)(rng_);
        rep ? r->AddInt64(&message, fd, v) : r->SetInt64(&message, fd, v);
        return;
      }
      case FieldDescriptor::CPPTYPE_INT32: {
        std::int32_t v = std::uniform_int_distribution<std::int32_t>(-100000, 100000)(rng_);
        rep ? r->AddInt32(&message, fd, v) : r->SetInt32(&message, fd, v);
        return;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        std::uint64_t v = pick(1000000);
        rep ? r->AddUInt64(&message, fd, v) : r->SetUInt64(&message, fd, v);
        return;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        std::uint32_t v = pick(1000000);
        rep ? r->AddUInt32(&message, fd, v) : r->SetUInt32(&message, fd, v);
        return;
      }
      case FieldDescriptor::CPPTYPE_FLOAT: {
        float v = std::uniform_real_distribution<float>(-1e6f, 1e6f)(rng_);
        rep ? r->AddFloat(&message, fd, v) : r->SetFloat(&message, fd, v);
        return;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        double v = std::uniform_real_distribution<double>(-1e9, 1e9)(rng_);
        rep ? r->AddDouble(&message, fd, v) : r->SetDouble(&message, fd, v);
        return;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        const auto* e = fd->enum_type();
        int number = e->value(static_cast<int>(pick(static_cast<unsigned>(e->value_count()))))->number();
        rep ? r->AddEnumValue(&message, fd, number) : r->SetEnumValue(&message, fd, number);
        return;
      }
    }
  }

  std::mt19937_64 rng_;
  InstanceOptions options_;
};

}  // namespace

std::unique_ptr<Message> random_instance(const Descriptor* type, std::uint64_t seed, const InstanceOptions& options) {
  std::unique_ptr<Message> message(google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
  Generator(seed, options).fill(*message, 0);
  return message;
}

}  // namespace cimbus::test
