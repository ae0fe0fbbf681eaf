#include "cmd/OptionTable.h"

#include <fmt/format.h>

#include <cmath>
#include <sstream>

#include "lib/core/Error.h"

namespace po = boost::program_options;

namespace hsifuse {
namespace {

std::string roffEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::string boundText(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.12g}", v);
}

// "0..100000" or "at least 1".
std::string rangeText(const OptionTable::Entry& e) {
  if (std::isinf(e.max) && e.max > 0) return "at least " + boundText(e.min);
  return boundText(e.min) + ".." + boundText(e.max);
}

std::string rangeHelp(const OptionTable::Entry& e) {
  if (!e.hasRange) return "";
  if (std::isinf(e.max) && e.max > 0) return " At least " + boundText(e.min) + ".";
  return " Range " + boundText(e.min) + ".." + boundText(e.max) + ".";
}

}  // namespace

OptionTable::Entry& OptionTable::add(Entry e) {
  entries_.push_back(std::move(e));
  return entries_.back();
}

std::string OptionTable::spec(const Entry& e) const {
  return e.shortName ? e.name + "," + std::string(1, e.shortName) : e.name;
}

OptionTable& OptionTable::flag(const std::string& name, char shortName, bool* target, const std::string& help) {
  const Entry& e = add({name, shortName, "", help, "", false, false, false});
  named_.add_options()(spec(e).c_str(), po::bool_switch(target), help.c_str());
  return *this;
}

OptionTable& OptionTable::text(const std::string& name, std::string* target, const std::string& valueName,
                               const std::string& help) {
  add({name, 0, valueName, help, target->empty() ? "" : *target, false, false, false}).textTarget = target;
  named_.add_options()(name.c_str(), po::value<std::string>(target)->default_value(*target, *target), help.c_str());
  return *this;
}

OptionTable& OptionTable::number(const std::string& name, double* target, const std::string& valueName,
                                 const std::string& help) {
  add({name, 0, valueName, help, fmt::format("{:g}", *target), false, false, false}).numberTarget = target;
  named_.add_options()(name.c_str(), po::value<double>(target)->default_value(*target), help.c_str());
  return *this;
}

OptionTable& OptionTable::integer(const std::string& name, int* target, const std::string& valueName,
                                  const std::string& help) {
  add({name, 0, valueName, help, std::to_string(*target), false, false, false}).integerTarget = target;
  named_.add_options()(name.c_str(), po::value<int>(target)->default_value(*target), help.c_str());
  return *this;
}

OptionTable& OptionTable::range(double min, double max) {
  Entry& e = entries_.back();
  if (!e.numberTarget && !e.integerTarget) throw Error("OptionTable::range: --" + e.name + " is not a number");
  e.hasRange = true;
  e.min = min;
  e.max = max;
  return *this;
}

OptionTable& OptionTable::repeated(const std::string& name, std::vector<std::string>* target,
                                   const std::string& valueName, const std::string& help) {
  add({name, 0, valueName, help, "", false, false, true});
  named_.add_options()(name.c_str(), po::value<std::vector<std::string>>(target)->composing(), help.c_str());
  return *this;
}

OptionTable& OptionTable::list(const std::string& name, std::vector<std::string>* target, const std::string& valueName,
                               const std::string& help) {
  add({name, 0, valueName + "...", help, "", false, false, true});
  named_.add_options()(name.c_str(), po::value<std::vector<std::string>>(target)->composing()->multitoken(),
                       help.c_str());
  return *this;
}

OptionTable& OptionTable::positional(const std::string& name, std::string* target, const std::string& help,
                                     bool required) {
  add({name, 0, name, help, "", true, required, false});
  positionals_.emplace_back(name, target);
  return *this;
}

void OptionTable::parse(const std::vector<std::string>& args) {
  po::options_description all;
  all.add(named_);
  po::positional_options_description pos;
  const std::string posKey = "__positional";
  std::vector<std::string> posValues;
  all.add_options()(posKey.c_str(), po::value<std::vector<std::string>>(&posValues));
  pos.add(posKey.c_str(), -1);
  po::variables_map vm;
  try {
    // No short-option guessing: "-90" must never be mistaken for an option cluster.
    auto style = po::command_line_style::unix_style ^ po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(args).options(all).positional(pos).style(style).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(e.what());
  }
  // "--srf --method gsa" gives --srf the value "--method" and leaves "gsa" over: name the real mistake.
  for (const Entry& e : entries_)
    if (e.textTarget && e.textTarget->rfind("--", 0) == 0)
      for (const Entry& other : entries_)
        if (!other.positional && *e.textTarget == "--" + other.name)
          throw InputError(
              fmt::format("--{}: its value is missing (the next argument is the option {})", e.name, *e.textTarget));
  for (const Entry& e : entries_) {
    const double v = e.numberTarget ? *e.numberTarget : e.integerTarget ? *e.integerTarget : 0.0;
    if (e.numberTarget && std::isnan(v)) throw InputError(fmt::format("--{}: a number is needed, not nan", e.name));
    if (e.hasRange && !(v >= e.min && v <= e.max))
      throw InputError(fmt::format("--{}: {} is out of range ({})", e.name, boundText(v), rangeText(e)));
  }
  if (posValues.size() > positionals_.size())
    throw InputError(fmt::format("unexpected argument '{}' (see --help)", posValues[positionals_.size()]));
  for (std::size_t i = 0; i < positionals_.size(); ++i) {
    if (i < posValues.size()) {
      *positionals_[i].second = posValues[i];
    } else {
      for (const auto& e : entries_)
        if (e.positional && e.name == positionals_[i].first && e.required)
          throw InputError("missing argument " + e.name + " (see --help)");
    }
  }
}

std::string OptionTable::synopsis() const {
  std::string s;
  for (const auto& e : entries_)
    if (e.positional) s += e.required ? " " + e.name : " [" + e.name + "]";
  s += " [options]";
  return s;
}

std::string OptionTable::helpText() const {
  std::ostringstream out;
  out << "Arguments:\n";
  for (const auto& e : entries_)
    if (e.positional) out << fmt::format("  {:<28} {}\n", e.name, e.help);
  out << "Options:\n";
  for (const auto& e : entries_) {
    if (e.positional) continue;
    std::string left = (e.shortName ? fmt::format("-{}, ", e.shortName) : std::string("    ")) + "--" + e.name;
    if (!e.valueName.empty()) left += " " + e.valueName;
    std::string help = e.help + rangeHelp(e);
    if (!e.defaultText.empty()) help += " (default: " + e.defaultText + ")";
    if (e.repeatable) help += " (repeatable)";
    out << fmt::format("  {:<28} {}\n", left, help);
  }
  return out.str();
}

std::string OptionTable::manText() const {
  std::ostringstream out;
  for (const auto& e : entries_) {
    out << ".TP\n";
    if (e.positional) {
      out << ".I " << roffEscape(e.name) << "\n";
    } else {
      std::string head = (e.shortName ? fmt::format("\\fB\\-{}\\fR, ", e.shortName) : std::string()) + "\\fB\\-\\-" +
                         roffEscape(e.name) + "\\fR";
      if (!e.valueName.empty()) head += " \\fI" + roffEscape(e.valueName) + "\\fR";
      out << head << "\n";
    }
    std::string help = e.help + rangeHelp(e);
    if (!e.defaultText.empty()) help += " Default: " + e.defaultText + ".";
    if (e.repeatable) help += " May be repeated.";
    out << roffEscape(help) << "\n";
  }
  return out.str();
}

}  // namespace hsifuse
