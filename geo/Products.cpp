#include "geo/Products.h"

#include "geo/EnmapProduct.h"
#include "geo/HyperionProduct.h"
#include "geo/Sentinel2Product.h"

namespace hsifuse {

std::optional<std::string> productVrt(const std::string& path, const std::vector<std::string>& sentinel2Bands) {
  if (const std::optional<std::string> s2 = sentinel2MetadataFile(path)) {
    const Sentinel2Product p = readSentinel2Product(*s2);
    return writeSentinel2Vrt(p, p.select(sentinel2Bands.empty() ? defaultSentinel2Bands() : sentinel2Bands));
  }
  if (const std::optional<HyperionProduct> hyperion = findHyperionProduct(path)) return writeHyperionVrt(*hyperion);
  if (isHyperionL1r(path)) return writeHyperionL1rVrt(path);
  if (const std::optional<std::string> enmap = enmapMetadataFile(path)) return writeEnmapVrt(readEnmapProduct(*enmap));
  return std::nullopt;
}

}  // namespace hsifuse
