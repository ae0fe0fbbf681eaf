#!/usr/bin/env bash
# bench/first_stage_check.sh: is `fuse`'s per-scene first-stage choice (--stage1 auto, issue #12) the best of its
# candidates against the truth? HypSen-setting Wald pairs (128 Hyperion bands + Sentinel-2A, s = 3, LR noise 30-40 dB,
# MSI 40 dB) from every shared cube that reaches 2345 nm; each candidate alone (--steps 0 --stage1 gsa|glp-hs|model)
# and the choice, PSNR (UAL's whole-cube) against the truth.
#
#   bench/first_stage_check.sh [--out DIR] [--bin HSI_FUSE] [--data DIR]
#
# Prints NAME GSA GLP-HS MODEL CHOSEN CHOSEN_PSNR REGRET (dB below the best candidate). Resumable.
#
#   bench/first_stage_check.sh --grid DIR [--bin HSI_FUSE]
#
# The first stage alone (ual --steps 0, as --stage1 auto chooses it) on every case of a bench/protocol --grid
# folder whose GSA and GLP-HS rows exist: NAME CHOSEN PSNR GSA GLP-HS DIFF (PSNR minus the better of the two), then
# the mean DIFF and the cases more than 0.1 dB below, to DIR/first_stage.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/build/first_stage_check
bin=$here/build/cmd/hsi-fuse
data=$here/../shared/data
grid=""
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift ;;
    --bin) bin=$2; shift ;;
    --data) data=$2; shift ;;
    --grid) grid=$2; shift ;;
    -h|--help) sed -n 2,15p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "first_stage_check: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$bin" ] || { echo "first_stage_check: $bin: no hsi-fuse binary; build first or pass --bin" >&2; exit 2; }
export OMP_WAIT_POLICY=PASSIVE
if [ -n "$grid" ]; then
  [ -d "$grid/work" ] || { echo "first_stage_check: $grid: not a bench/protocol --grid folder" >&2; exit 2; }
  source "$here/bench/wald_pair.sh"
  : > "$grid/first_stage.txt"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  for d in "$grid"/work/*/; do
    d=${d%/}; name=$(basename "$d")
    [ -f "$grid/runs/${name}__gsa.csv" ] && [ -f "$grid/runs/${name}__glp-hs.csv" ] || continue
    srf=sentinel2a
    case $name in cave_*) srf=nikon_d700 ;; esac
    "$bin" fuse "$d/lr.tif" "$d/msi.tif" "$tmp/z.tif" --srf "$srf" --method ual --steps 0 --seed 1 --overwrite -q \
      --report "$tmp/z.json"
    chosen=$(sed -n 's/.*"chosen": *"\([a-z-]*\)".*/\1/p' "$tmp/z.json" | head -1)
    echo "$name $chosen $(truth_psnr "$d/truth.tif" "$tmp/z.tif") $(cut -d, -f8 "$grid/runs/${name}__gsa.csv")" \
      "$(cut -d, -f8 "$grid/runs/${name}__glp-hs.csv")"
  done | awk '{ b = ($4 > $5) ? $4 : $5; d = $3 - b; s += d; n++; if (d < -0.1) m++
               printf "%s %s %.2f %.2f %.2f %+.2f\n", $1, $2, $3, $4, $5, d }
             END { printf "%d cases: first stage alone %+.3f dB mean against the better of GSA and GLP-HS, %d more than 0.1 dB below\n", n, s / n, m }' |
    tee "$grid/first_stage.txt"
  exit 0
fi
[ -d "$data/hsi" ] || { echo "first_stage_check: $data/hsi: the shared data folder is missing; pass --data DIR" >&2; exit 2; }
hsi=$data/hsi
msi_snr=40
mkdir -p "$out"
touch "$out/results.txt"
source "$here/bench/wald_pair.sh"
even_band_tables "$out"  # the cubes without a band table (bench/wald_pair.sh)


psnr() {  # psnr NAME TAG [fuse options]
  local dir=$out/$1 tag=$2; shift 2
  "$bin" fuse "$dir/lr.tif" "$dir/msi.tif" "$dir/$tag.tif" --srf sentinel2a --overwrite -q --seed 1 --steps 0 \
    --report "$dir/$tag.json" "$@"
  truth_psnr "$dir/truth.tif" "$dir/$tag.tif"
  rm -f "$dir/$tag.tif"
}

check() {  # check NAME: one line of results.txt
  grep -q "^$1 " "$out/results.txt" && return 0
  local g l m a chosen
  g=$(psnr "$1" gsa --stage1 gsa)
  l=$(psnr "$1" glp --stage1 glp-hs)
  m=$(psnr "$1" model --stage1 model)
  a=$(psnr "$1" auto)
  chosen=$(sed -n 's/.*"chosen": *"\([a-z-]*\)".*/\1/p' "$out/$1/auto.json" | head -1)
  awk -v n="$1" -v g="$g" -v l="$l" -v m="$m" -v c="$chosen" -v a="$a" 'BEGIN {
    best = g; if (l > best) best = l; if (m > best) best = m
    printf "%s %.2f %.2f %.2f %s %.2f %.2f\n", n, g, l, m, c, a, best - a }' | tee -a "$out/results.txt"
}

motion=$(ls "$data"/kernels/ual_motion_kernel_01_*.csv)
prepare paris35 hypsen "$hsi/paris_eo1_hyperion_ali/hyperion_hs_72x72x128.tif" gauss:7:1.5 35 3
prepare texas40 hypsen "$hsi/aviris_texas_coast_abu_urban2/texas_coast_abu_urban2_100x100x198.tif" aniso:9:1.6:0.8:30 40 3 "$out/wl_texas.csv"
prepare texas30 hypsen "$hsi/aviris_texas_coast_abu_urban2/texas_coast_abu_urban2_100x100x198.tif" aniso:9:1.6:0.8:30 30 3 "$out/wl_texas.csv"
prepare moffett40 hypsen "$hsi/moffett_aviris/moffett_50x50x189.tif" aniso:9:1.4:0.9:120 40 3 "$out/wl_moffett.csv"
prepare moffett30 hypsen "$hsi/moffett_aviris/moffett_50x50x189.tif" gauss:7:1.5 30 3 "$out/wl_moffett.csv"
prepare cuprite35 hypsen "$hsi/cuprite_aviris/cuprite_aviris_50x90x188.tif" disk:9:2.5 35 3
prepare hydice35 hypsen "$hsi/hydice_urban_sub/hydice_urban_100x80x162.tif" gauss:7:1.5 35 3
prepare salinas35 hypsen "$hsi/salinasA_aviris/salinasA_83x86x224.tif" "$motion" 35 3
prepare salton30 hypsen "$hsi/salton_sea_aviris/salton_sea_aviris_51x56x224.tif" aniso:9:1.2:0.7:45 30 3
for c in paris35 texas40 texas30 moffett40 moffett30 cuprite35 hydice35 salinas35 salton30; do check $c; done
echo "first_stage_check: results in $out/results.txt (NAME GSA GLP-HS MODEL CHOSEN PSNR REGRET)" >&2
