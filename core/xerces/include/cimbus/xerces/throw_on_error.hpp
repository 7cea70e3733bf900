#pragma once
// A Xerces error handler for loading schemas: an error stops the load with an exception that
// names the file, the line and Xerces' message; warnings are ignored.

#include <functional>
#include <string>

#include <xercesc/sax/ErrorHandler.hpp>
#include <xercesc/sax/SAXParseException.hpp>

namespace cimbus::xerces {

class ThrowOnError : public xercesc::ErrorHandler {
 public:
  // `where` turns a system id into the name the message shows (default: as it is).
  explicit ThrowOnError(std::function<std::string(const std::string&)> where = {}) : where_(std::move(where)) {}

  void warning(const xercesc::SAXParseException&) override {}
  void error(const xercesc::SAXParseException& e) override { fail(e); }
  void fatalError(const xercesc::SAXParseException& e) override { fail(e); }
  void resetErrors() override {}

 private:
  [[noreturn]] void fail(const xercesc::SAXParseException& e) const;
  std::function<std::string(const std::string&)> where_;
};

}  // namespace cimbus::xerces
