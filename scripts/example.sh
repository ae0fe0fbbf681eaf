#!/usr/bin/env bash
# The README's example command: installs what is missing, builds, and runs hsi-fuse on the shipped
# example (until `hsi-fuse fuse` exists: `info` on the real EO-1 Hyperion crop with the Sentinel-2A
# response, and the preset band filter into a GeoTIFF).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh -DHSIFUSE_BUILD_TESTS=OFF
bin=build/cmd/hsi-fuse
cube=examples/hypsen/hyperion_paris_16x16x128.tif
out=build/example
mkdir -p "$out"
"$bin" info "$cube" --srf sentinel2a --p-out "$out/P_sentinel2a.csv" --overwrite
"$bin" subset "$cube" "$out/hyperion_kept.tif" --preset hyperion --overwrite
echo
echo "example.sh: P written to $out/P_sentinel2a.csv, band subset to $out/hyperion_kept.tif"
