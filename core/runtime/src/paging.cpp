#include "paging.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/payload_object.hpp"
#include "cimbus/codec/uuid.hpp"

namespace cimbus::adapter::detail {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The one repeated message field of a payload root; nullptr when there is none or several.
const FieldDescriptor* item_field(const Message& root) {
  const FieldDescriptor* found = nullptr;
  const auto* d = root.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (!f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (found != nullptr) return nullptr;
    found = f;
  }
  return found;
}

void mark(Envelope& page, bool last) {
  auto* reply = page.mutable_message()->mutable_reply();
  reply->set_result(msg::ReplyType_Result::PARTIAL);
  auto* e = reply->add_error();
  e->set_code(std::string(last ? code::kPartialLast : code::kPartialMoreFollows));
  e->set_level(msg::ErrorType_level::INFORM);
  e->set_reason(last ? "Partial result, no further results" : "Partial result, more results follow");
}

}  // namespace

std::vector<Envelope> split_into_pages(const Envelope& reply, std::size_t page_size) {
  if (page_size == 0 || reply.payload_objects_size() != 1) return {reply};
  std::unique_ptr<Message> root = unpack_object(reply.payload_objects(0));
  if (!root) return {reply};
  const FieldDescriptor* items = item_field(*root);
  if (items == nullptr) return {reply};
  const auto* reflection = root->GetReflection();
  const std::size_t count = static_cast<std::size_t>(reflection->FieldSize(*root, items));
  if (count <= page_size) return {reply};

  std::vector<Envelope> pages;
  for (std::size_t first = 0; first < count; first += page_size) {
    std::unique_ptr<Message> part(root->New());
    part->CopyFrom(*root);
    auto* part_reflection = part->GetReflection();
    part_reflection->ClearField(part.get(), items);
    for (std::size_t i = first; i < std::min(count, first + page_size); ++i)
      part_reflection->AddMessage(part.get(), items)->CopyFrom(reflection->GetRepeatedMessage(*root, items, static_cast<int>(i)));
    Envelope page = reply;
    page.mutable_message()->mutable_header()->set_message_id(new_uuid());
    page.mutable_payload_objects(0)->PackFrom(*part);
    mark(page, first + page_size >= count);
    pages.push_back(std::move(page));
  }
  return pages;
}

}  // namespace cimbus::adapter::detail
