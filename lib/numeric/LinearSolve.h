#pragma once
// Small dense linear systems for the least-squares fits of lib/ (classical fusions, kernel and noise estimation).
#include <cstddef>
#include <vector>

namespace hsifuse {

// a . b over n values, with four partial sums: the compiler may not reorder a floating-point sum itself, and one chain
// of dependent additions held the Cholesky of a 1024-tap kernel system (s = 8) to one multiply-add a cycle.
double dot(const double* a, const double* b, std::size_t n);

// Solves the symmetric positive (semi-)definite system A x = b (n x n, row-major) by Cholesky with a
// tiny ridge. Throws Error when the system is singular beyond the ridge.
std::vector<double> solveSymmetric(std::vector<double> a, std::vector<double> b);

}  // namespace hsifuse
