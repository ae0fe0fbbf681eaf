#pragma once
// Fits of the natural-scene-statistics distributions used by the no-reference score (IL-NIQE's
// estimators, ../shared/specs/metrics-and-quality.md section 1.3). Inputs are samples; NaN results mark
// a degenerate sample (all zeros, too few values).
#include <vector>

namespace hsifuse {

// Generalised Gaussian by moment matching: rho = E|x|^2 / E[x^2], alpha from the grid 0.2:0.001:10
// minimising (G(2/a)^2 / (G(1/a) G(3/a)) - rho)^2, beta = sqrt(E[x^2]) sqrt(G(1/a) / G(3/a)).
struct GgdFit {
  double alpha, beta;
};
GgdFit fitGgd(const std::vector<double>& x);

// Asymmetric generalised Gaussian (IL-NIQE estimate_aggd_param): left/right standard deviations,
// alpha from the same grid on the corrected rho, beta_l/beta_r, and the mean
// (beta_r - beta_l) G(2/a) / G(1/a).
struct AggdFit {
  double alpha, mean, betaLeft, betaRight;
};
AggdFit fitAggd(const std::vector<double>& x);

// Two-parameter Weibull by maximum likelihood on positive samples. IL-NIQE runs Nelder-Mead with
// tolerances 0.01 on the likelihood; we solve the same likelihood's stationarity condition for the shape
// by safeguarded Newton iterations (the scale follows in closed form), which reaches the same estimate,
// to tighter tolerance, in far fewer passes over the data.
struct WeibullFit {
  double scale, shape;
};
WeibullFit fitWeibull(const std::vector<double>& x);

}  // namespace hsifuse
