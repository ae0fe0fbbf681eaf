#!/usr/bin/env bash
# HypSen-size end to end (issue "fuse" section 8): a 990 x 750 HR scene (the real EO-1 Hyperion Paris cube,
# 128 bands, mirrored and repeated; made-up UTM georeferencing), degraded with Wald's protocol to a 330 x 250
# LR HSI and an 11-band Sentinel-2A MSI (s = 3, 7x7 Gaussian sigma 1.5, 35/40 dB), then `fuse --method ual`
# with the shipped model; then the same with four times the area (1980 x 1500). Prints wall time, peak RSS,
# the report's per-stage seconds and PSNR against the scene.
#   bash bench/hypsen_scale.sh [WORKDIR] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-/tmp/hsifuse_hypsen_scale}
STEPS=${2:-1500}
CUBE=${HSIFUSE_SHARED:-../shared}/data/hsi/paris_eo1_hyperion_ali/hyperion_hs_72x72x128.tif
[ -f "$CUBE" ] || CUBE=examples/hypsen/hypsen_truth_10m.tif
BIN=build/cmd/hsi-fuse
mkdir -p "$W"
for size in "990 750" "1980 1500"; do
  set -- $size
  tag="${1}x${2}"
  build/bench/tiled_scene "$CUBE" "$W/truth_$tag.tif" "$1" "$2" >/dev/null
  "$BIN" degrade "$W/truth_$tag.tif" --srf sentinel2a --scale 3 --kernel gauss:7:1.5 --snr-db 35 --msi-snr-db 40 \
    --seed 1 --lr-out "$W/lr_$tag.tif" --msi-out "$W/msi_$tag.tif" --truth-out "$W/ref_$tag.tif" --overwrite -q
  /usr/bin/time -v "$BIN" fuse "$W/lr_$tag.tif" "$W/msi_$tag.tif" "$W/fused_$tag.tif" --srf sentinel2a --method ual \
    --steps "$STEPS" --report "$W/report_$tag.json" --overwrite -q 2> "$W/time_$tag.txt"
  wall=$(grep "Elapsed (wall clock)" "$W/time_$tag.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$W/time_$tag.txt" | awk '{print $NF}')
  psnr=$("$BIN" eval "$W/ref_$tag.tif" "$W/fused_$tag.tif" --json | python3 -c "import json,sys; print(round(json.load(sys.stdin)['psnr'], 2))")
  stages=$(python3 -c "import json; r=json.load(open('$W/report_$tag.json')); print(', '.join(f'{k} {v:.1f} s' for k, v in r['seconds'].items()), '| tiles', r['tiles']['count'], 'of', r['tiles']['tile'])")
  echo "$tag HR, 128 bands, $STEPS steps: wall $wall, peak RSS $((rss / 1024)) MB, PSNR $psnr dB; $stages"
done
