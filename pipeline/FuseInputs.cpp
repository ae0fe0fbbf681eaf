// Stages 1-4 of fuse (pipeline/FuseStages.h): options, inputs and grids, P, the fusion module.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

#include "geo/BandSubset.h"
#include "lib/core/AtomicOutput.h"
#include "lib/core/Error.h"
#include "lib/core/Text.h"
#include "models/ModelCatalogue.h"
#include "pipeline/AdaptationFolder.h"
#include "pipeline/FuseStages.h"
#include "pipeline/Provenance.h"

namespace fs = std::filesystem;

namespace hsifuse {

namespace {

// The output is in the HSI's units: an integer --ot would round floating-point values (0-1 reflectance to 0 and 1)
// unless --scale-to says by how much to multiply them first.
void refuseLossyType(const FuseOptions& o, const RasterInfo& hsi) {
  const bool integerOut = o.write.outputType != "Float32" && o.write.outputType != "Float64";
  const bool floatingIn = !hsi.bands.empty() && hsi.bands[0].dataType.rfind("Float", 0) == 0;
  if (integerOut && floatingIn && !(o.scaleTo > 0))
    throw InputError(
        fmt::format("--ot {}: {} holds floating-point values ({}) that an integer type would round; give "
                    "--scale-to (e.g. 10000 for reflectance) or keep --ot Float32",
                    o.write.outputType, o.lrPath, hsi.bands[0].dataType));
}

// --skip-existing: an OUTPUT that hsi-fuse made from the same inputs and options is left alone (exit 3); one made
// otherwise needs --overwrite, as without the option. fuse writes OUTPUT only when complete, so one that exists is.
void skipIfUpToDate(const FuseOptions& o) {
  std::error_code ec;
  if (!o.skipExisting || o.outPath.empty() || !fs::is_regular_file(o.outPath, ec)) return;
  std::string recorded;
  try {
    recorded = recordedProvenance(readRasterInfo(o.outPath));
  } catch (const Error&) {
  }
  if (!recorded.empty() && recorded == fuseProvenance(o))
    throw Skipped(
        fmt::format("skipped: {} is up to date (made by hsi-fuse from the same inputs and options)", o.outPath));
  if (!o.write.overwrite)
    throw InputError(
        fmt::format("--skip-existing: {} exists but was made from other inputs or options (or not by "
                    "hsi-fuse); --overwrite replaces it",
                    o.outPath));
}

std::vector<std::string> msiNamesOf(const RasterInfo& msi) {
  std::vector<std::string> names;
  for (const BandInfo& b : msi.bands) names.push_back(b.description);
  return names;
}

}  // namespace

void FuseLog::say(const std::string& message) {
  if (!log_) return;
  if (released_)
    log_(message);
  else
    pending_.push_back(message);
}

void FuseLog::release() {
  released_ = true;
  if (log_)
    for (const auto& m : pending_) log_(m);
  pending_.clear();
}

FuseMethod checkFuseOptions(const FuseOptions& o) {
  const FuseMethod method = parseFuseMethod(o.method);
  static const std::vector<std::string> stages{"auto", "model", "gsa", "glp-hs", "glp-reg", "bicubic"};
  if (std::find(stages.begin(), stages.end(), o.stage1) == stages.end())
    throw InputError(fmt::format("--stage1: '{}' is not one of {}", o.stage1, fmt::join(stages, ", ")));
  if (o.kernel != "auto") BlurKernel::parse(o.kernel);  // a bad SPEC names --kernel
  if (o.finetune && !canFinetune(method))
    throw InputError("--finetune: only --method ual or fixed-kernel fine-tune a fusion module");
  validateWriteOptions(o.write);
  if (o.outPath.empty() && o.saveAdaptation.empty())
    throw InputError("OUTPUT: required (or --save-adaptation DIR alone, to adapt without writing the output)");
  if (o.outPath.empty() && !o.quicklookPath.empty()) throw InputError("--quicklook: needs OUTPUT");
  for (const auto& [path, option] :
       {std::pair{o.kernelOutPath, "--kernel-out"}, std::pair{o.kernelPngPath, "--kernel-png"}})
    if (!path.empty() && !adaptsToScene(method))
      throw InputError(fmt::format("{}: only --method ual, dip or fixed-kernel have a kernel", option));
  std::vector<NamedPath> inputs{{o.lrPath, "LR_HSI"},
                                {o.msiPath, "HR_MSI"},
                                {o.wavelengths, "--wavelengths"},
                                {o.srf, "--srf"},
                                {o.model, "--model"}};
  for (const std::string& m : shippedModels()) {  // the default --model is chosen later, among these
    inputs.push_back({m, "a shipped model"});
    inputs.push_back({m + ".json", "a shipped model's sidecar"});
  }
  skipIfUpToDate(o);
  const std::vector<NamedPath> outputs{{o.outPath, "OUTPUT"},
                                       {o.reportPath, "--report"},
                                       {o.quicklookPath, "--quicklook"},
                                       {o.kernelOutPath, "--kernel-out"},
                                       {o.kernelPngPath, "--kernel-png"}};
  checkOutputs(outputs, inputs, o.write.overwrite);
  if (!o.saveAdaptation.empty()) {
    const bool adapts = method == FuseMethod::Ual || method == FuseMethod::FixedKernel;
    if (!(adapts || isClassical(method)) || o.finetune)
      throw InputError(
          "--save-adaptation: --method ual, fixed-kernel (without --finetune), gsa, glp-hs, glp-reg or bicubic");
    if (!adapts && o.outPath.empty())
      throw InputError("--save-adaptation without OUTPUT: only ual and fixed-kernel have an adaptation to run alone");
    inputs.insert(inputs.end(), outputs.begin(), outputs.end());
    checkOutputFolder({o.saveAdaptation, "--save-adaptation"}, kAdaptationManifest, inputs, o.write.overwrite);
  }
  return method;
}

// The MSI: a raster, or a Sentinel-2 product read through the VRT of the bands --msi-bands names.
FuseInputs openInputs(const FuseOptions& o, long long stamp) {
  // Products of several files (a Hyperion L1T folder, an EnMAP or Sentinel-2 product) open as one raster
  // (geo/Products.h); a Sentinel-2 product's bands are those --msi-bands names, and its metadata is kept.
  std::optional<Sentinel2Product> product;
  if (const std::optional<std::string> metadata = sentinel2MetadataFile(o.msiPath))
    product = readSentinel2Product(*metadata);
  const std::vector<std::string> names = !product             ? std::vector<std::string>{}
                                         : o.msiBands.empty() ? defaultSentinel2Bands()
                                                              : split(o.msiBands, ',');
  FuseInputs in{RasterDataset::open(o.lrPath, OpenOptions{o.wavelengths, {}}),
                RasterDataset::open(o.msiPath, OpenOptions{"", names}),
                {},
                {},
                {},
                {},
                product,
                std::nullopt};
  if (o.maskClouds) {
    if (!product)
      throw InputError("--mask-clouds: HR_MSI is not a Sentinel-2 L2A product (it reads the product's SCL)");
    in.msiMask.emplace(RasterDataset::open(writeSentinel2CloudMaskVrt(*product, product->select(names))));
  }
  in.hsiSelection = selectRasterBands(in.lr.info(), o.bands);
  in.hsi = in.lr.info().selectBands(in.hsiSelection.kept);
  in.hsi.requireWavelengths("fuse (building P)");
  refuseLossyType(o, in.hsi);
  in.grid = pairGrids(o, in.lr, in.msi.info(), in.warpedVrt, stamp);
  return in;
}

MsiResponse buildResponse(const FuseOptions& o, const FuseInputs& in, FuseLog& log) {
  const RasterInfo& msiInfo = in.msi.info();
  MsiResponse r;
  if (!o.msiBands.empty() && !in.sentinel2) {  // a product's VRT holds only the bands --msi-bands named
    BandFilter f;
    f.keep = parseIndexRanges(o.msiBands, "--msi-bands");
    r.msiKeep = selectBands(f, msiInfo.spectralBands(), {}, {}, o.msiPath, "--msi-bands").kept;
  } else {
    for (int b = 0; b < msiInfo.bandCount(); ++b) r.msiKeep.push_back(b);
  }
  // A Sentinel-2 product names its spacecraft, and so its curves, unless --srf says otherwise.
  std::string srf = o.srf;
  if (srf.empty() && in.sentinel2) {
    srf = in.sentinel2->responseName();
    if (srf.empty())
      throw InputError(fmt::format("{}: no response curves are shipped for '{}'; give them with --srf CSV", o.msiPath,
                                   in.sentinel2->spacecraft));
    log.say(fmt::format("msi: {} {} (baseline {}), bands {} as (DN + offset) / {:g}; response curves {}",
                        in.sentinel2->spacecraft, in.sentinel2->level, in.sentinel2->baseline,
                        fmt::join(msiNamesOf(msiInfo), ","), in.sentinel2->quantification, srf));
  }
  if (srf.empty()) throw InputError("--srf: required (the MSI's response curves: a shipped name or a CSV)");
  // --srf estimate: P is fitted from the scene once it is read; until then only its row names count.
  r.estimate = toLower(srf) == "estimate";
  for (int k : r.msiKeep)
    r.msiNames.push_back(msiInfo.bands[k].description.empty() ? fmt::format("band {}", k + 1)
                                                              : msiInfo.bands[k].description);
  if (!in.lr.info().wavelengthWarning.empty()) log.say("Warning: " + in.lr.info().wavelengthWarning);
  const std::size_t hsiBands = in.hsiSelection.kept.size();
  r.p = r.estimate ? SpectralResponse::fromRows(
                         "estimate", r.msiNames,
                         std::vector<std::vector<double>>(r.msiKeep.size(), std::vector<double>(hsiBands, 1.0)))
                   : SpectralResponse::fromSpec(srf, in.hsi.spectralBands());
  for (const auto& w : r.p.warnings()) log.say("Warning: " + w);
  // MSI bands named as the response names them (B4, B02, "Blue") get their own row of P, in the MSI's order.
  if (!r.estimate)
    if (const std::optional<std::vector<int>> rows = matchBandNames(r.msiNames, r.p.keptBandNames(), o.msiPath))
      r.p = r.p.withRows(*rows);
  if (r.p.matrix().size() != r.msiKeep.size())
    throw InputError(fmt::format(
        "{} has {} band(s) in use but P ({}) has {} row(s) ({}): choose the matching MSI bands "
        "with --msi-bands",
        o.msiPath, r.msiKeep.size(), srf, r.p.matrix().size(), fmt::format("{}", fmt::join(r.p.keptBandNames(), ","))));
  return r;
}

ChosenModel chooseModel(const FuseOptions& o, FuseMethod method, const std::vector<SpectralBand>& hsiBands,
                        const std::vector<std::string>& msiBands, int s, FuseLog& log) {
  const std::string noModuleToTune =
      "--finetune: there is no fusion module to fine-tune without a model; pass --model FILE";
  if (!usesPretrainedModule(method)) return {std::nullopt, "none"};
  if (o.model == "none") {
    if (o.finetune) throw InputError(noModuleToTune);
    return {std::nullopt, "none"};
  }
  // The sidecar alone decides; only the chosen model's weights are read.
  const std::string path = o.model.empty() ? matchingShippedModel(hsiBands, msiBands, s) : o.model;
  if (path.empty()) {
    const std::string what =
        fmt::format("no shipped model matches these {} HSI bands, MSI bands {} and scale {} (shipped: {})",
                    hsiBands.size(), fmt::join(msiBands, ","), s, shippedModelNames());
    if (method == FuseMethod::FusionOnly)
      throw InputError(what + "; train one with 'hsi-fuse train' and pass --model, or use --method gsa");
    if (o.finetune) throw InputError(what + "; " + noModuleToTune);
    log.say("Note: " + what +
            "; UAL adapts a classical first stage instead (--model none); train a model with "
            "'hsi-fuse train' and pass --model to use a fusion module");
    return {std::nullopt, "none"};
  }
  FusionModel model = FusionModel::load(path);
  model.checkCompatible(hsiBands, msiBands, s);
  return {std::move(model), path};
}

}  // namespace hsifuse
