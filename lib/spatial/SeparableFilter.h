#pragma once
// The one separable 2-D correlation of lib/ ('same' size, in double precision): the metrics' SSIM window, the
// no-reference score's Gaussians and derivatives. Rows first, then columns; each output pixel sums its taps in
// increasing order, and the loops run along rows so that they vectorise.
#include <vector>

namespace hsifuse {

enum class FilterBorder { Zero, Replicate };

// img: rows x cols, row-major. Tap i of `horizontal` multiplies the pixel i - hFirst columns away, tap i of `vertical`
// the pixel i - vFirst rows away; pixels outside the image are 0 or the nearest edge pixel.
std::vector<double> filterSeparable(const std::vector<double>& img, int rows, int cols,
                                    const std::vector<double>& vertical, const std::vector<double>& horizontal,
                                    int vFirst, int hFirst, FilterBorder border);

}  // namespace hsifuse
