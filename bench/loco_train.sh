#!/usr/bin/env bash
# bench/loco_train.sh: leave-one-cube-out training of a fusion module (issue #12 item 4). For each real cube that fits
# the setting, a module is trained (`hsi-fuse train --augment wide`) on the others but one, validated on that one (early
# stopping), and scored on the held-out cube's Wald pairs against GSA, GLP-HS (with the scene's kernel) and the shipped
# module: each as the first stage alone (--steps 0), PSNR (UAL's whole-cube) against the truth.
#
#   bench/loco_train.sh [--setting hypsen|cave] [--out DIR] [--bin HSI_FUSE] [--data DIR] [--steps N] [--threads N]
#                       [--final]
#
# hypsen: 128 Hyperion bands + Sentinel-2A, s = 3, the pairs of bench/first_stage_check.sh; cave: 31 bands 400-700 nm +
# Nikon D700, s = 8, two pairs per cube (defocus disk at 35 dB, UAL motion kernel 1 at 40 dB). --final: afterwards train
# the module on all the cubes (DIR/all.safetensors) for the folds' median best step. Prints HELD_OUT PAIR GSA GLP-HS
# GLP-REG SHIPPED LOCO per pair and a mean line; resumable (a fold's weights and a pair's line are kept).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
setting=hypsen
out=""
bin=$here/build/cmd/hsi-fuse
data=$here/../shared/data
steps=500
threads=1
final=0
while [ $# -gt 0 ]; do
  case $1 in
    --setting) setting=$2; shift ;;
    --out) out=$2; shift ;;
    --bin) bin=$2; shift ;;
    --data) data=$2; shift ;;
    --steps) steps=$2; shift ;;
    --threads) threads=$2; shift ;;
    --final) final=1 ;;
    -h|--help) sed -n 2,14p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "loco_train: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$bin" ] || { echo "loco_train: $bin: no hsi-fuse binary; build first or pass --bin" >&2; exit 2; }
[ -d "$data/hsi" ] || { echo "loco_train: $data/hsi: the shared data folder is missing; pass --data DIR" >&2; exit 2; }
out=${out:-$here/build/loco_$setting}
export OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=$threads
hsi=$data/hsi
msi_snr=40
mkdir -p "$out/pairs"
source "$here/bench/wald_pair.sh"
even_band_tables "$out"  # the cubes without a band table (bench/wald_pair.sh)
motion=$(ls "$data"/kernels/ual_motion_kernel_01_*.csv)
# The pairs: NAME CUBE_FILE KERNEL SNR [WAVELENGTHS]; a cube's first pair's truth (the cube in the setting's bands) is
# its training cube.
declare -A cube_file=(
  [paris]=$hsi/paris_eo1_hyperion_ali/hyperion_hs_72x72x128.tif
  [texas]=$hsi/aviris_texas_coast_abu_urban2/texas_coast_abu_urban2_100x100x198.tif
  [moffett]=$hsi/moffett_aviris/moffett_50x50x189.tif [cuprite]=$hsi/cuprite_aviris/cuprite_aviris_50x90x188.tif
  [hydice]=$hsi/hydice_urban_sub/hydice_urban_100x80x162.tif [salinas]=$hsi/salinasA_aviris/salinasA_83x86x224.tif
  [salton]=$hsi/salton_sea_aviris/salton_sea_aviris_51x56x224.tif [houston]=$hsi/houston2018_hs_rgb/houston2018_hs_128x128x48.tif
  [samson]=$hsi/samson/samson_95x95x156.tif)
wl_of() { case $1 in texas|moffett) echo "$out/wl_$1.csv" ;; esac; }
case $setting in
  hypsen)
    s=3 srf=sentinel2a bands=(--bands-like "$here/tests/data/hyperion_paris_16x16x128.tif") shipped=hypsen_hyperion128_s2a_s3
    cubes=(paris texas moffett cuprite hydice salinas salton)
    pairs_of() { case $1 in  # bench/first_stage_check.sh's pairs
      paris) echo "paris35 gauss:7:1.5 35" ;;
      texas) echo "texas40 aniso:9:1.6:0.8:30 40"; echo "texas30 aniso:9:1.6:0.8:30 30" ;;
      moffett) echo "moffett40 aniso:9:1.4:0.9:120 40"; echo "moffett30 gauss:7:1.5 30" ;;
      cuprite) echo "cuprite35 disk:9:2.5 35" ;; hydice) echo "hydice35 gauss:7:1.5 35" ;;
      salinas) echo "salinas35 $motion 35" ;; salton) echo "salton30 aniso:9:1.2:0.7:45 30" ;; esac; } ;;
  cave)
    s=8 srf=nikon_d700 bands=(--band-grid 31x400-700) shipped=cave31_nikon_d700_s8
    cubes=(houston salinas samson texas cuprite moffett salton)
    pairs_of() { echo "${1}_disk35 disk:17:6.8 35"; echo "${1}_motion40 $motion 40"; } ;;
  *) echo "loco_train: --setting: '$setting' is neither hypsen nor cave" >&2; exit 2 ;;
esac
for c in "${cubes[@]}"; do
  wl=$(wl_of "$c")
  while read -r name kernel snr; do
    (out=$out/pairs; prepare "$name" "$setting" "${cube_file[$c]}" "$kernel" "$snr" "$s" "$wl")
  done < <(pairs_of "$c")
done
truth_of() { echo "$out/pairs/$(pairs_of "$1" | head -1 | cut -d' ' -f1)/truth.tif"; }
train() {  # train NAME VALIDATION STEPS CUBE...
  local name=$1 validation=$2 n=$3; shift 3
  [ -f "$out/$name.safetensors" ] && return 0
  local list; list=$(IFS=,; echo "$*")
  "$bin" train "$list" ${validation:+--validation "$validation"} "${bands[@]}" --srf "$srf" --scale "$s" --stage1 gsa \
    --width 32 --augment wide --steps "$n" --decay-every 300 --lr 2e-4 --patch 48 --batch 8 --validate-every 50 \
    --num-threads "$threads" --seed 1 --out "$out/$name.safetensors" --overwrite --resume 2>> "$out/$name.log" ||
    { echo "loco_train: training $name failed (see $out/$name.log)" >&2; exit 1; }
}
psnr() {  # psnr PAIR [fuse options]
  local dir=$out/pairs/$1; shift
  "$bin" fuse "$dir/lr.tif" "$dir/msi.tif" "$out/tmp.tif" --srf "$srf" --overwrite -q --seed 1 --steps 0 "$@"
  truth_psnr "$dir/truth.tif" "$out/tmp.tif"
  rm -f "$out/tmp.tif"
}
touch "$out/results.txt"
for i in "${!cubes[@]}"; do
  held=${cubes[$i]} validation=${cubes[$(((i + 1) % ${#cubes[@]}))]}
  rest=()
  for c in "${cubes[@]}"; do [ "$c" != "$held" ] && [ "$c" != "$validation" ] && rest+=("$(truth_of "$c")"); done
  train "without_$held" "$(truth_of "$validation")" "$steps" "${rest[@]}"
  while read -r p _; do
    grep -q "^$held $p " "$out/results.txt" && continue
    g=$(psnr "$p" --stage1 gsa) l=$(psnr "$p" --stage1 glp-hs) r=$(psnr "$p" --stage1 glp-reg)
    m=$(psnr "$p" --stage1 model --model "$here/models/pretrained/$shipped.safetensors")
    x=$(psnr "$p" --stage1 model --model "$out/without_$held.safetensors")
    printf '%s %s %.2f %.2f %.2f %.2f %.2f\n' "$held" "$p" "$g" "$l" "$r" "$m" "$x" | tee -a "$out/results.txt"
  done < <(pairs_of "$held")
done
# The held-out gain a sidecar records (FusionModelInfo::heldOutGainDb, with "compared_with": ["gsa", "glp-hs",
# "glp-reg"]): the folds' mean PSNR minus the best of GSA's, GLP-HS's and GLP-REG's mean PSNR, each as the one fixed
# first stage a scene too small to score would get.
awk 'NF == 7 { g += $3; l += $4; r += $5; m += $6; x += $7; best = $3 > $4 ? $3 : $4; best = $5 > best ? $5 : best; w += ($7 > best); n++ }
  END { c = g > l ? g : l; c = r > c ? r : c
        printf "mean of %d pairs: GSA %.2f GLP-HS %.2f GLP-REG %.2f shipped %.2f leave-one-out %.2f; held-out gain %+.2f dB (above all three classical fusions on %d pairs)\n", n, g / n, l / n, r / n, m / n, x / n, (x - c) / n, w }' "$out/results.txt"
if [ "$final" = 1 ]; then
  # Each fold's best validation step (its log's "step N loss L validation V dB" lines), then their median.
  best=$(for c in "${cubes[@]}"; do
    awk '$1 == "step" && $5 == "validation" && (!seen || $6 > v) { v = $6; s = $2; seen = 1 } END { if (seen) print s }' "$out/without_$c.log"
  done | sort -n | awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : 0 }')
  [ "$best" -gt 0 ] || best=$steps
  all=(); for c in "${cubes[@]}"; do all+=("$(truth_of "$c")"); done
  train all "" "$best" "${all[@]}"
  echo "loco_train: $out/all.safetensors trained on all ${#cubes[@]} cubes for $best steps" >&2
fi
