// The decoder's validator (SchemaValidator) and its parts, compiled from the registry's
// XSModel (decisions/0034), against Xerces-C validating with the same grammars:
// content models (every complex type compiles; a sequence's optional and repeated parts; every
// valid test message walks through its types' models; elements removed, repeated or swapped are
// judged alike) and simple-type checks (every simple type of the schemas compiles or is named as
// left to Xerces-C; each simple-typed element of the test messages given a menu of values is
// judged alike), and the whole validator on every mutant of both kinds and on attributes added,
// removed and changed.

#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <xercesc/framework/XMLGrammarPool.hpp>
#include <xercesc/framework/psvi/XSModel.hpp>
#include <xercesc/framework/psvi/XSNamedMap.hpp>
#include <xercesc/framework/psvi/XSSimpleTypeDefinition.hpp>

#include "cimbus/codec/schema_registry.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "content_model.hpp"
#include "schema_validator.hpp"
#include "simple_type_check.hpp"
#include "grammar_set.hpp"
#include "xerces_text.hpp"
#include "element_spans.hpp"
#include "xerces_validation.hpp"
#include "test_files.hpp"
#include "xml_tokenizer.hpp"

namespace cimbus::detail {
namespace {

namespace fs = std::filesystem;
using namespace xercesc;
using test::XercesValidation;

constexpr const char* kMessage = "http://iec.ch/TC57/2011/schema/message";
constexpr std::string_view kSchemaInstance = "http://www.w3.org/2001/XMLSchema-instance";

class SchemaValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = std::make_shared<SchemaRegistry>(builtin_schemas());
    grammars_ = registry_->grammars();
    model_ = &grammars_->model();
  }

  XSComplexTypeDefinition* complex_type(const std::string& ns, const std::string& name) {
    XSTypeDefinition* t = model_->getTypeDefinition(to_u16(name).c_str(), to_u16(ns).c_str());
    return t != nullptr && t->getTypeCategory() == XSTypeDefinition::COMPLEX_TYPE ? static_cast<XSComplexTypeDefinition*>(t) : nullptr;
  }

  const ContentModel& model_of(XSComplexTypeDefinition* type) {
    auto it = compiled_.find(type);
    if (it == compiled_.end()) it = compiled_.emplace(type, std::make_unique<ContentModel>(ContentModel::compile(*type))).first;
    return *it->second;
  }

  std::shared_ptr<SchemaRegistry> registry_;
  std::shared_ptr<const GrammarSet> grammars_;
  XSModel* model_ = nullptr;
  std::map<XSComplexTypeDefinition*, std::unique_ptr<ContentModel>> compiled_;
};

// The whole validator's verdict, as valid or not; "left" when it leaves the document to Xerces-C.
std::string whole(SchemaValidator& validator, const std::string& xml) {
  const SchemaValidator::Verdict v = validator.validate(xml, {});
  switch (v.kind) {
    case SchemaValidator::Verdict::Kind::valid: return "valid";
    case SchemaValidator::Verdict::Kind::left_to_xerces: return "left";
    default: return "invalid: " + v.reason;
  }
}

TEST_F(SchemaValidatorTest, EveryComplexTypeOfTheSchemasCompiles) {
  XSNamedMap<XSObject>* types = model_->getComponents(XSConstants::TYPE_DEFINITION);
  int compiled = 0;
  for (XMLSize_t i = 0; i < types->getLength(); ++i) {
    auto* t = static_cast<XSTypeDefinition*>(types->item(i));
    if (t->getTypeCategory() != XSTypeDefinition::COMPLEX_TYPE) continue;
    if (utf8(t->getNamespace()) == "http://www.w3.org/2001/XMLSchema") continue;  // xs:anyType: any content, not a model
    try {
      const ContentModel m = ContentModel::compile(*static_cast<XSComplexTypeDefinition*>(t));
      EXPECT_LT(m.state_count(), ContentModel::kMaxStates);
      ++compiled;
    } catch (const ContentModel::Unsupported& e) {
      ADD_FAILURE() << "{" << utf8(t->getNamespace()) << "}" << utf8(t->getName()) << ": " << e.what();
    }
  }
  EXPECT_GT(compiled, 100);
}

TEST_F(SchemaValidatorTest, TheHeaderIsASequenceWithItsOptionalAndRepeatedParts) {
  XSComplexTypeDefinition* header = complex_type(kMessage, "HeaderType");
  ASSERT_NE(header, nullptr);
  const ContentModel& m = model_of(header);
  auto reads = [&](std::initializer_list<const char*> children) {
    ContentModel::State at = m.start();
    for (const char* c : children)
      if (m.next(at, kMessage, c) == nullptr) return false;
    return m.can_end(at);
  };
  EXPECT_TRUE(reads({"Verb", "Noun"}));
  EXPECT_TRUE(reads({"Verb", "Noun", "Timestamp", "Source", "MessageID", "CorrelationID"}));
  EXPECT_TRUE(reads({"Verb", "Noun", "Property", "Property", "Property"}));
  EXPECT_FALSE(reads({"Verb"}));                     // Noun is mandatory
  EXPECT_FALSE(reads({"Noun", "Verb"}));             // order
  EXPECT_FALSE(reads({"Verb", "Noun", "Noun"}));     // at most once
  EXPECT_FALSE(reads({"Verb", "Noun", "Surprise"}));  // not declared
  ContentModel::State at = m.start();
  const ContentModel::Symbol* verb = m.next(at, kMessage, "Verb");
  ASSERT_NE(verb, nullptr);
  EXPECT_EQ(verb->local, "Verb");
  EXPECT_NE(verb->element, nullptr);
  EXPECT_EQ(m.next(at, "urn:another", "Noun"), nullptr);  // the namespace counts
}

// An element the walk declared: its declaration and the bytes of its content.
struct Declared {
  XSElementDeclaration* declaration;
  std::size_t content_begin, content_end;
};

// Walks a document through the content models of its declared types; "" when every element's
// children were allowed and complete, else what was not. `declared`, when given, hears of every
// element with a declaration at its end.
std::string walk(const std::string& xml, XSModel& model, const std::function<const ContentModel&(XSComplexTypeDefinition*)>& model_of,
                 const std::function<void(const Declared&)>& declared = {}) {
  struct Level {
    const ContentModel* content = nullptr;  // nullptr: not checked (simple type, skipped wildcard content)
    ContentModel::State at = ContentModel::kRefused;
    std::string name;
    XSElementDeclaration* declaration = nullptr;
    std::size_t content_begin = 0;
  };
  std::vector<Level> open;
  XmlTokenizer t(xml, {});
  auto type_of_declaration = [&](XSElementDeclaration* d) -> XSComplexTypeDefinition* {
    XSTypeDefinition* type = d == nullptr ? nullptr : d->getTypeDefinition();
    return type != nullptr && type->getTypeCategory() == XSTypeDefinition::COMPLEX_TYPE ? static_cast<XSComplexTypeDefinition*>(type) : nullptr;
  };
  for (XmlTokenizer::Event e; (e = t.next()) != XmlTokenizer::Event::done;) {
    if (e == XmlTokenizer::Event::fault) return "not well-formed: " + t.fault();
    if (e == XmlTokenizer::Event::end) {
      const Level done = open.back();
      open.pop_back();
      if (done.content != nullptr && !done.content->can_end(done.at)) return "'" + done.name + "' ends before its content is complete";
      if (declared && done.declaration != nullptr) declared({done.declaration, done.content_begin, std::max(done.content_begin, t.tag_begin())});
      continue;
    }
    if (e != XmlTokenizer::Event::start) continue;
    const std::string ns(t.element().ns), local(t.element().local);
    XSElementDeclaration* declaration = nullptr;
    bool checked = open.empty() || open.back().content != nullptr;
    if (open.empty()) {
      declaration = model.getElementDeclaration(to_u16(local).c_str(), to_u16(ns).c_str());
      if (declaration == nullptr) return "no global element {" + ns + "}" + local;
    } else if (open.back().content != nullptr) {
      Level& parent = open.back();
      const ContentModel::Symbol* s = parent.content->next(parent.at, ns, local);
      if (s == nullptr) return "{" + ns + "}" + local + " is not allowed there in '" + parent.name + "'";
      declaration = s->element;
      if (s->wildcard != nullptr) {  // lax or strict: a global declaration if there is one
        declaration = s->wildcard->getProcessContents() == XSWildcard::PC_SKIP ? nullptr
                                                                                 : model.getElementDeclaration(to_u16(local).c_str(), to_u16(ns).c_str());
        checked = declaration != nullptr;
      }
    }
    XSComplexTypeDefinition* type = type_of_declaration(declaration);
    for (const XmlAttribute& a : t.attributes())
      if (a.name.ns == kSchemaInstance && a.name.local == "type") type = nullptr;  // xsi:type: not walked here
    Level level;
    level.name = local;
    level.declaration = checked ? declaration : nullptr;
    level.content_begin = t.end();
    if (checked && type != nullptr) {
      level.content = &model_of(type);
      level.at = level.content->start();
    }
    open.push_back(level);
  }
  return "";
}

TEST_F(SchemaValidatorTest, EveryMessageXercesAcceptsWalksThroughTheModelsOfItsTypes) {
  XmlCodec codec(CodecOptions{}, registry_);
  int walked = 0;
  for (const std::string& path : test::list_files(CIMBUS_EXAMPLES_DIR, "", ".xml")) {
    const std::string xml = test::read_file(path);
    if (!codec.decode(xml).accepted()) continue;  // the reference refuses it: nothing to agree with here
    EXPECT_EQ(walk(xml, *model_, [&](XSComplexTypeDefinition* t) -> const ContentModel& { return model_of(t); }), "") << path;
    ++walked;
  }
  EXPECT_GT(walked, 10);
}

// Mutants that change only the structure: an element removed, repeated, or swapped with the next
// sibling. Xerces-C validating and the walk through the compiled models must agree on each.
TEST_F(SchemaValidatorTest, ElementsRemovedRepeatedOrSwappedAreJudgedAsXercesJudgesThem) {
  XercesValidation xerces(grammars_->pool());
  SchemaValidator validator(*model_);
  int whole_differ = 0, left = 0;
  std::string whole_first;
  std::mt19937 random(61968);
  int compared = 0, refused = 0;
  std::vector<std::string> differ;
  for (const std::string& path : test::list_files(CIMBUS_EXAMPLES_DIR, "", ".xml")) {
    const std::string xml = test::read_file(path);
    if (xml.find("XMLSchema-instance") != std::string::npos || !xerces.valid(xml)) continue;  // xsi:type is not walked here
    const std::vector<test::ElementSpan> spans = test::element_spans(xml);
    for (int k = 0; k < 120; ++k) {
      const std::size_t i = 1 + random() % (spans.size() - 1);  // never the root
      const test::ElementSpan& e = spans[i];
      std::string mutant = xml;
      const std::string element = xml.substr(e.begin, e.end - e.begin);
      switch (random() % 3) {
        case 0: mutant.erase(e.begin, e.end - e.begin); break;
        case 1: mutant.insert(e.end, element); break;
        case 2: {
          std::size_t j = i + 1;
          while (j < spans.size() && spans[j].depth > e.depth) ++j;
          if (j >= spans.size() || spans[j].depth != e.depth) continue;
          const test::ElementSpan& after = spans[j];
          mutant = xml.substr(0, e.begin) + xml.substr(after.begin, after.end - after.begin) + xml.substr(e.end, after.begin - e.end) + element +
                   xml.substr(after.end);
          break;
        }
      }
      const std::string walked = walk(mutant, *model_, [&](XSComplexTypeDefinition* t) -> const ContentModel& { return model_of(t); });
      const bool theirs = xerces.valid(mutant);
      ++compared;
      refused += theirs ? 0 : 1;
      if (walked.empty() != theirs)
        differ.push_back(fs::path(path).filename().string() + ": " + (theirs ? "Xerces-C accepts, the models refuse (" + walked + ")" : "Xerces-C refuses, the models accept") +
                         "; element " + element.substr(0, 60));
      const std::string w = whole(validator, mutant);
      left += w == "left";
      if (w != "left" && (w == "valid") != theirs && whole_differ++ == 0)
        whole_first = fs::path(path).filename().string() + ": the validator says " + w + ", Xerces-C " + (theirs ? "valid" : "invalid");
    }
  }
  std::string shown;
  for (std::size_t i = 0; i < differ.size() && i < 8; ++i) shown += "\n" + differ[i];
  std::cout << compared << " mutants compared, " << refused << " of them invalid; the whole validator left " << left << " to Xerces-C\n";
  EXPECT_LT(left, compared / 20);
  EXPECT_GT(compared, 1000);
  EXPECT_GT(refused, compared / 10);  // the mutants do test refusals
  EXPECT_TRUE(differ.empty()) << differ.size() << " of " << compared << " verdicts differ:" << shown;
  EXPECT_EQ(whole_differ, 0) << "the whole validator differs; the first: " << whole_first;
}

XSSimpleTypeDefinition* simple_type_of(XSElementDeclaration* d) {
  XSTypeDefinition* t = d->getTypeDefinition();
  if (t == nullptr) return nullptr;
  if (t->getTypeCategory() == XSTypeDefinition::SIMPLE_TYPE) return static_cast<XSSimpleTypeDefinition*>(t);
  auto* complex = static_cast<XSComplexTypeDefinition*>(t);
  return complex->getContentType() == XSComplexTypeDefinition::CONTENTTYPE_SIMPLE ? complex->getSimpleType() : nullptr;
}

TEST_F(SchemaValidatorTest, EverySimpleTypeCompilesOrIsLeftToXerces) {
  XSNamedMap<XSObject>* types = model_->getComponents(XSConstants::TYPE_DEFINITION);
  int compiled = 0;
  std::vector<std::string> left;
  for (XMLSize_t i = 0; i < types->getLength(); ++i) {
    auto* t = static_cast<XSTypeDefinition*>(types->item(i));
    if (t->getTypeCategory() != XSTypeDefinition::SIMPLE_TYPE || utf8(t->getNamespace()) == "http://www.w3.org/2001/XMLSchema") continue;
    try {
      SimpleTypeCheck::compile(*static_cast<XSSimpleTypeDefinition*>(t));
      ++compiled;
    } catch (const SimpleTypeCheck::Unsupported& e) {
      left.push_back(e.what());
    }
  }
  std::cout << compiled << " simple types compiled, " << left.size() << " left to Xerces-C\n";
  for (const std::string& l : left) std::cout << "  " << l << "\n";
  EXPECT_GT(compiled, 20);
  EXPECT_LE(left.size(), 4u);
}

// Each simple-typed element of the valid test messages, its text replaced by each value of a menu
// (lexical edge cases of every built-in the schemas use, and the type's own enumeration), judged
// by the compiled check and by Xerces-C validating the whole document.
TEST_F(SchemaValidatorTest, ValuesOfSimpleTypesAreJudgedAsXercesJudgesThem) {
  XercesValidation xerces(grammars_->pool());
  SchemaValidator validator(*model_);
  int whole_differ = 0, left = 0;
  std::string whole_first;
  const std::vector<std::string> menu{
      "", " ", "x", "true", "false", "1", "0", " true ", "TRUE", "yes", "-0", "+5", "007", "12 3", "2147483647", "2147483648",
      "-2147483648", "-2147483649", "99999999999999999999", "1e5", "1.5", ".5", "5.", "-.5e-3", "1e", "INF", "-INF", "+INF", "NaN",
      "nan", "1.5E+3", "2026-12-03T21:00:00Z", "2026-12-03T21:00:00", "2026-12-03T21:00:00.123+01:00", "2024-02-29T00:00:00Z",
      "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-12-03T24:00:00Z", "2026-12-03T24:00:01Z", "2026-12-03T23:60:00Z",
      "2026-12-03T23:59:60Z", "2026-13-01T00:00:00Z", "0000-01-01T00:00:00Z", "02026-01-01T00:00:00Z", "12026-01-01T00:00:00Z",
      "-2026-01-01T00:00:00Z", "123456789-01-01T00:00:00Z", "2888888888026-11-22T18:00:00-06:00", "4294967296-01-01T00:00:00Z",
      "4294967300-02-29T00:00:00Z", "4294967301-02-29T00:00:00Z", "-4294967296-01-01T00:00:00Z", "2147483648-01-01T00:00:00Z",
      "2026-01-01T00:00:00+14:00", "2026-01-01T00:00:00+14:01", "2026-01-01T00:00:00+15:00",
      "2026-01-01T00:00:00.", "2026-1-01T00:00:00Z", "2026-01-01", "2026-01-01Z", "2026-01-01+02:00", " 2026-01-01 ",
      "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "A3F1C2D4-5E6F-4A7B-8C9D-0E1F2A3B4C5D", "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5",
      "a3f1c2d45e6f4a7b8c9d0e1f2a3b4c5d", " a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "g3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
      "create", "changed", "reply", "OK", "FAILED", "PARTIAL", "ERROR", "FATAL", "INFORM", "WARNING", " create"};
  std::map<XSSimpleTypeDefinition*, std::optional<SimpleTypeCheck>> checks;
  int compared = 0, refused = 0, elements = 0;
  std::vector<std::string> differ;
  for (const std::string& path : test::list_files(CIMBUS_EXAMPLES_DIR, "", ".xml")) {
    const std::string xml = test::read_file(path);
    if (xml.find("XMLSchema-instance") != std::string::npos || !xerces.valid(xml)) continue;
    std::vector<Declared> found;
    walk(xml, *model_, [&](XSComplexTypeDefinition* t) -> const ContentModel& { return model_of(t); }, [&](const Declared& d) { found.push_back(d); });
    for (const Declared& d : found) {
      XSSimpleTypeDefinition* type = simple_type_of(d.declaration);
      if (type == nullptr) continue;
      auto it = checks.find(type);
      if (it == checks.end()) {
        std::optional<SimpleTypeCheck> check;
        try {
          check = SimpleTypeCheck::compile(*type);
        } catch (const SimpleTypeCheck::Unsupported&) {
        }
        it = checks.emplace(type, std::move(check)).first;
      }
      if (!it->second) continue;  // left to Xerces-C
      ++elements;
      std::vector<std::string> values = menu;
      if (StringList* literals = type->getLexicalEnumeration())
        for (XMLSize_t i = 0; i < literals->size(); ++i) values.push_back(utf8(literals->elementAt(i)));
      for (const std::string& value : values) {
        const std::string mutant = xml.substr(0, d.content_begin) + value + xml.substr(d.content_end);
        const bool mine = it->second->refusal(value).empty();
        const bool theirs = xerces.valid(mutant);
        ++compared;
        refused += theirs ? 0 : 1;
        const std::string w = whole(validator, mutant);
        left += w == "left";
        if (w != "left" && (w == "valid") != theirs && whole_differ++ == 0)
          whole_first = "'" + value + "' in " + utf8(d.declaration->getName()) + ": the validator says " + w + ", Xerces-C " + (theirs ? "valid" : "invalid");
        if (mine != theirs)
          differ.push_back("{" + utf8(d.declaration->getNamespace()) + "}" + utf8(d.declaration->getName()) + " = '" + value + "': " +
                           (theirs ? "Xerces-C accepts, the check refuses (" + it->second->refusal(value) + ")" : "Xerces-C refuses, the check accepts"));
      }
    }
  }
  std::sort(differ.begin(), differ.end());
  differ.erase(std::unique(differ.begin(), differ.end()), differ.end());
  std::string shown;
  for (std::size_t i = 0; i < differ.size() && i < 12; ++i) shown += "\n" + differ[i];
  std::cout << compared << " values compared on " << elements << " elements, " << refused << " of them invalid; the whole validator left " << left
            << " to Xerces-C\n";
  EXPECT_LT(left, compared / 20);
  EXPECT_GT(elements, 100);
  EXPECT_GT(refused, compared / 4);
  EXPECT_TRUE(differ.empty()) << differ.size() << " verdicts differ:" << shown;
  EXPECT_EQ(whole_differ, 0) << "the whole validator differs; the first: " << whole_first;
}

TEST_F(SchemaValidatorTest, EveryTestMessageIsJudgedAsXercesJudgesIt) {
  XercesValidation xerces(grammars_->pool());
  SchemaValidator validator(*model_);
  int judged = 0, valid = 0;
  for (const std::string& path : test::list_files(CIMBUS_EXAMPLES_DIR, "", ".xml")) {
    const std::string xml = test::read_file(path);
    const std::string w = whole(validator, xml);
    const bool theirs = xerces.valid(xml);
    if (xml.find("XMLSchema-instance") == std::string::npos) {
      EXPECT_NE(w, "left") << path;
    }
    if (w == "left") continue;
    ++judged;
    valid += theirs;
    EXPECT_EQ(w == "valid", theirs) << path << ": " << w;
  }
  EXPECT_GT(judged, 15);
  EXPECT_GT(valid, 15);
}

// Attributes added, removed and changed on the elements of the valid messages.
TEST_F(SchemaValidatorTest, AttributesAreJudgedAsXercesJudgesThem) {
  XercesValidation xerces(grammars_->pool());
  SchemaValidator validator(*model_);
  const std::vector<std::string> added{" foo=\"1\"", " kind=\"uuid\"", " kind=\"nonsense\"", " idType=\"x\"", " xml:lang=\"en\"",
                                       " q:x=\"1\" xmlns:q=\"urn:other\"", " objectType=\"\"", " m:kind=\"uuid\""};
  int compared = 0, left = 0, refused = 0, differ = 0;
  std::string first;
  for (const std::string& path : test::list_files(CIMBUS_EXAMPLES_DIR, "", ".xml")) {
    const std::string xml = test::read_file(path);
    if (xml.find("XMLSchema-instance") != std::string::npos || !xerces.valid(xml)) continue;
    const std::vector<test::ElementSpan> spans = test::element_spans(xml);
    for (const test::ElementSpan& e : spans) {
      // The start tag's name ends at the first space, '/' or '>' after '<'.
      const std::size_t name_end = xml.find_first_of(" \t\r\n/>", e.begin + 1);
      for (const std::string& a : added) {
        std::string mutant = xml;
        mutant.insert(name_end, a);
        const std::string w = whole(validator, mutant);
        const bool theirs = xerces.valid(mutant);
        ++compared;
        refused += !theirs;
        if (w == "left") {
          ++left;
          continue;
        }
        if ((w == "valid") != theirs && differ++ == 0)
          first = fs::path(path).filename().string() + ": '" + a + "' on " + xml.substr(e.begin, name_end - e.begin) + ": the validator says " + w +
                  ", Xerces-C " + (theirs ? "valid" : "invalid");
      }
    }
  }
  std::cout << compared << " attribute mutants compared, " << refused << " of them invalid, " << left << " left to Xerces-C\n";
  EXPECT_GT(compared, 1000);
  EXPECT_EQ(differ, 0) << "the first: " << first;
}

}  // namespace
}  // namespace cimbus::detail
