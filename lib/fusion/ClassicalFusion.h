#pragma once
// Classical HSI-MSI fusion without learning, in the band-grouped form of Yokoya's comparison toolbox
// (../shared/specs/metrics-and-quality.md 3.2.1; each HSI band joins the MSI band it correlates with best):
// GSA (Gram-Schmidt adaptive, Aiazzi et al. 2007) and MTF-GLP-HS (generalised Laplacian pyramid with an
// MTF-matched low-pass and regression-based injection gains); and MTF-GLP with one synthesised pan per HSI band
// (hyper-sharpening, Selva et al. 2015): each HSI band regressed on all sharp MSI bands, not only its group's, on the
// finest detail of the LR grid, and the LR HSI projected onto its signal subspace first
// (lib/spectral/SignalSubspace.h). A first stage for UAL, a fast method on its own, and the baseline learned results
// are compared with.
#include <string>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/core/WindowSource.h"
#include "lib/spatial/BlurKernel.h"

namespace hsifuse {

// A classical fusion fitted once and then evaluated window by window, so that a scene whose HR cube does not fit
// in memory is fused tile by tile: the LR statistics (band groups, GSA's intensity regression) come from the LR
// HSI it is fitted on, the HR ones (means, covariances, injection gains) from one pass over strips of that HR
// grid. Fitted on the whole scene, window(whole grid) equals fuseGsa / fuseGlpHs / bicubic upsampling and any
// window equals the same pixels of it. A scene too large to hold is fitted on a part of it (the cubes) and its
// windows read from the whole scene (the sources); the cubes and what the sources read must outlive the object.
class ClassicalFusion {
 public:
  enum class Method { Bicubic, Gsa, GlpHs, GlpReg };
  // "bicubic", "gsa", "glp-hs" or "glp-reg" (InputError naming `option` otherwise).
  static Method parseMethod(const std::string& name, const std::string& option);

  // Fitted on and evaluated over the cubes. `mtf` is GLP-HS's low-pass (mtfGaussian(s) when empty). `detailBands`
  // (one flag per MSI band; empty: all) are the MSI bands sharp at the HR grid: the HSI bands join only those, so a
  // band of coarser native resolution resampled onto the grid (Sentinel-2's 20 m and 60 m bands) lends no detail.
  ClassicalFusion(Method method, const Cube& lrHsi, const Cube& hrMsi, int scale, BlurKernel mtf = {},
                  const std::vector<bool>& detailBands = {});
  // Fitted on fitLr / fitMsi (any part of the scene, on the same grid relation), evaluated over the scene that
  // `lr` and `msi` read.
  ClassicalFusion(Method method, const Cube& fitLr, const Cube& fitMsi, WindowSource lr, WindowSource msi, int scale,
                  BlurKernel mtf, const std::vector<bool>& detailBands = {});
  int bands() const { return lr_.bands; }
  int rows() const { return lr_.rows * s_; }
  int cols() const { return lr_.cols * s_; }
  // GLP-REG: the directions of the LR HSI's signal subspace it upsamples (0: the LR HSI as it is).
  int signalRank() const { return signalRank_; }
  // B x hr.height x hr.width.
  Cube window(const Window& hr) const;

 private:
  // What each MSI band's group of HSI bands needs to inject its detail.
  struct Group {
    std::vector<int> bands;      // HSI bands in the group
    std::vector<double> alpha;   // GSA: intensity = sum alpha_a (up_a - upMean_a)
    std::vector<double> upMean;  // GSA: HR means of the upsampled bands
    double panMean = 0;          // GSA: HR mean of the MSI band
    std::vector<double> gain;    // injection gain per band
  };
  void fitGsa(const Cube& lr, const Cube& msi);
  void fitGlpHs(const Cube& lr, const Cube& msi);
  // On the LR grid's detail when `kernelKnown` (mtf is the LR sensor's, not the assumed MTF) and the grid is large
  // enough, else on its levels.
  void fitGlpReg(const Cube& lr, const Cube& msi, const std::vector<bool>& detailBands, bool kernelKnown);
  // GLP-HS: the MSI through the LR sensor's MTF, decimated and re-interpolated, over the HR window `hr`.
  Cube lowPassWindow(const Window& hr) const;

  Method method_;
  WindowSource lr_, msi_;
  int s_;
  BlurKernel mtf_;  // GLP-HS's low-pass
  std::vector<Group> groups_;
  // GLP-REG: the MSI bands the pans are made of and, per HSI band, their weights (bands x regressors_, row-major).
  std::vector<int> regressors_;
  std::vector<double> panWeights_;
  int signalRank_ = 0;
};

// lrHsi: B x h x w; hrMsi: b x (h*s) x (w*s). Returns B x (h*s) x (w*s).
// Up/downsampling follow the phase of Degradation.h (bicubic up, s x s block mean down).
Cube fuseGsa(const Cube& lrHsi, const Cube& hrMsi, int scale);
// MTF-GLP-HS: fused_k = up(y_k) + g_k (pan - up(down(MTF * pan))), g_k = cov(up(y_k), low) / var(low), with the
// pan the MSI band of y_k's group and `mtf` the LR sensor's blur (mtfGaussian(s) when unknown).
Cube fuseGlpHs(const Cube& lrHsi, const Cube& hrMsi, int scale, const BlurKernel& mtf);
// MTF-GLP with regression pans: fused_k = up(y_k) + sum_j w_kj (x_j - up(down(MTF * x_j))), the weights w_k the ridge
// regression of y_k on the low-passed, decimated MSI bands, both less their own reduction by s through `mtf` (the
// detail one scale down; the levels on a grid under 2 s x 2 s LR pixels, or with `mtf` empty: the assumed MTF-matched
// Gaussian then; ridge by generalised cross-validation per band), so the injected detail is what the MSI says of band
// k, in band k's units (injection gain 1); y is first projected onto its signal subspace (HySime), so that its noise is
// not upsampled into the result.
Cube fuseGlpReg(const Cube& lrHsi, const Cube& hrMsi, int scale, const BlurKernel& mtf);

}  // namespace hsifuse
