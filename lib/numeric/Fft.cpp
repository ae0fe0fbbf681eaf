#include "lib/numeric/Fft.h"

#include <algorithm>
#include <cmath>

namespace hsifuse {
namespace {

bool isPowerOfTwo(std::size_t n) {
  return n && !(n & (n - 1));
}

void radix2(std::vector<std::complex<double>>& a, bool inverse) {
  const std::size_t n = a.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const double angle = 2 * M_PI / len * (inverse ? 1 : -1);
    const std::complex<double> wlen(std::cos(angle), std::sin(angle));
    for (std::size_t i = 0; i < n; i += len) {
      std::complex<double> w(1);
      for (std::size_t k = 0; k < len / 2; ++k) {
        const auto u = a[i + k], v = a[i + k + len / 2] * w;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
        w *= wlen;
      }
    }
  }
}

// Bluestein: x_k e^{-i pi k^2 / n} convolved with the chirp e^{i pi k^2 / n}, by power-of-two FFTs.
void bluestein(std::vector<std::complex<double>>& x, bool inverse) {
  const std::size_t n = x.size();
  std::size_t m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const double sign = inverse ? 1.0 : -1.0;
  std::vector<std::complex<double>> chirp(n), a(m), b(m);
  for (std::size_t k = 0; k < n; ++k) {
    // k^2 mod 2n keeps the angle exact for large k.
    const double angle = sign * M_PI * double((k * k) % (2 * n)) / n;
    chirp[k] = {std::cos(angle), std::sin(angle)};
  }
  for (std::size_t k = 0; k < n; ++k) a[k] = x[k] * chirp[k];
  b[0] = std::conj(chirp[0]);
  for (std::size_t k = 1; k < n; ++k) b[k] = b[m - k] = std::conj(chirp[k]);
  radix2(a, false);
  radix2(b, false);
  for (std::size_t k = 0; k < m; ++k) a[k] *= b[k];
  radix2(a, true);
  for (std::size_t k = 0; k < n; ++k) x[k] = a[k] / double(m) * chirp[k];
}

bool isSmooth(std::size_t n) {
  for (std::size_t p : {2, 3, 5})
    while (n % p == 0) n /= p;
  return n == 1;
}

// Recursive mixed-radix Cooley-Tukey (decimation in time) for lengths whose factors are 2, 3 and 5:
// out[0..n) = DFT of x[0], x[stride], ...; `twiddle` holds exp(-+2 pi i j / N) for the top length N and
// `step` = N / n picks this level's roots from it.
void mixedRadix(const std::complex<double>* x, std::size_t stride, std::complex<double>* out, std::size_t n,
                const std::vector<std::complex<double>>& twiddle, std::size_t step) {
  if (n == 1) {
    out[0] = x[0];
    return;
  }
  const std::size_t p = n % 2 == 0 ? 2 : n % 3 == 0 ? 3 : 5, m = n / p;
  for (std::size_t r = 0; r < p; ++r) mixedRadix(x + r * stride, stride * p, out + r * m, m, twiddle, step * p);
  std::vector<std::complex<double>> sub(out, out + n);
  const std::size_t N = twiddle.size();
  for (std::size_t k = 0; k < n; ++k) {
    std::complex<double> sum = sub[k % m];
    for (std::size_t r = 1; r < p; ++r) sum += sub[r * m + k % m] * twiddle[(r * k * step) % N];
    out[k] = sum;
  }
}

}  // namespace

int fastFftSize(int n) {
  int m = std::max(n, 1);
  while (!isSmooth(static_cast<std::size_t>(m))) ++m;
  return m;
}

void fft1d(std::vector<std::complex<double>>& x, bool inverse) {
  if (x.size() <= 1) return;
  if (isPowerOfTwo(x.size())) {
    radix2(x, inverse);
  } else if (isSmooth(x.size())) {
    const std::size_t n = x.size();
    std::vector<std::complex<double>> twiddle(n), out(n);
    for (std::size_t j = 0; j < n; ++j) twiddle[j] = std::polar(1.0, (inverse ? 2.0 : -2.0) * M_PI * double(j) / n);
    mixedRadix(x.data(), 1, out.data(), n, twiddle, 1);
    x.swap(out);
  } else {
    bluestein(x, inverse);
  }
  if (inverse)
    for (auto& v : x) v /= double(x.size());
}

void fft2d(ComplexPlane& plane, int rows, int cols, bool inverse) {
  std::vector<std::complex<double>> line(cols);
  for (int r = 0; r < rows; ++r) {
    std::copy_n(plane.begin() + static_cast<std::size_t>(r) * cols, cols, line.begin());
    fft1d(line, inverse);
    std::copy(line.begin(), line.end(), plane.begin() + static_cast<std::size_t>(r) * cols);
  }
  line.resize(rows);
  for (int c = 0; c < cols; ++c) {
    for (int r = 0; r < rows; ++r) line[r] = plane[static_cast<std::size_t>(r) * cols + c];
    fft1d(line, inverse);
    for (int r = 0; r < rows; ++r) plane[static_cast<std::size_t>(r) * cols + c] = line[r];
  }
}

}  // namespace hsifuse
