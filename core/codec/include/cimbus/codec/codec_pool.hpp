#pragma once
// XmlCodecs for threads that share work (the web-service and JSON calls): an XmlCodec is not
// thread-safe, and building one per call would be slow, so calls borrow one and give it back.

#include <functional>
#include <memory>
#include <vector>

#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/sync/mutex.hpp"

namespace cimbus {

class CodecPool {
 public:
  CodecPool(CodecOptions options, std::shared_ptr<SchemaRegistry> registry)
      : options_(std::move(options)), registry_(std::move(registry)) {}

  using Borrowed = std::unique_ptr<XmlCodec, std::function<void(XmlCodec*)>>;

  Borrowed borrow() {
    std::unique_ptr<XmlCodec> codec;
    {
      sync::Lock lock(mutex_);
      if (!idle_.empty()) {
        codec = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (!codec) codec = std::make_unique<XmlCodec>(options_, registry_);
    return Borrowed(codec.release(), [this](XmlCodec* c) {
      sync::Lock lock(mutex_);
      idle_.emplace_back(c);
    });
  }

 private:
  const CodecOptions options_;
  const std::shared_ptr<SchemaRegistry> registry_;
  sync::Mutex mutex_;
  std::vector<std::unique_ptr<XmlCodec>> idle_ CIMBUS_GUARDED_BY(mutex_);
};

}  // namespace cimbus
