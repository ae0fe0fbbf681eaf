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
  --srf sentinel2a --method ual --report "$out/hypsen_report.json" --quicklook "$out/hypsen_fused_rgb.png" --overwrite
for m in gsa glp-hs glp-reg; do
  "$bin" fuse "$ex/hypsen_lr_hyperion_30m.tif" "$ex/hypsen_msi_s2_10m.tif" "$out/hypsen_${m}_10m.tif" \
    --srf sentinel2a --method "$m" --overwrite -q
done
echo
echo "UAL against the ground truth:"
"$bin" eval "$ex/hypsen_truth_10m.tif" "$out/hypsen_fused_10m.tif" --ratio 3
for m in gsa glp-hs glp-reg; do
  echo "$m against the ground truth:"
  "$bin" eval "$ex/hypsen_truth_10m.tif" "$out/hypsen_${m}_10m.tif" --ratio 3
done
echo "UAL without ground truth (no-reference score and QNR):"
"$bin" score "$out/hypsen_fused_10m.tif" --lr "$ex/hypsen_lr_hyperion_30m.tif" --msi "$ex/hypsen_msi_s2_10m.tif"
echo
echo "example.sh: output $out/hypsen_fused_10m.tif, report $out/hypsen_report.json, quicklook $out/hypsen_fused_rgb.png"
