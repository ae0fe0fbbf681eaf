#pragma once
// Small dense linear systems for the least-squares fits of lib/ (classical fusions, kernel and noise estimation).
#include <vector>

namespace hsifuse {

// Solves the symmetric positive (semi-)definite system A x = b (n x n, row-major) by Cholesky with a
// tiny ridge. Throws Error when the system is singular beyond the ridge.
std::vector<double> solveSymmetric(std::vector<double> a, std::vector<double> b);

}  // namespace hsifuse
