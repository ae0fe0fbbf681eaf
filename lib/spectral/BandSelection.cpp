#include "lib/spectral/BandSelection.h"

#include <fmt/format.h>

#include <algorithm>

#include "lib/core/Error.h"
#include "lib/core/Text.h"

namespace hsifuse {
namespace {

// Splits "a-b" into its two ends, or "a" into (a, a).
std::pair<std::string, std::string> rangeEnds(const std::string& item, const std::string& option) {
  std::string t = trim(item);
  if (t.empty()) throw InputError(option + ": empty range in the list (expected e.g. 8-57,77-224)");
  // A leading '-' would be a negative number, which no range here allows.
  auto dash = t.find('-', 1);
  if (t[0] == '-') throw InputError(option + ": '" + t + "' is negative");
  if (dash == std::string::npos) return {t, t};
  return {t.substr(0, dash), t.substr(dash + 1)};
}

}  // namespace

std::vector<IndexRange> parseIndexRanges(const std::string& text, const std::string& option) {
  std::vector<IndexRange> out;
  for (const auto& item : split(text, ',')) {
    auto [a, b] = rangeEnds(item, option);
    IndexRange r{parseInt(a, option), parseInt(b, option)};
    if (r.first < 1 || r.last < r.first)
      throw InputError(
          fmt::format("{}: bad band range '{}' (bands are numbered from 1, ranges go up: 8-57)", option, trim(item)));
    out.push_back(r);
  }
  return out;
}

std::vector<WavelengthRange> parseWavelengthRanges(const std::string& text, const std::string& option) {
  std::vector<WavelengthRange> out;
  for (const auto& item : split(text, ',')) {
    auto [a, b] = rangeEnds(item, option);
    WavelengthRange r{parseDouble(a, option), parseDouble(b, option)};
    if (r.hiNm < r.loNm || r.loNm < 0)
      throw InputError(
          fmt::format("{}: bad wavelength range '{}' (expected LOW-HIGH in nm, e.g. 1340-1460)", option, trim(item)));
    out.push_back(r);
  }
  return out;
}

BandSelection selectBands(const BandFilter& filter, const std::vector<SpectralBand>& bands,
                          const std::vector<int>& badBandList, const std::vector<DroppedBand>& presetDrops,
                          const std::string& source, const std::string& keepOption) {
  const int n = static_cast<int>(bands.size());
  std::vector<std::string> reason(n);  // empty: kept

  auto checkRanges = [&](const std::vector<IndexRange>& ranges, const std::string& option) {
    for (const auto& r : ranges)
      if (r.last > n)
        throw InputError(fmt::format("{}: band {} is out of range: {} has {} band(s)", option, r.last, source, n));
  };
  checkRanges(filter.keep, keepOption);
  checkRanges(filter.drop, "--drop-bands");

  if (!filter.keep.empty()) {
    for (int i = 0; i < n; ++i) {
      bool inKeep = std::any_of(filter.keep.begin(), filter.keep.end(),
                                [&](const IndexRange& r) { return i + 1 >= r.first && i + 1 <= r.last; });
      if (!inKeep) reason[i] = "not in --bands";
    }
  }
  for (const auto& r : filter.drop)
    for (int i = r.first - 1; i < r.last; ++i)
      if (reason[i].empty()) reason[i] = "--drop-bands";

  if (!filter.dropWavelengths.empty()) {
    for (int i = 0; i < n; ++i) {
      if (!bands[i].hasWavelength())
        throw InputError(
            fmt::format("--drop-wavelengths: band {} of {} has no wavelength (supply them with "
                        "--wavelengths CSV, or select bands by index with --bands/--drop-bands)",
                        i + 1, source));
      for (const auto& w : filter.dropWavelengths)
        if (bands[i].wavelengthNm >= w.loNm && bands[i].wavelengthNm <= w.hiNm && reason[i].empty())
          reason[i] = fmt::format("--drop-wavelengths {:g}-{:g}", w.loNm, w.hiNm);
    }
  }

  if (filter.useBadBandList) {
    if (badBandList.empty())
      throw InputError("--use-bbl: " + source +
                       " has no bad-band list (ENVI 'bbl'); drop bands with --drop-bands instead");
    if (static_cast<int>(badBandList.size()) != n)
      throw InputError(
          fmt::format("--use-bbl: the bbl of {} has {} entries for {} bands", source, badBandList.size(), n));
    for (int i = 0; i < n; ++i)
      if (badBandList[i] == 0 && reason[i].empty()) reason[i] = "bbl = 0";
  }

  for (const auto& d : presetDrops)
    if (d.index >= 0 && d.index < n && reason[d.index].empty()) reason[d.index] = d.reason;

  BandSelection sel;
  for (int i = 0; i < n; ++i) {
    if (reason[i].empty())
      sel.kept.push_back(i);
    else
      sel.dropped.push_back({i, reason[i]});
  }
  if (sel.kept.empty())
    throw InputError("the band filters leave no band of " + source + " (check --bands and friends)");
  return sel;
}

std::string formatIndexRanges(const std::vector<int>& oneBased) {
  std::string out;
  for (std::size_t i = 0; i < oneBased.size();) {
    std::size_t j = i;
    while (j + 1 < oneBased.size() && oneBased[j + 1] == oneBased[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + std::to_string(oneBased[i]) + (j > i ? "-" + std::to_string(oneBased[j]) : "");
    i = j + 1;
  }
  return out;
}

}  // namespace hsifuse
