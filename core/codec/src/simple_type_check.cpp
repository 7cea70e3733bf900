#include "simple_type_check.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>

#include "xerces_text.hpp"

namespace cimbus::detail {

using namespace xercesc;

namespace {

constexpr std::string_view kSchemaNamespace = "http://www.w3.org/2001/XMLSchema";
constexpr std::string_view kIntegerPattern = "[+\\-]?[0-9]+";  // xs:integer's, as Xerces-C lists it
constexpr std::string_view kUuidPattern = "[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// xs:whiteSpace collapse: runs of white space become one space, none at the ends.
std::string collapsed(std::string_view text) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    if (is_xml_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// True when collapsing would not change `text`: no space at either end, no two in a row, and no
// tab, line feed or carriage return.
bool is_collapsed(std::string_view text) {
  if (text.empty()) return true;
  if (text.front() == ' ' || text.back() == ' ') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\t' || c == '\n' || c == '\r' || (c == ' ' && text[i + 1] == ' ')) return false;
  }
  return true;
}

// [+-]?[0-9]+
bool is_integer(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// (+|-)?([0-9]+(.[0-9]*)?|.[0-9]+)([Ee](+|-)?[0-9]+)?, INF, -INF, NaN
bool is_floating(std::string_view s) {
  if (s == "INF" || s == "-INF" || s == "NaN") return true;
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exponent = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exponent;
    if (exponent == 0) return false;
  }
  return i == s.size();
}

int number(std::string_view s, std::size_t at, std::size_t digits) {
  int n = 0;
  for (std::size_t k = 0; k < digits; ++k) n = n * 10 + (s[at + k] - '0');
  return n;
}

bool digits_at(std::string_view s, std::size_t at, std::size_t count) {
  return at + count <= s.size() && std::all_of(s.begin() + at, s.begin() + at + count, is_digit);
}

int days_in(long year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month != 2) return days[month - 1];
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return leap ? 29 : 28;
}

// -?yyyy-mm-dd: the year at least four digits, no leading zero beyond four, not 0000. Returns
// where the date ends, or npos. Xerces-C reads the year into a 32-bit int, wrapping past its
// range (XMLDateTime::parseInt), and judges year zero and February 29th by that value: so does
// this check, which must give Xerces-C's verdict (decisions/0034).
std::size_t date_part(std::string_view s) {
  std::size_t i = 0;
  const bool negative = i < s.size() && s[i] == '-';
  if (negative) ++i;
  const std::size_t year_start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  const std::size_t year_digits = i - year_start;
  if (year_digits < 4 || (year_digits > 4 && s[year_start] == '0')) return std::string_view::npos;
  std::uint32_t wrapped = 0;
  for (std::size_t k = year_start; k < i; ++k) wrapped = wrapped * 10u + static_cast<std::uint32_t>(s[k] - '0');
  const auto year = static_cast<std::int32_t>(negative ? 0u - wrapped : wrapped);
  if (year == 0) return std::string_view::npos;
  if (i >= s.size() || s[i] != '-' || !digits_at(s, i + 1, 2) || i + 3 >= s.size() || s[i + 3] != '-' || !digits_at(s, i + 4, 2))
    return std::string_view::npos;
  const int month = number(s, i + 1, 2), day = number(s, i + 4, 2);
  if (month < 1 || month > 12 || day < 1 || day > days_in(year, month)) return std::string_view::npos;
  return i + 6;
}

// Z or (+|-)hh:mm, hh up to 14 (14 only with 00), or nothing.
bool timezone_part(std::string_view s) {
  if (s.empty()) return true;
  if (s == "Z") return true;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || !digits_at(s, 1, 2) || s[3] != ':' || !digits_at(s, 4, 2)) return false;
  const int h = number(s, 1, 2), m = number(s, 4, 2);
  return m <= 59 && (h < 14 || (h == 14 && m == 0));
}

bool is_date(std::string_view s) {
  const std::size_t end = date_part(s);
  return end != std::string_view::npos && timezone_part(s.substr(end));
}

// date 'T' hh:mm:ss(.s+)? timezone?; 24:00:00 only with a fraction of zeros if any.
bool is_date_time(std::string_view s) {
  std::size_t i = date_part(s);
  if (i == std::string_view::npos || i >= s.size() || s[i] != 'T') return false;
  ++i;
  if (!digits_at(s, i, 2) || i + 2 >= s.size() || s[i + 2] != ':' || !digits_at(s, i + 3, 2) || i + 5 >= s.size() || s[i + 5] != ':' ||
      !digits_at(s, i + 6, 2))
    return false;
  const int h = number(s, i, 2), m = number(s, i + 3, 2), sec = number(s, i + 6, 2);
  i += 8;
  bool fraction_zero = true;
  if (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) fraction_zero &= s[i++] == '0';
    if (i == start) return false;
  }
  // Second 60 passes, as in Xerces-C (a leap second, whatever the date).
  if (m > 59 || sec > 60 || h > 24 || (h == 24 && (m != 0 || sec != 0 || !fraction_zero))) return false;
  return timezone_part(s.substr(i));
}

std::optional<std::int64_t> to_int64(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (error != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

SimpleTypeCheck SimpleTypeCheck::compile(XSSimpleTypeDefinition& type) {
  SimpleTypeCheck c;
  c.name_ = "{" + utf8(type.getNamespace()) + "}" + utf8(type.getName());
  if (type.getVariety() != XSSimpleTypeDefinition::VARIETY_ATOMIC) throw Unsupported(c.name_ + ": a list or union");
  // The nearest built-in type it derives from.
  XSTypeDefinition* builtin = &type;
  while (builtin != nullptr && utf8(builtin->getNamespace()) != kSchemaNamespace) builtin = builtin->getBaseType();
  const std::string base = builtin == nullptr ? "" : utf8(builtin->getName());
  struct Integer {
    const char* name;
    std::int64_t min, max;
  };
  static const Integer integers[] = {
      {"long", std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()},
      {"int", std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()},
      {"short", std::numeric_limits<std::int16_t>::min(), std::numeric_limits<std::int16_t>::max()},
      {"byte", std::numeric_limits<std::int8_t>::min(), std::numeric_limits<std::int8_t>::max()},
  };
  c.collapse_ = true;
  if (base == "string") {
    c.builtin_ = Builtin::string;
    c.collapse_ = false;
  } else if (base == "boolean") {
    c.builtin_ = Builtin::boolean;
  } else if (base == "integer") {
    c.builtin_ = Builtin::integer;
  } else if (base == "float" || base == "double") {
    c.builtin_ = Builtin::floating;
  } else if (base == "dateTime") {
    c.builtin_ = Builtin::date_time;
  } else if (base == "date") {
    c.builtin_ = Builtin::date;
  } else {
    const auto* found = std::find_if(std::begin(integers), std::end(integers), [&](const Integer& i) { return base == i.name; });
    if (found == std::end(integers)) throw Unsupported(c.name_ + ": derived from xs:" + base);
    c.builtin_ = Builtin::integer;
    c.min_value_ = found->min;
    c.max_value_ = found->max;
  }
  if (StringList* values = type.getLexicalEnumeration())
    for (XMLSize_t i = 0; i < values->size(); ++i) c.enumeration_.push_back(utf8(values->elementAt(i)));
  if (StringList* patterns = type.getLexicalPattern()) {
    for (XMLSize_t i = 0; i < patterns->size(); ++i) {
      const std::string pattern = utf8(patterns->elementAt(i));
      if (pattern == kIntegerPattern && c.builtin_ == Builtin::integer) continue;  // xs:integer's own: its lexical check
      if (pattern != kUuidPattern) throw Unsupported(c.name_ + ": the pattern " + pattern);
      c.uuid_pattern_ = true;
    }
  }
  const int facets = type.getDefinedFacets();
  auto facet = [&](XSSimpleTypeDefinition::FACET which) -> std::optional<std::string> {
    if ((facets & which) == 0) return std::nullopt;
    return utf8(type.getLexicalFacetValue(which));
  };
  auto length = [&](XSSimpleTypeDefinition::FACET which) -> std::optional<std::size_t> {
    const auto v = facet(which);
    if (!v) return std::nullopt;
    std::size_t n = 0;
    if (std::from_chars(v->data(), v->data() + v->size(), n).ec != std::errc()) throw Unsupported(c.name_ + ": a length of " + *v);
    return n;
  };
  if (const auto exact = length(XSSimpleTypeDefinition::FACET_LENGTH)) c.min_length_ = c.max_length_ = exact;
  if (const auto min = length(XSSimpleTypeDefinition::FACET_MINLENGTH)) c.min_length_ = min;
  if (const auto max = length(XSSimpleTypeDefinition::FACET_MAXLENGTH)) c.max_length_ = max;
  for (const auto which : {XSSimpleTypeDefinition::FACET_MININCLUSIVE, XSSimpleTypeDefinition::FACET_MAXINCLUSIVE,
                           XSSimpleTypeDefinition::FACET_MINEXCLUSIVE, XSSimpleTypeDefinition::FACET_MAXEXCLUSIVE,
                           XSSimpleTypeDefinition::FACET_TOTALDIGITS, XSSimpleTypeDefinition::FACET_FRACTIONDIGITS}) {
    const auto v = facet(which);
    if (!v) continue;
    if (which == XSSimpleTypeDefinition::FACET_FRACTIONDIGITS && *v == "0" && c.builtin_ == Builtin::integer) continue;  // xs:integer's own
    const auto bound = to_int64(*v);
    if (c.builtin_ != Builtin::integer || !bound || which == XSSimpleTypeDefinition::FACET_TOTALDIGITS ||
        which == XSSimpleTypeDefinition::FACET_FRACTIONDIGITS)
      throw Unsupported(c.name_ + ": a bound or digit facet on xs:" + base);
    if (which == XSSimpleTypeDefinition::FACET_MININCLUSIVE) c.min_value_ = std::max(c.min_value_.value_or(*bound), *bound);
    if (which == XSSimpleTypeDefinition::FACET_MAXINCLUSIVE) c.max_value_ = std::min(c.max_value_.value_or(*bound), *bound);
    if (which == XSSimpleTypeDefinition::FACET_MINEXCLUSIVE) c.min_value_ = std::max(c.min_value_.value_or(*bound + 1), *bound + 1);
    if (which == XSSimpleTypeDefinition::FACET_MAXEXCLUSIVE) c.max_value_ = std::min(c.max_value_.value_or(*bound - 1), *bound - 1);
  }
  return c;
}

std::string SimpleTypeCheck::refusal(std::string_view text) const {
  // Most values are collapsed already: checked in place, copied only to collapse them.
  std::string collapsed_text;
  std::string_view value = text;
  if (collapse_ && !is_collapsed(text)) value = collapsed_text = collapsed(text);
  auto refuse = [&](const char* what) { return "'" + std::string(value.substr(0, 64)) + "' is not " + what + " (" + name_ + ")"; };
  switch (builtin_) {
    case Builtin::string: break;
    case Builtin::boolean:
      if (value != "true" && value != "false" && value != "1" && value != "0") return refuse("a boolean");
      break;
    case Builtin::integer: {
      if (!is_integer(value)) return refuse("an integer");
      if (min_value_ || max_value_) {
        const auto v = to_int64(value);
        const bool negative = value[0] == '-';
        if (!v) return refuse(negative ? "above the least value" : "below the greatest value");  // beyond 64 bits
        if ((min_value_ && *v < *min_value_) || (max_value_ && *v > *max_value_)) return refuse("within the type's bounds");
      }
      break;
    }
    case Builtin::floating:
      if (!is_floating(value)) return refuse("a floating-point number");
      break;
    case Builtin::date_time:
      if (!is_date_time(value)) return refuse("a dateTime");
      break;
    case Builtin::date:
      if (!is_date(value)) return refuse("a date");
      break;
  }
  if (uuid_pattern_) {
    static constexpr std::size_t kGroups[] = {8, 4, 4, 4, 12};
    std::size_t at = 0;
    bool ok = true;
    for (std::size_t g = 0; g < 5 && ok; ++g) {
      for (std::size_t k = 0; k < kGroups[g] && ok; ++k, ++at) ok = at < value.size() && std::isxdigit(static_cast<unsigned char>(value[at]));
      if (g < 4) ok = ok && at < value.size() && value[at++] == '-';
    }
    if (!ok || at != value.size()) return refuse("an mRID (8-4-4-4-12 hexadecimal digits)");
  }
  if (min_length_ || max_length_) {
    // Lengths count characters, not bytes.
    const std::size_t characters = static_cast<std::size_t>(
        std::count_if(value.begin(), value.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
    if ((min_length_ && characters < *min_length_) || (max_length_ && characters > *max_length_)) return refuse("of the allowed length");
  }
  if (!enumeration_.empty() && std::find(enumeration_.begin(), enumeration_.end(), value) == enumeration_.end())
    return refuse("one of the enumeration's values");
  return "";
}

}  // namespace cimbus::detail
