#pragma once
// A small comma-separated table with a header line: the format of share/srf/*.csv, kernels,
// wavelength tables and user-supplied P matrices. Lines starting with '#' are comments.
#include <string>
#include <vector>

namespace hsifuse {

class CsvTable {
 public:
  // Throws InputError naming the file when it cannot be read, is empty or is ragged.
  static CsvTable load(const std::string& path);
  static CsvTable parse(const std::string& text, const std::string& sourceName);

  const std::string& source() const { return source_; }
  const std::vector<std::string>& header() const { return header_; }
  std::size_t rowCount() const { return rows_.size(); }
  std::size_t columnCount() const { return header_.size(); }
  // Index of a column by name (case-insensitive), or -1.
  int findColumn(const std::string& name) const;
  // Index of a column by name; throws InputError naming the file when absent.
  int requireColumn(const std::string& name) const;
  const std::string& cell(std::size_t row, std::size_t col) const { return rows_[row][col]; }
  double number(std::size_t row, std::size_t col) const;
  std::vector<double> numericColumn(std::size_t col) const;

 private:
  std::string source_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace hsifuse
