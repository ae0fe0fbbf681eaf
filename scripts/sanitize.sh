#!/usr/bin/env bash
# scripts/sanitize.sh: an AddressSanitizer + UndefinedBehaviorSanitizer build of hsi-fuse and its fast tests
# (issue #14), in build-asan/. LibTorch is left out (-DHSIFUSE_WITH_TORCH=OFF: the Debian LibTorch is not built
# with the sanitizers), so this covers lib/, geo/, the quality code and the commands a Torch-free binary has (info,
# subset, degrade, eval, score): the core and GDAL suites and the CLI tests of those commands. The tests of fuse and
# train, the man page (which lists them) and the fault script need the networks and are left out. Any sanitizer
# report fails the run (halt_on_error). About 10 minutes on 2 cores to build; not part of CI.
# Last run, 2026-11-29: 78 core/GDAL tests and 14 CLI tests, no sanitizer report.
#
#   scripts/sanitize.sh [CTEST_EXCLUDE_REGEX]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
flags="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHSIFUSE_WITH_TORCH=OFF -DHSIFUSE_BUILD_TESTS=ON \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags"
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export OMP_WAIT_POLICY=PASSIVE
cd build-asan
needs_torch='FaultProbes|SlurmLocal|Cli\.(ManPage|NoCommandWrites|ValuesOutside|Fuse|Ual|Train|Shipped|Interrupted|RealHyperion|AWriteThat|Apply|IntegerOutputs|SkipExisting|MsiBands|NoStaleMetadata)'
ctest --output-on-failure -j"$(nproc)" -E "${1:-$needs_torch}"
