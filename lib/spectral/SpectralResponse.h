#pragma once
// The spectral response matrix P (MSI bands x HSI bands) of the observation model X = P Z.
//
// P[m][b] = integral of srf_m(l) * g_b(l) dl, where g_b is a unit-area Gaussian with the HSI band's
// centre and FWHM (srf_m sampled at the centre when the FWHM is unknown); each row is then
// normalised to sum 1, so an MSI pixel is a weighted mean of HSI bands.
//
// Coverage of an MSI band = the share of its response area that falls on wavelengths the HSI
// measures: the union of [centre - w/2, centre + w/2] over HSI bands, w = FWHM, or the distance to
// the nearest other band centre when the FWHM is unknown. A band with coverage below
// kDefaultMinCoverage (0.5, "mostly outside") is dropped with a warning naming it.
#include <optional>
#include <string>
#include <vector>

#include "lib/spectral/SpectralBand.h"

namespace hsifuse {

// Response curves of an MSI sensor: a CSV with `wavelength_nm` then one column per band.
// Negative responses (present in some published tables as noise) are clamped to 0.
struct ResponseCurves {
  std::string name;  // file or shipped name
  std::vector<double> wavelengthNm;
  std::vector<std::string> bandNames;
  std::vector<std::vector<double>> response;  // [band][sample]

  static ResponseCurves load(const std::string& path);
  // Linear interpolation of band `m`'s response at `nm`; 0 outside the tabulated range.
  double at(std::size_t m, double nm) const;
};

// The names of the curves shipped in share/srf (sentinel2a, sentinel2b, landsat8, nikon_d700).
std::vector<std::string> shippedSrfNames();
// A shipped name or a CSV path to the path of a CSV file; throws InputError for neither.
std::string resolveSrf(const std::string& nameOrPath);

constexpr double kDefaultMinCoverage = 0.5;

class SpectralResponse {
 public:
  struct MsiBand {
    std::string name;
    double coverage = 0;  // 0..1; NaN for a user-supplied P
    bool kept = true;
  };

  // Builds P from response curves; bands under `minCoverage` are dropped and listed in warnings().
  // Throws InputError when an HSI band has no wavelength or no MSI band is left.
  static SpectralResponse fromCurves(const ResponseCurves& curves, const std::vector<SpectralBand>& hsiBands,
                                     double minCoverage = kDefaultMinCoverage);
  // Reads a user-supplied P: header `msi_band,<one column per HSI band>`, one row per MSI band.
  // Rows are normalised to sum 1. Throws InputError when the column count differs from hsiBandCount.
  static SpectralResponse fromMatrixCsv(const std::string& path, std::size_t hsiBandCount);

  // `--srf` as users give it: a shipped name, a response-curve CSV (wavelength_nm first) or a P matrix
  // CSV (msi_band first). Curves need the HSI wavelengths (requireWavelengths is the caller's job).
  static SpectralResponse fromSpec(const std::string& nameOrPath, const std::vector<SpectralBand>& hsiBands,
                                   double minCoverage = kDefaultMinCoverage);
  static bool isMatrixFile(const std::string& path);
  // A P given row by row (e.g. fitted from the scene, lib/spectral/ResponseEstimation.h); rows are normalised to sum 1.
  static SpectralResponse fromRows(const std::string& source, const std::vector<std::string>& msiBandNames,
                                   std::vector<std::vector<double>> rows);

  // Every MSI band of the source, kept or not, in source order.
  const std::vector<MsiBand>& msiBands() const { return msiBands_; }
  std::vector<std::string> keptBandNames() const;
  // Rows: kept MSI bands; columns: HSI bands.
  const std::vector<std::vector<double>>& matrix() const { return p_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  const std::string& source() const { return source_; }

  // A P of the given kept rows (indices into matrix()), in that order: the MSI's own band order.
  SpectralResponse withRows(const std::vector<int>& rows) const;

  // P in the CSV format fromMatrixCsv() reads; the HSI wavelengths label the columns.
  std::string toCsv(const std::vector<SpectralBand>& hsiBands) const;

 private:
  std::string source_;
  std::vector<MsiBand> msiBands_;
  std::vector<std::vector<double>> p_;
  std::vector<std::string> warnings_;
};

// Which row of P (an index into `responseNames`) each MSI band is, by name: "B02", "B2" and "B2 (490 nm)" all name
// Sentinel-2's B2, "Blue" names Landsat's B2_Blue. Returns nothing when no MSI band has a name the response knows
// (the bands are then taken by position); throws InputError, naming the bands on each side, when some have one and
// some have not, or when two MSI bands name the same response band.
std::optional<std::vector<int>> matchBandNames(const std::vector<std::string>& msiNames,
                                               const std::vector<std::string>& responseNames,
                                               const std::string& msiPath);

// Share (0..1) of a response curve's area on wavelengths covered by the HSI bands (see above).
double responseCoverage(const ResponseCurves& curves, std::size_t m, const std::vector<SpectralBand>& hsiBands);

}  // namespace hsifuse
