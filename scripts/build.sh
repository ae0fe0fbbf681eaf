#!/usr/bin/env bash
# Configures and builds hsi-fuse (Release) in ./build. Extra arguments go to the CMake configure step,
# e.g. -DCMAKE_PREFIX_PATH=/path/to/libtorch for a CUDA LibTorch.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j"$(nproc)"
echo "build.sh: built build/cmd/hsi-fuse"
