#pragma once
// Reading and writing the generated CIM types by field name, for code that serves several nouns
// alike (the WMS's four kinds of work, the CIS's three). Each setter does nothing when the type has
// no such field: the profiles differ (a WorkRequests WorkTask has no statusKind).

#include <string>

#include <google/protobuf/message.h>

namespace cimbus::reference {

const google::protobuf::FieldDescriptor* field(const google::protobuf::Message& m, const char* name);
void set_string(google::protobuf::Message* m, const char* name, const std::string& value);
// An enumeration by its literal; an unknown literal is ignored.
void set_enum(google::protobuf::Message* m, const char* name, const std::string& literal);
// An enumeration by number: WorkStatusKind is numbered alike in every generated profile.
void set_enum_number(google::protobuf::Message* m, const char* name, int number);
// Appends an element to the repeated message field `name`.
google::protobuf::Message* add(google::protobuf::Message* m, const char* name);

std::string mrid_of(const google::protobuf::Message& item);
// A work item's first Work (the one the reference systems follow), created when absent.
google::protobuf::Message* first_work(google::protobuf::Message* item);
// The literal of the first Work's statusKind; empty when there is none.
std::string work_status(const google::protobuf::Message& item);

}  // namespace cimbus::reference
