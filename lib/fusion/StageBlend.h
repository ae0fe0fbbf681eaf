#pragma once
// A first stage made of several classical fusions mixed band by band (issue #12). No one classical fusion wins
// every scene: on the HypSen grid at 35 dB, GSA and GLP-HS trade places by kernel family (GLP-HS ahead under defocus,
// GSA ahead under anisotropic blur), and where they are close their errors are partly independent, so a mixture is
// better than either (measured with the truth: the best convex weight per band gained +0.0 to +3.7 dB, +0.4 mean,
// over the better of the two on 32 cases). The weights are fitted with no ground truth, at reduced resolution
// (lib/fusion/FirstStageChoice.h): per HSI band, the convex weights w (w >= 0, sum 1) that minimise the mixture's
// squared error against the real LR HSI, i.e. w' G w with G the candidates' error Gram matrix. Convex weights keep
// the mixture between its parts, so a weight fitted one scale down cannot extrapolate at full resolution; a weight
// of 1 is one of the parts.
#include <string>
#include <vector>

#include "lib/core/Cube.h"

namespace hsifuse {

// The blend's name as a first stage (reports, the adaptation folder's manifest).
inline constexpr const char* kBlendStage = "blend";

struct StageBlend {
  std::vector<std::string> parts;            // the classical fusions mixed, e.g. {"gsa", "glp-hs"}
  std::vector<std::vector<double>> weights;  // [HSI band][part], each row convex
  bool empty() const { return parts.empty(); }
  // Each part's mean weight over the bands (reports).
  std::vector<double> meanWeights() const;
};

// The convex weights (w >= 0, sum 1) minimising w' G w for a k x k symmetric positive semi-definite G (row-major),
// found exactly by trying every support (k is the number of candidates, at most a few). A degenerate G (two parts
// identical) gets the weights of the part listed first among the equals.
std::vector<double> convexWeights(const std::vector<double>& gram, int k);

// The per-band convex weights fitted on pairs (the reduced-resolution phases) added one at a time: each pair's parts'
// results and its reference, all of one shape. Holds only the per-band error Gram matrices.
class BlendFit {
 public:
  BlendFit(int parts, int bands);
  void add(const std::vector<Cube>& results, const Cube& reference);
  std::vector<std::vector<double>> weights() const;

 private:
  int parts_, bands_;
  std::vector<std::vector<double>> gram_;  // [band][a * parts + c]
};

// The mixture of same-shaped cubes, band b = sum_k weights[b][k] parts[k] band b.
Cube blendCubes(const std::vector<Cube>& parts, const std::vector<std::vector<double>>& weights);

}  // namespace hsifuse
