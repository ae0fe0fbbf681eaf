#pragma once
// UAL's self-guiding adaptation module as it ends an adaptation: its kept weights, on disk as data only (lib/core/
// TensorFile.h) and applied window by window to a first stage, so an adaptation done once can produce any block of
// the output in another process (issue #15: fuse --save-adaptation, hsi-fuse apply). Torch-free interface.
#include <memory>
#include <string>

#include "lib/core/WindowSource.h"

namespace hsifuse {

class AdaptedModule {
 public:
  // A module for `bands` HSI bands; `norm` is the factor the adaptation multiplied its inputs by (1 for fuse's
  // normalised scenes).
  AdaptedModule(int bands, int width, int depth, float norm);
  AdaptedModule(AdaptedModule&&) noexcept;
  AdaptedModule& operator=(AdaptedModule&&) noexcept;
  ~AdaptedModule();

  // FILE holds the weights with bands, width, depth and norm in its metadata; InputError naming FILE otherwise.
  static AdaptedModule load(const std::string& path);
  void save(const std::string& path, bool overwrite) const;

  int bands() const { return bands_; }
  int width() const { return width_; }
  int depth() const { return depth_; }
  float norm() const { return norm_; }
  // Pixels of context per side one output pixel needs.
  int receptiveRadius() const;

  // Z^ window by window: each window of Z~ is read with receptiveRadius() pixels of context, replicate-padded at the
  // scene border, exactly as the adaptation's own final pass does. `firstStage` is copied into the source.
  WindowSource outputSource(const WindowSource& firstStage, const std::string& device = "cpu") const;

  struct Impl;
  Impl& impl() { return *impl_; }
  const Impl& impl() const { return *impl_; }

 private:
  int bands_, width_, depth_;
  float norm_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hsifuse
