#pragma once
// Eigen decomposition of small dense symmetric matrices (cyclic Jacobi), for the PCA and the
// pseudo-inverse of the no-reference score's Gaussian models. Row-major n x n storage.
#include <vector>

namespace hsifuse {

struct SymmetricEigen {
  std::vector<double> values;   // descending
  std::vector<double> vectors;  // n x n row-major; column k is the eigenvector of values[k]
};

SymmetricEigen symmetricEigen(const std::vector<double>& matrix, int n);

// Moore-Penrose pseudo-inverse of a symmetric matrix: eigenvalues below tol * max |eigenvalue| count as 0
// (numpy.linalg.pinv's rcond = 1e-15 by default).
std::vector<double> symmetricPseudoInverse(const std::vector<double>& matrix, int n, double tol = 1e-15);

}  // namespace hsifuse
