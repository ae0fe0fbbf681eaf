#pragma once
// Discrete Fourier transforms of any length (radix-2 for powers of two, Bluestein's chirp-z otherwise),
// enough for the log-Gabor filtering of the no-reference score. Unnormalised forward transform; the
// inverse divides by n, like numpy.fft and MATLAB's fft/ifft.
#include <complex>
#include <vector>

namespace hsifuse {

using ComplexPlane = std::vector<std::complex<double>>;

void fft1d(std::vector<std::complex<double>>& x, bool inverse);
// In place on a rows x cols row-major plane.
void fft2d(ComplexPlane& plane, int rows, int cols, bool inverse);

}  // namespace hsifuse
