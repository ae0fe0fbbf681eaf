#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh -DHSIFUSE_BUILD_TESTS=ON
cd build
ctest --output-on-failure -j"$(nproc)"
