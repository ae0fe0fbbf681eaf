#pragma once
// Discrete Fourier transforms of any length (radix-2 for powers of two, mixed radix 2/3/5 for lengths with
// only those factors, Bluestein's chirp-z otherwise),
// enough for the log-Gabor filtering of the no-reference score. Unnormalised forward transform; the
// inverse divides by n, like numpy.fft and MATLAB's fft/ifft.
#include <complex>
#include <vector>

namespace hsifuse {

using ComplexPlane = std::vector<std::complex<double>>;

// The smallest length >= n with no prime factor above 5 (a fast transform length).
int fastFftSize(int n);

void fft1d(std::vector<std::complex<double>>& x, bool inverse);
// In place on a rows x cols row-major plane.
void fft2d(ComplexPlane& plane, int rows, int cols, bool inverse);

}  // namespace hsifuse
