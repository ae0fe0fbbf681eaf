#include "lib/core/CsvTable.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "lib/core/Error.h"
#include "lib/core/Text.h"

namespace hsifuse {

CsvTable CsvTable::load(const std::string& path) {
  return parse(readTextFile(path, "CSV file"), path);
}

CsvTable CsvTable::parse(const std::string& text, const std::string& sourceName) {
  CsvTable t;
  t.source_ = sourceName;
  std::istringstream in(text);
  std::string line;
  std::size_t lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    std::string s = trim(line);
    if (s.empty() || s[0] == '#') continue;
    std::vector<std::string> cells;
    for (auto& c : split(s, ',')) cells.push_back(trim(c));
    if (t.header_.empty()) {
      t.header_ = std::move(cells);
      continue;
    }
    if (cells.size() != t.header_.size())
      throw InputError(sourceName + ": line " + std::to_string(lineNo) + " has " + std::to_string(cells.size()) +
                       " fields, the header has " + std::to_string(t.header_.size()));
    t.rows_.push_back(std::move(cells));
  }
  if (t.header_.empty() || t.rows_.empty())
    throw InputError(sourceName + ": not a CSV table (expected a header line and at least one data line)");
  return t;
}

int CsvTable::findColumn(const std::string& name) const {
  const std::string want = toLower(name);
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (toLower(header_[i]) == want) return static_cast<int>(i);
  return -1;
}

int CsvTable::requireColumn(const std::string& name) const {
  int i = findColumn(name);
  if (i < 0) throw InputError(source_ + ": no column named '" + name + "'");
  return i;
}

double CsvTable::number(std::size_t row, std::size_t col) const {
  const std::string where = source_ + " (column '" + header_[col] + "', row " + std::to_string(row + 1) + ")";
  const double v = parseDouble(rows_[row][col], where);
  if (!std::isfinite(v)) throw InputError(where + ": '" + rows_[row][col] + "' is not a finite number");
  return v;
}

std::vector<double> CsvTable::numericColumn(std::size_t col) const {
  std::vector<double> out;
  out.reserve(rows_.size());
  for (std::size_t r = 0; r < rows_.size(); ++r) out.push_back(number(r, col));
  return out;
}

}  // namespace hsifuse
