#pragma once
// Random blur kernels of the four families a real scene's optics and motion give (issue #12): isotropic and
// rotated anisotropic Gaussians, defocus disks and motion trajectories, sized by the scale factor s, for the
// fusion module's supervised training. Each kernel is centred (its centroid on the kernel centre): a shift
// between the two images is the co-registration's job, not the blur's.
#include <random>
#include <string>

#include "lib/spatial/BlurKernel.h"

namespace hsifuse {

enum class KernelFamily { Gaussian, Anisotropic, Disk, Motion };

// "gaussian", "anisotropic", "disk", "motion". Throws InputError naming `option` otherwise.
KernelFamily parseKernelFamily(const std::string& name, const std::string& option);
std::string kernelFamilyName(KernelFamily family);

// One kernel of `family` for scale s: Gaussian sigma 0.2 s .. 0.7 s HR pixels (at least 0.5); anisotropic with
// each axis drawn the same way, at any angle; disk radius 0.4 s .. 1.1 s (at least 1); motion a random smooth
// trajectory 0.5 s .. 2 s long (at least 2 pixels), lightly blurred (sigma 0.5) like the optics behind it. The
// support is odd, covers +-3 sigma or the trajectory, and is at most 4 s + 1 taps.
BlurKernel randomKernel(KernelFamily family, int scale, std::mt19937_64& rng);

// A motion-blur kernel: a trajectory of `length` HR pixels starting in a random direction and turning smoothly
// (the heading changes by a normal step of `wobble` radians per pixel), splatted bilinearly on a size x size grid,
// its centroid moved onto the centre, then blurred by a Gaussian of `sigma` (0 = none). Normalised.
BlurKernel motionKernel(int size, double length, double wobble, double sigma, std::mt19937_64& rng);

// The first moments of a kernel: its centroid (row, column) relative to the kernel centre.
std::pair<double, double> kernelCentroid(const BlurKernel& k);

}  // namespace hsifuse
