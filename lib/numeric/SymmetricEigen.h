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

// The same decomposition by Householder reduction to tridiagonal form and the implicit QL iteration with Wilkinson
// shifts: a few n^3 operations against the Jacobi sweeps' tens, for the band covariances of a hyperspectral cube
// (425 x 425: 3.0 s with symmetricEigen on this CPU). The eigenvectors' signs may differ from symmetricEigen's.
SymmetricEigen symmetricEigenTridiagonal(const std::vector<double>& matrix, int n);

// Moore-Penrose pseudo-inverse of a symmetric matrix: eigenvalues below tol * max |eigenvalue| count as 0
// (numpy.linalg.pinv's rcond = 1e-15 by default).
std::vector<double> symmetricPseudoInverse(const std::vector<double>& matrix, int n, double tol = 1e-15);

}  // namespace hsifuse
