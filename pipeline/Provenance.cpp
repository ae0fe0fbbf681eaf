#include "pipeline/Provenance.h"

#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "pipeline/FusionJob.h"

namespace fs = std::filesystem;

namespace hsifuse {
namespace {

using nlohmann::json;

// A file by name, size and modification time (reading a strip twice to checksum it would cost more than most reruns
// save); "" for names that are not files (a GDAL dataset name, a shipped curve name).
json fileIdentity(const std::string& path) {
  std::error_code ec;
  if (path.empty() || !fs::is_regular_file(path, ec)) return path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return path;
  const long long ns = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  return {
      {"name", fs::path(path).filename().string()}, {"bytes", static_cast<long long>(st.st_size)}, {"mtime_ns", ns}};
}

json ranges(const std::vector<IndexRange>& r) {
  json out = json::array();
  for (const IndexRange& i : r) out.push_back({i.first, i.last});
  return out;
}

}  // namespace

std::string fuseProvenance(const FuseOptions& o) {
  json wavelengthRanges = json::array();
  for (const WavelengthRange& w : o.bands.dropWavelengths) wavelengthRanges.push_back({w.loNm, w.hiNm});
  const json options{{"method", o.method},
                     {"stage1", o.stage1},
                     {"kernel", o.kernel},
                     {"model", fileIdentity(o.model)},
                     {"finetune", o.finetune},
                     {"dip_width", o.dipWidth},
                     {"fusion_lr", o.fusionLearningRate},
                     {"scale", o.scale},
                     {"assume_aligned", o.assumeAligned},
                     {"resampling", o.resampling},
                     {"fix_shift", o.fixShift},
                     {"lr_nodata", o.lrNodata ? json(*o.lrNodata) : json(nullptr)},
                     {"msi_nodata", o.msiNodata ? json(*o.msiNodata) : json(nullptr)},
                     {"steps", o.steps},
                     {"adapt_lr", o.adaptLearningRate},
                     {"kernel_lr", o.kernelLearningRate},
                     {"adapt_width", o.adaptWidth},
                     {"patch", o.patchLr},
                     {"fit_area", o.fitAreaLr},
                     {"mask_clouds", o.maskClouds},
                     {"seed", o.seed},
                     {"tile", o.tile},
                     {"srf", fileIdentity(o.srf)},
                     {"msi_bands", o.msiBands},
                     {"bands", ranges(o.bands.keep)},
                     {"drop_bands", ranges(o.bands.drop)},
                     {"drop_wavelengths", wavelengthRanges},
                     {"use_bbl", o.bands.useBadBandList},
                     {"preset", o.bands.preset},
                     {"srcwin", o.srcWindow},
                     {"projwin", o.projWindow},
                     {"scale_to", o.scaleTo},
                     {"of", o.write.format},
                     {"ot", o.write.outputType},
                     {"co", o.write.creationOptions}};
  const json p{{"hsifuse", HSIFUSE_VERSION_STRING},
               {"lr_hsi", fileIdentity(o.lrPath)},
               {"hr_msi", fileIdentity(o.msiPath)},
               {"wavelengths", fileIdentity(o.wavelengths)},
               {"options", options}};
  return p.dump();
}

std::string recordedProvenance(const RasterInfo& info) {
  return metadataItem(info.metadata, kProvenanceItem).value_or("");
}

}  // namespace hsifuse
