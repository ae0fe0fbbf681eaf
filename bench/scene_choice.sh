#!/usr/bin/env bash
# bench/scene_choice.sh: the per-scene choices of `fuse --method ual` (issue #12) on held-back Wald pairs that no
# shipped model saw in training and whose kernels were not tuned to: AVIRIS Texas Coast urban, Moffett Field and
# Cuprite, and Houston CASI, with a defocus disk, rotated anisotropic Gaussians and a motion kernel at s = 3 and 8.
# For each case: GSA, GLP-HS, the chosen first stage alone (--steps 0) and the default ual, PSNR/SAM against the
# truth, the choice (first stage, kernel start, steps run / kept) and the time. A second binary (--old BIN) adds
# the default ual of an earlier build side by side.
#
#   bench/scene_choice.sh [--out DIR] [--bin HSI_FUSE] [--old HSI_FUSE] [--data DIR]
#
# Texas Coast and Moffett carry no band table: their bands are spread evenly over 400-2500 nm (an assumption that
# only shapes the simulated truth). Resumable: a result line already in DIR/results.txt is not run again.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/build/scene_choice
bin=$here/build/cmd/hsi-fuse
old=""
data=$here/../shared/data
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift ;;
    --bin) bin=$2; shift ;;
    --old) old=$2; shift ;;
    --data) data=$2; shift ;;
    -h|--help) sed -n 2,12p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scene_choice: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$bin" ] || { echo "scene_choice: $bin: no hsi-fuse binary; build first or pass --bin" >&2; exit 2; }
[ -d "$data/hsi" ] || { echo "scene_choice: $data/hsi: the shared data folder is missing; pass --data DIR" >&2; exit 2; }
export OMP_WAIT_POLICY=PASSIVE
hsi=$data/hsi
mkdir -p "$out"
touch "$out/results.txt"


# prepare NAME SETTING CUBE KERNEL SNR S [WAVELENGTHS] (bench/wald_pair.sh)
source "$here/bench/wald_pair.sh"
even_band_tables "$out"  # the cubes without a band table (bench/wald_pair.sh)

run() {  # run NAME TAG BIN [fuse options]: one line of results.txt
  local name=$1 tag=$2 b=$3; shift 3
  local dir=$out/$name
  grep -q "^$name $tag " "$out/results.txt" && return 0
  local t0 t1; t0=$(date +%s.%N)
  "$b" fuse "$dir/lr.tif" "$dir/msi.tif" "$dir/$tag.tif" --srf "$(cat "$dir/srf")" --overwrite -q --seed 1 --report "$dir/$tag.json" "$@"
  t1=$(date +%s.%N)
  local j; j=$("$bin" eval "$dir/truth.tif" "$dir/$tag.tif" --assume-aligned --json -q)
  local psnr sam
  psnr=$(sed -n 's/.*"psnr": *\([-0-9.eE+]*\).*/\1/p' <<< "$j" | head -1)
  sam=$(sed -n 's/.*"sam": *\([-0-9.eE+]*\).*/\1/p' <<< "$j" | head -1)
  local choice; choice=$(python3 - "$dir/$tag.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
a = r.get("adaptation", {})
print(r.get("first_stage", {}).get("chosen", "-"), r.get("kernel_choice", {}).get("chosen", "-"),
      a.get("steps", "-"), a.get("kept_step", "-"))
PY
)
  printf "%s %s %.2f %.2f %.0f %s\n" "$name" "$tag" "$psnr" "$sam" "$(echo "$t1 - $t0" | bc)" "$choice" | tee -a "$out/results.txt"
  rm -f "$dir/$tag.tif"
}

motion=$(ls "$data"/kernels/ual_motion_kernel_01_*.csv)
prepare e1 cave "$hsi/aviris_texas_coast_abu_urban2/texas_coast_abu_urban2_100x100x198.tif" disk:17:7 35 8 "$out/wl_texas.csv"
prepare e2 hypsen "$hsi/aviris_texas_coast_abu_urban2/texas_coast_abu_urban2_100x100x198.tif" aniso:9:1.6:0.8:30 40 3 "$out/wl_texas.csv"
prepare e3 cave "$hsi/houston2018_hs_rgb/houston2018_hs_128x128x48.tif" aniso:17:3.5:1.5:60 40 8
prepare e4 hypsen "$hsi/moffett_aviris/moffett_50x50x189.tif" aniso:9:1.4:0.9:120 40 3 "$out/wl_moffett.csv"
prepare e5 hypsen "$hsi/cuprite_aviris/cuprite_aviris_50x90x188.tif" disk:9:2.5 35 3
prepare e6 cave "$hsi/houston2018_hs_rgb/houston2018_hs_128x128x48.tif" "$motion" 40 8
for e in e1 e2 e3 e4 e5 e6; do
  run $e gsa "$bin" --method gsa
  run $e glp-hs "$bin" --method glp-hs
  run $e stage1 "$bin" --steps 0
  run $e ual "$bin"
  [ -n "$old" ] && run $e ual-old "$old"
done
echo "scene_choice: results in $out/results.txt (NAME TAG PSNR SAM SECONDS FIRST_STAGE KERNEL STEPS KEPT)" >&2
