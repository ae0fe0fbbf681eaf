#include "lib/quality/DistributionFit.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace hsifuse {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// r(a) = G(2/a)^2 / (G(1/a) G(3/a)) on IL-NIQE's grid 0.2:0.001:10 (increasing in a).
struct RatioTable {
  std::vector<double> alpha, ratio;
  RatioTable() {
    for (int i = 0; i <= 9800; ++i) {
      const double a = 0.2 + 0.001 * i;
      alpha.push_back(a);
      ratio.push_back(std::exp(2 * std::lgamma(2 / a) - std::lgamma(1 / a) - std::lgamma(3 / a)));
    }
  }
  // The grid point minimising (r(a) - target)^2.
  double best(double target) const {
    std::size_t best = 0;
    double err = std::numeric_limits<double>::infinity();
    // r is monotonic: bisect, then look at the two neighbours.
    const std::size_t k = std::lower_bound(ratio.begin(), ratio.end(), target) - ratio.begin();
    for (std::size_t i = k > 0 ? k - 1 : 0; i <= std::min(k, ratio.size() - 1); ++i) {
      const double e = (ratio[i] - target) * (ratio[i] - target);
      if (e < err) err = e, best = i;
    }
    return alpha[best];
  }
};

const RatioTable& ratioTable() {
  static const RatioTable table;
  return table;
}

double gammaRatio13(double a) {
  return std::sqrt(std::exp(std::lgamma(1 / a) - std::lgamma(3 / a)));
}

}  // namespace

GgdFit fitGgd(const std::vector<double>& x) {
  double abs = 0, sq = 0;
  for (double v : x) abs += std::fabs(v), sq += v * v;
  if (x.empty() || sq == 0 || !std::isfinite(sq)) return {kNaN, kNaN};
  abs /= x.size();
  sq /= x.size();
  const double alpha = ratioTable().best(abs * abs / sq);
  return {alpha, std::sqrt(sq) * gammaRatio13(alpha)};
}

AggdFit fitAggd(const std::vector<double>& x) {
  double left = 0, right = 0, abs = 0, sq = 0;
  std::size_t nl = 0, nr = 0;
  for (double v : x) {
    if (v < 0) left += v * v, ++nl;
    if (v > 0) right += v * v, ++nr;
    abs += std::fabs(v);
    sq += v * v;
  }
  if (nl == 0 || nr == 0 || !std::isfinite(sq)) return {kNaN, kNaN, kNaN, kNaN};
  const double leftStd = std::sqrt(left / nl), rightStd = std::sqrt(right / nr);
  const double g = leftStd / rightStd;
  abs /= x.size();
  sq /= x.size();
  const double rhat = abs * abs / sq;
  const double rnorm = rhat * (g * g * g + 1) * (g + 1) / ((g * g + 1) * (g * g + 1));
  const double alpha = ratioTable().best(rnorm);
  const double c = gammaRatio13(alpha);
  const double betaL = leftStd * c, betaR = rightStd * c;
  const double mean = (betaR - betaL) * std::exp(std::lgamma(2 / alpha) - std::lgamma(1 / alpha));
  return {alpha, mean, betaL, betaR};
}

WeibullFit fitWeibull(const std::vector<double>& x) {
  std::vector<double> logs;
  logs.reserve(x.size());
  for (double v : x)
    if (v > 0 && std::isfinite(v)) logs.push_back(std::log(v));
  if (logs.size() < 2) return {kNaN, kNaN};
  double meanLog = 0;
  for (double l : logs) meanLog += l;
  meanLog /= logs.size();
  double varLog = 0, maxLog = logs[0];
  for (double l : logs) varLog += (l - meanLog) * (l - meanLog), maxLog = std::max(maxLog, l);
  const double sdLog = std::sqrt(varLog / (logs.size() - 1));
  if (sdLog == 0) return {kNaN, kNaN};
  // Profile likelihood: the shape k solves g(k) = sum x^k ln x / sum x^k - 1/k - mean(ln x) = 0, with g
  // increasing in k. Powers are taken relative to the largest sample to avoid overflow.
  auto g = [&](double k, double* slope) {
    double s0 = 0, s1 = 0, s2 = 0;
    for (double l : logs) {
      const double w = std::exp(k * (l - maxLog));
      s0 += w;
      s1 += w * l;
      s2 += w * l * l;
    }
    const double m1 = s1 / s0, m2 = s2 / s0;
    if (slope) *slope = (m2 - m1 * m1) + 1 / (k * k);
    return m1 - 1 / k - meanLog;
  };
  double k = 1.2 / sdLog;  // IL-NIQE's starting point
  double lo = 1e-6, hi = 1e6;
  for (int it = 0; it < 100; ++it) {
    double slope;
    const double value = g(k, &slope);
    if (value > 0)
      hi = std::min(hi, k);
    else
      lo = std::max(lo, k);
    double next = k - value / slope;
    if (!(next > lo && next < hi)) next = std::sqrt(lo * hi);  // bisect (geometrically) when Newton leaves the bracket
    if (std::fabs(next - k) <= 1e-10 * k) {
      k = next;
      break;
    }
    k = next;
  }
  double s0 = 0;
  for (double l : logs) s0 += std::exp(k * (l - maxLog));
  const double scale = std::exp(maxLog + std::log(s0 / logs.size()) / k);
  return {scale, k};
}

}  // namespace hsifuse
