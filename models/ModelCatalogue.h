#pragma once
// The shipped fusion modules, found at run time so that a copied or installed binary finds them too:
// $HSIFUSE_MODELS, the source tree's models/pretrained (compiled in), then models/ in the share directory
// (lib/core/ShareDir.h: $HSIFUSE_DATA, or <executable>/../share/hsi-fuse). Reads sidecars only, never weights.
#include <string>
#include <vector>

#include "lib/spectral/SpectralBand.h"

namespace hsifuse {

// The directory holding the shipped models; "" when none exists.
std::string modelsDir();
// Every shipped model (MODEL.safetensors with its MODEL.safetensors.json sidecar), sorted by path.
std::vector<std::string> shippedModels();
// The first shipped model whose sidecar matches the scene's HSI bands, MSI band names and scale; "" when none.
std::string matchingShippedModel(const std::vector<SpectralBand>& hsiBands, const std::vector<std::string>& msiBands,
                                 int scale);
// The shipped models' file names, comma-separated ("none" when there are none), for messages.
std::string shippedModelNames();

}  // namespace hsifuse
