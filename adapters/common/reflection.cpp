#include "reflection.hpp"

namespace cimbus::reference {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

const FieldDescriptor* field(const Message& m, const char* name) { return m.GetDescriptor()->FindFieldByName(name); }

void set_string(Message* m, const char* name, const std::string& value) {
  if (const FieldDescriptor* f = field(*m, name); f != nullptr && f->type() == FieldDescriptor::TYPE_STRING && !f->is_repeated())
    m->GetReflection()->SetString(m, f, value);
}

void set_enum(Message* m, const char* name, const std::string& literal) {
  const FieldDescriptor* f = field(*m, name);
  if (f == nullptr || f->enum_type() == nullptr) return;
  if (const auto* v = f->enum_type()->FindValueByName(literal)) m->GetReflection()->SetEnum(m, f, v);
}

void set_enum_number(Message* m, const char* name, int number) {
  if (const FieldDescriptor* f = field(*m, name); f != nullptr && f->enum_type() != nullptr) m->GetReflection()->SetEnumValue(m, f, number);
}

Message* add(Message* m, const char* name) { return m->GetReflection()->AddMessage(m, field(*m, name)); }

std::string mrid_of(const Message& item) { return item.GetReflection()->GetString(item, field(item, "m_rid")); }

Message* first_work(Message* item) {
  const FieldDescriptor* work = field(*item, "work");
  const auto* r = item->GetReflection();
  return r->FieldSize(*item, work) > 0 ? r->MutableRepeatedMessage(item, work, 0) : r->AddMessage(item, work);
}

std::string work_status(const Message& item) {
  const FieldDescriptor* works = field(item, "work");
  if (works == nullptr || item.GetReflection()->FieldSize(item, works) == 0) return {};
  const Message& work = item.GetReflection()->GetRepeatedMessage(item, works, 0);
  const FieldDescriptor* status = field(work, "status_kind");
  if (status == nullptr || !work.GetReflection()->HasField(work, status)) return {};
  return work.GetReflection()->GetEnum(work, status)->name();
}

}  // namespace cimbus::reference
