#pragma once
// Walks an XSModel and builds one ProtoFile per target namespace listed in the manifest.
// The mapping rules are documented in MAPPING.md beside this file.

#include <map>
#include <string>
#include <vector>

#include <xercesc/framework/psvi/XSComplexTypeDefinition.hpp>
#include <xercesc/framework/psvi/XSModel.hpp>
#include <xercesc/framework/psvi/XSParticle.hpp>
#include <xercesc/framework/psvi/XSSimpleTypeDefinition.hpp>

#include "manifest.hpp"
#include "proto_model.hpp"

namespace xsd2proto {

class Generator {
 public:
  // `packages` maps each target namespace to its protobuf package.
  explicit Generator(std::map<std::string, std::string> packages);

  // Adds every named type and global element of the manifest's namespaces. Throws
  // std::runtime_error on a construct the mapping does not support, naming it.
  void generate(xercesc::XSModel& model);

  void add_source(const std::string& target_namespace, const std::string& xsd_path);
  const std::map<std::string, ProtoFile>& files() const { return files_; }

 private:
  ProtoFile& file_for(const std::string& target_namespace, const std::string& context);
  std::string message_for(xercesc::XSComplexTypeDefinition* type, const std::string& anonymous_name);
  std::string enum_for(xercesc::XSSimpleTypeDefinition* type, const std::string& anonymous_name);
  void add_particle(ProtoMessage& message, ProtoFile& file, xercesc::XSParticle* particle,
                    bool repeated, bool optional);
  void add_field(ProtoMessage& message, ProtoFile& file, ProtoField field);
  // Scalar or enum type for a simple type, with the built-in XSD datatype it derives from.
  SimpleMapping simple_type(ProtoFile& file, xercesc::XSSimpleTypeDefinition* type,
                                                  const std::string& anonymous_name);
  void reference(ProtoFile& from, const std::string& qualified_type);

  std::map<std::string, std::string> packages_;
  std::map<std::string, ProtoFile> files_;                      // by namespace
  std::map<const void*, std::string> generated_;                // XSD type -> ".pkg.Name"
  std::map<std::string, std::set<std::string>> taken_names_;    // per package
};

}  // namespace xsd2proto
