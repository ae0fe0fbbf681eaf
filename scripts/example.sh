#!/usr/bin/env bash
# The README's example command: installs what is missing, builds, and runs the main job on the shipped
# HypSen-like example (examples/hypsen): UAL fusion of a 30 m Hyperion-band LR HSI with a 10 m
# Sentinel-2 MSI, then the full-reference evaluation against the example's ground truth.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh -DHSIFUSE_BUILD_TESTS=OFF
bin=build/cmd/hsi-fuse
ex=examples/hypsen
out=build/example
mkdir -p "$out"
"$bin" fuse "$ex/hypsen_lr_hyperion_30m.tif" "$ex/hypsen_msi_s2_10m.tif" "$out/hypsen_fused_10m.tif" \
  --srf sentinel2a --method ual --report "$out/hypsen_report.json" --overwrite
"$bin" fuse "$ex/hypsen_lr_hyperion_30m.tif" "$ex/hypsen_msi_s2_10m.tif" "$out/hypsen_gsa_10m.tif" \
  --srf sentinel2a --method gsa --overwrite -q
echo
echo "UAL against the ground truth:"
"$bin" eval "$ex/hypsen_truth_10m.tif" "$out/hypsen_fused_10m.tif" --ratio 3
echo "GSA against the ground truth:"
"$bin" eval "$ex/hypsen_truth_10m.tif" "$out/hypsen_gsa_10m.tif" --ratio 3
echo
echo "example.sh: output $out/hypsen_fused_10m.tif, report $out/hypsen_report.json"
