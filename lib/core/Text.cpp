#include "lib/core/Text.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "lib/core/Error.h"

namespace hsifuse {

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string toLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

double parseDouble(std::string_view s, const std::string& what) {
  std::string t = trim(s);
  if (t.empty()) throw InputError(what + ": expected a number, got an empty value");
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || std::isnan(v)) throw InputError(what + ": '" + t + "' is not a number");
  return v;
}

std::string toUpper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

int parseInt(std::string_view s, const std::string& what) {
  std::string t = trim(s);
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(t.c_str(), &end, 10);
  if (t.empty() || end != t.c_str() + t.size() || errno == ERANGE || v < -2147483647L || v > 2147483647L)
    throw InputError(what + ": '" + t + "' is not an integer");
  return static_cast<int>(v);
}

std::vector<double> parseNumberList(std::string_view s, const std::string& what) {
  std::string t = trim(s);
  if (!t.empty() && t.front() == '{') t.erase(0, 1);
  if (!t.empty() && t.back() == '}') t.pop_back();
  std::vector<double> out;
  if (trim(t).empty()) return out;
  for (const auto& item : split(t, ',')) out.push_back(parseDouble(item, what));
  return out;
}

std::pair<std::string, std::string> splitKeyValue(std::string_view s, const std::string& option) {
  auto pos = s.find('=');
  if (pos == std::string_view::npos || pos == 0)
    throw InputError(option + ": expected KEY=VALUE, got '" + std::string(s) + "'");
  return {std::string(s.substr(0, pos)), std::string(s.substr(pos + 1))};
}

std::string readTextFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the " + what + " (check the path and permissions)");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace hsifuse
