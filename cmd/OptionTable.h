#pragma once
// Each option is declared once, next to the member it fills: name, short flag, value name, help and
// default. --help, the man page (hsi-fuse --help-man) and the parser all come from that declaration.
#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace hsifuse {

class OptionTable {
 public:
  struct Entry {
    std::string name;  // long name, or the positional's name
    char shortName = 0;
    std::string valueName;  // empty for flags
    std::string help;
    std::string defaultText;
    bool positional = false;
    bool required = false;
    bool repeatable = false;
    // number() and integer(): the value's target and its allowed range (inclusive; set by range()).
    const double* numberTarget = nullptr;
    const std::string* textTarget = nullptr;  // text(): to catch a value that is really the next option
    const int* integerTarget = nullptr;
    bool hasRange = false;
    double min = 0, max = 0;
  };

  OptionTable& flag(const std::string& name, char shortName, bool* target, const std::string& help);
  OptionTable& text(const std::string& name, std::string* target, const std::string& valueName,
                    const std::string& help);
  OptionTable& number(const std::string& name, double* target, const std::string& valueName, const std::string& help);
  OptionTable& integer(const std::string& name, int* target, const std::string& valueName, const std::string& help);
  // The allowed values of the number or integer option declared last, inclusive (like GDAL's
  // SetMinValueIncluded/SetMaxValueIncluded): parse() refuses others with exit 2 naming the option and the range,
  // and --help and the man page show it. A number option never accepts NaN; infinity only within its range.
  OptionTable& range(double min, double max);
  OptionTable& repeated(const std::string& name, std::vector<std::string>* target, const std::string& valueName,
                        const std::string& help);
  // Like repeated(), and one occurrence may also take several values: --train a.tif b.tif.
  OptionTable& list(const std::string& name, std::vector<std::string>* target, const std::string& valueName,
                    const std::string& help);
  // Positionals are taken in declaration order; optional ones must come last.
  OptionTable& positional(const std::string& name, std::string* target, const std::string& help, bool required = true);

  // Fills the targets. Throws InputError (exit 2) for an unknown option, a missing or bad value.
  void parse(const std::vector<std::string>& args);

  const std::vector<Entry>& entries() const { return entries_; }
  std::string synopsis() const;
  std::string helpText() const;
  std::string manText() const;  // roff .TP paragraphs

 private:
  std::string spec(const Entry& e) const;
  Entry& add(Entry e);
  boost::program_options::options_description named_;
  std::vector<std::pair<std::string, std::string*>> positionals_;
  std::vector<Entry> entries_;
};

}  // namespace hsifuse
