#pragma once
// A text field of a CSV row (RFC 4180): as it is, or quoted with its quotes
// doubled when it holds a comma, a quote or a line break.
#include <string>

namespace coesim::io {

inline std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace coesim::io
