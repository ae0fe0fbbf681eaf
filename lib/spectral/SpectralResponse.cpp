#include "lib/spectral/SpectralResponse.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>

#include "lib/core/CsvTable.h"
#include "lib/core/Error.h"
#include "lib/core/ShareDir.h"
#include "lib/core/Text.h"

namespace hsifuse {
namespace {

constexpr double kFwhmToSigma = 0.42466090014400953;  // 1 / (2 sqrt(2 ln 2))

const std::map<std::string, std::string>& shippedSrfFiles() {
  static const std::map<std::string, std::string> files{
      {"sentinel2a", "srf/sentinel2a_msi.csv"},
      {"sentinel2b", "srf/sentinel2b_msi.csv"},
      {"landsat8", "srf/landsat8_oli.csv"},
      {"nikon_d700", "srf/nikon_d700.csv"},
  };
  return files;
}

// Half-width in nm of the wavelengths band i measures (see the header).
double coveredHalfWidth(const std::vector<SpectralBand>& bands, std::size_t i) {
  if (bands[i].hasFwhm()) return bands[i].fwhmNm / 2;
  double nearest = INFINITY;
  for (std::size_t j = 0; j < bands.size(); ++j)
    if (j != i) nearest = std::min(nearest, std::fabs(bands[j].wavelengthNm - bands[i].wavelengthNm));
  return std::isfinite(nearest) ? nearest / 2 : 5.0;  // a single band without FWHM: assume 10 nm
}

void requireWavelengths(const std::vector<SpectralBand>& hsiBands) {
  for (std::size_t i = 0; i < hsiBands.size(); ++i)
    if (!hsiBands[i].hasWavelength())
      throw InputError(
          fmt::format("HSI band {} has no wavelength, so P cannot be built from response curves: "
                      "supply wavelengths with --wavelengths CSV, or give P itself with --srf P.csv",
                      i + 1));
}

}  // namespace

ResponseCurves ResponseCurves::load(const std::string& path) {
  CsvTable t = CsvTable::load(path);
  const int wl = t.findColumn("wavelength_nm");
  if (wl != 0 || t.columnCount() < 2)
    throw InputError(path + ": not a response-curve CSV (expected wavelength_nm then one column per band)");
  ResponseCurves c;
  c.name = path;
  c.wavelengthNm = t.numericColumn(0);
  for (std::size_t i = 1; i < c.wavelengthNm.size(); ++i)
    if (!(c.wavelengthNm[i] > c.wavelengthNm[i - 1]))
      throw InputError(path + ": wavelength_nm must increase from row to row");
  for (std::size_t col = 1; col < t.columnCount(); ++col) {
    c.bandNames.push_back(t.header()[col]);
    auto v = t.numericColumn(col);
    for (double& x : v) x = std::max(0.0, x);
    c.response.push_back(std::move(v));
  }
  return c;
}

double ResponseCurves::at(std::size_t m, double nm) const {
  const auto& w = wavelengthNm;
  if (nm < w.front() || nm > w.back()) return 0.0;
  auto it = std::upper_bound(w.begin(), w.end(), nm);
  if (it == w.end()) return response[m].back();
  const std::size_t hi = static_cast<std::size_t>(it - w.begin());
  const std::size_t lo = hi - 1;
  const double t = (nm - w[lo]) / (w[hi] - w[lo]);
  return response[m][lo] * (1 - t) + response[m][hi] * t;
}

std::vector<std::string> shippedSrfNames() {
  std::vector<std::string> names;
  for (const auto& [name, file] : shippedSrfFiles()) names.push_back(name);
  return names;
}

std::string resolveSrf(const std::string& nameOrPath) {
  auto it = shippedSrfFiles().find(toLower(nameOrPath));
  if (it != shippedSrfFiles().end()) return findShareFile(it->second);
  if (std::filesystem::exists(nameOrPath)) return nameOrPath;
  std::string names;
  for (const auto& n : shippedSrfNames()) names += (names.empty() ? "" : ", ") + n;
  throw InputError("--srf: '" + nameOrPath + "' is neither a shipped response (" + names +
                   ") nor an existing CSV file");
}

double responseCoverage(const ResponseCurves& curves, std::size_t m, const std::vector<SpectralBand>& hsiBands) {
  std::vector<std::pair<double, double>> covered;
  for (std::size_t i = 0; i < hsiBands.size(); ++i) {
    const double h = coveredHalfWidth(hsiBands, i);
    covered.emplace_back(hsiBands[i].wavelengthNm - h, hsiBands[i].wavelengthNm + h);
  }
  auto isCovered = [&](double nm) {
    return std::any_of(covered.begin(), covered.end(), [&](const auto& r) { return nm >= r.first && nm <= r.second; });
  };
  // Midpoint rule on a 0.25 nm grid: fine enough for 1 nm and 10 nm tables alike.
  const double step = 0.25;
  double total = 0, inside = 0;
  for (double nm = curves.wavelengthNm.front() + step / 2; nm < curves.wavelengthNm.back(); nm += step) {
    const double r = curves.at(m, nm);
    if (r <= 0) continue;
    total += r;
    if (isCovered(nm)) inside += r;
  }
  return total > 0 ? inside / total : 0.0;
}

SpectralResponse SpectralResponse::fromCurves(const ResponseCurves& curves, const std::vector<SpectralBand>& hsiBands,
                                              double minCoverage) {
  requireWavelengths(hsiBands);
  SpectralResponse s;
  s.source_ = curves.name;
  for (std::size_t m = 0; m < curves.bandNames.size(); ++m) {
    MsiBand band{curves.bandNames[m], responseCoverage(curves, m, hsiBands), true};
    std::vector<double> row(hsiBands.size(), 0.0);
    for (std::size_t b = 0; b < hsiBands.size(); ++b) {
      const double c = hsiBands[b].wavelengthNm;
      if (!hsiBands[b].hasFwhm()) {
        row[b] = curves.at(m, c);
        continue;
      }
      // Simpson's rule over +-5 sigma of the band's Gaussian (1.5e-6 of its area lies outside).
      const double sigma = hsiBands[b].fwhmNm * kFwhmToSigma;
      const int n = 200;  // even
      const double lo = c - 5 * sigma, h = 10 * sigma / n;
      double sum = 0;
      for (int k = 0; k <= n; ++k) {
        const double nm = lo + k * h, z = (nm - c) / sigma;
        const double f = curves.at(m, nm) * std::exp(-0.5 * z * z);
        sum += f * (k == 0 || k == n ? 1 : (k % 2 ? 4 : 2));
      }
      row[b] = sum * h / 3 / (sigma * std::sqrt(2 * M_PI));
    }
    double rowSum = 0;
    for (double v : row) rowSum += v;
    if (band.coverage < minCoverage || rowSum <= 0) {
      band.kept = false;
      s.warnings_.push_back(
          fmt::format("MSI band {} dropped: the HSI covers only {:.1f}% of its response "
                      "(threshold {:.0f}%)",
                      band.name, 100 * band.coverage, 100 * minCoverage));
    } else {
      for (double& v : row) v /= rowSum;
      s.p_.push_back(std::move(row));
    }
    s.msiBands_.push_back(band);
  }
  if (s.p_.empty()) throw InputError("--srf " + curves.name + ": no MSI band is covered by the HSI's wavelengths");
  return s;
}

SpectralResponse SpectralResponse::fromMatrixCsv(const std::string& path, std::size_t hsiBandCount) {
  CsvTable t = CsvTable::load(path);
  if (t.columnCount() != hsiBandCount + 1)
    throw InputError(
        fmt::format("{}: P has {} HSI column(s) but the HSI has {} band(s) (expected msi_band then one "
                    "column per HSI band)",
                    path, t.columnCount() - 1, hsiBandCount));
  SpectralResponse s;
  s.source_ = path;
  for (std::size_t r = 0; r < t.rowCount(); ++r) {
    std::vector<double> row;
    double sum = 0;
    for (std::size_t c = 1; c < t.columnCount(); ++c) {
      row.push_back(t.number(r, c));
      sum += row.back();
    }
    if (!(sum > 0))
      throw InputError(
          fmt::format("{}: the row of MSI band '{}' does not sum to a positive value", path, t.cell(r, 0)));
    for (double& v : row) v /= sum;
    s.p_.push_back(std::move(row));
    s.msiBands_.push_back({t.cell(r, 0), std::nan(""), true});
  }
  return s;
}

SpectralResponse SpectralResponse::fromRows(const std::string& source, const std::vector<std::string>& msiBandNames,
                                            std::vector<std::vector<double>> rows) {
  if (rows.size() != msiBandNames.size()) throw Error("P rows and MSI band names differ in number");
  SpectralResponse s;
  s.source_ = source;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    double sum = 0;
    for (double v : rows[r]) sum += v;
    if (!(sum > 0))
      throw InputError(
          fmt::format("{}: the row of MSI band '{}' does not sum to a positive value", source, msiBandNames[r]));
    for (double& v : rows[r]) v /= sum;
    s.p_.push_back(std::move(rows[r]));
    s.msiBands_.push_back({msiBandNames[r], std::nan(""), true});
  }
  return s;
}

bool SpectralResponse::isMatrixFile(const std::string& path) {
  return toLower(CsvTable::load(path).header().at(0)) == "msi_band";
}

SpectralResponse SpectralResponse::fromSpec(const std::string& nameOrPath, const std::vector<SpectralBand>& hsiBands,
                                            double minCoverage) {
  const std::string path = resolveSrf(nameOrPath);
  return isMatrixFile(path) ? fromMatrixCsv(path, hsiBands.size())
                            : fromCurves(ResponseCurves::load(path), hsiBands, minCoverage);
}

std::vector<std::string> SpectralResponse::keptBandNames() const {
  std::vector<std::string> names;
  for (const auto& b : msiBands_)
    if (b.kept) names.push_back(b.name);
  return names;
}

std::string SpectralResponse::toCsv(const std::vector<SpectralBand>& hsiBands) const {
  std::string out = "msi_band";
  for (std::size_t b = 0; b < hsiBands.size(); ++b)
    out += "," + (hsiBands[b].hasWavelength() ? fmt::format("{:.2f}nm", hsiBands[b].wavelengthNm)
                                              : fmt::format("band{}", b + 1));
  out += "\n";
  const auto names = keptBandNames();
  for (std::size_t r = 0; r < p_.size(); ++r) {
    out += names[r];
    for (double v : p_[r]) out += fmt::format(",{:.9g}", v);
    out += "\n";
  }
  return out;
}

SpectralResponse SpectralResponse::withRows(const std::vector<int>& rows) const {
  std::vector<int> kept;  // msiBands_ index of each row of p_
  for (std::size_t m = 0; m < msiBands_.size(); ++m)
    if (msiBands_[m].kept) kept.push_back(static_cast<int>(m));
  SpectralResponse s;
  s.source_ = source_;
  s.warnings_ = warnings_;
  for (int r : rows) {
    s.p_.push_back(p_.at(static_cast<std::size_t>(r)));
    s.msiBands_.push_back(msiBands_.at(static_cast<std::size_t>(kept.at(static_cast<std::size_t>(r)))));
  }
  return s;
}

namespace {

// The names a band goes by, upper case: "B02 (490 nm)" -> {B2}; "B2_Blue" -> {B2, BLUE}; "Blue" -> {BLUE}.
std::vector<std::string> bandKeys(const std::string& name) {
  std::string first = toLower(name.substr(0, name.find_first_of(" (")));
  for (char& c : first) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::vector<std::string> keys;
  for (const std::string& part : split(first, '_')) {
    std::string k = part;
    if (k.size() > 2 && k[0] == 'B' && k[1] == '0' && std::isdigit(static_cast<unsigned char>(k[2]))) k.erase(1, 1);
    if (!k.empty()) keys.push_back(k);
  }
  return keys;
}

}  // namespace

std::optional<std::vector<int>> matchBandNames(const std::vector<std::string>& msiNames,
                                               const std::vector<std::string>& responseNames,
                                               const std::string& msiPath) {
  std::vector<std::vector<std::string>> responseKeys;
  for (const std::string& name : responseNames) responseKeys.push_back(bandKeys(name));
  std::vector<int> rows;
  std::vector<std::string> unknown;
  for (const std::string& name : msiNames) {
    int found = -1;
    for (const std::string& key : bandKeys(name))
      for (std::size_t r = 0; r < responseKeys.size() && found < 0; ++r)
        if (std::find(responseKeys[r].begin(), responseKeys[r].end(), key) != responseKeys[r].end())
          found = static_cast<int>(r);
    if (found < 0) unknown.push_back(name);
    rows.push_back(found);
  }
  if (unknown.size() == msiNames.size()) return std::nullopt;
  const std::string theirs = fmt::format("{}", fmt::join(responseNames, ","));
  if (!unknown.empty())
    throw InputError(
        fmt::format("{}: MSI band(s) {} match no band of the response ({}); name them as the response "
                    "does, or choose the bands with --msi-bands",
                    msiPath, fmt::join(unknown, ","), theirs));
  for (std::size_t a = 0; a < rows.size(); ++a)
    for (std::size_t b = a + 1; b < rows.size(); ++b)
      if (rows[a] == rows[b])
        throw InputError(fmt::format("{}: MSI bands '{}' and '{}' both name the response's {}", msiPath, msiNames[a],
                                     msiNames[b], responseNames[static_cast<std::size_t>(rows[a])]));
  return rows;
}

}  // namespace hsifuse
