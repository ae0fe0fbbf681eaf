#!/usr/bin/env bash
# bench/loco_train.sh: leave-one-cube-out training of the HypSen fusion module (issue #12 item 4). For each real cube
# that reaches 2345 nm, a module is trained (`hsi-fuse train --augment wide`) on the others but one, validated on that
# one (early stopping), and scored on the held-out cube's Wald pairs of bench/first_stage_check.sh against GSA, GLP-HS
# and the shipped module: each as the first stage alone (--steps 0), PSNR (UAL's whole-cube) against the truth.
#
#   bench/loco_train.sh [--out DIR] [--bin HSI_FUSE] [--pairs DIR] [--steps N] [--threads N] [--final]
#
# --pairs: the output folder of bench/first_stage_check.sh (its pairs and results.txt; default build/first_stage_check).
# --final: afterwards train the module on all the cubes (DIR/all.safetensors), for as many steps as the folds' median
# best step. Prints HELD_OUT PAIR GSA GLP-HS SHIPPED LOCO and a mean line; resumable (a fold's weights are kept).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/build/loco
bin=$here/build/cmd/hsi-fuse
pairs=$here/build/first_stage_check
steps=900
threads=1
final=0
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift ;;
    --bin) bin=$2; shift ;;
    --pairs) pairs=$2; shift ;;
    --steps) steps=$2; shift ;;
    --threads) threads=$2; shift ;;
    --final) final=1 ;;
    -h|--help) sed -n 2,12p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "loco_train: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$bin" ] || { echo "loco_train: $bin: no hsi-fuse binary; build first or pass --bin" >&2; exit 2; }
[ -f "$pairs/results.txt" ] || { echo "loco_train: $pairs: no Wald pairs; run bench/first_stage_check.sh first or pass --pairs" >&2; exit 2; }
export OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=$threads
mkdir -p "$out"
# One training cube per real cube (the truth of its first pair: the cube in the 128 Hyperion bands) and its pairs.
cubes=(paris texas moffett cuprite hydice salinas salton)
pairs_of() { case $1 in paris) echo paris35 ;; texas) echo texas40 texas30 ;; moffett) echo moffett40 moffett30 ;;
  cuprite) echo cuprite35 ;; hydice) echo hydice35 ;; salinas) echo salinas35 ;; salton) echo salton30 ;; esac; }
truth_of() { set -- $(pairs_of "$1"); echo "$pairs/$1/truth.tif"; }
train() {  # train NAME VALIDATION STEPS CUBE...
  local name=$1 validation=$2 n=$3; shift 3
  [ -f "$out/$name.safetensors" ] && return 0
  local list; list=$(IFS=,; echo "$*")
  "$bin" train "$list" ${validation:+--validation "$validation"} --bands-like "$here/tests/data/hyperion_paris_16x16x128.tif" \
    --srf sentinel2a --scale 3 --stage1 gsa --width 32 --augment wide --steps "$n" --decay-every 300 --lr 2e-4 \
    --patch 48 --batch 8 --validate-every 50 --num-threads "$threads" --seed 1 --out "$out/$name.safetensors" \
    --overwrite 2> "$out/$name.log" || { echo "loco_train: training $name failed (see $out/$name.log)" >&2; exit 1; }
}
psnr() {  # psnr PAIR [fuse options]
  local dir=$pairs/$1; shift
  "$bin" fuse "$dir/lr.tif" "$dir/msi.tif" "$out/tmp.tif" --srf sentinel2a --overwrite -q --seed 1 --steps 0 "$@"
  "$bin" eval "$dir/truth.tif" "$out/tmp.tif" --assume-aligned --json -q | sed -n 's/.*"psnr": *\([-0-9.eE+]*\).*/\1/p' | head -1
  rm -f "$out/tmp.tif"
}
touch "$out/results.txt"
for i in "${!cubes[@]}"; do
  held=${cubes[$i]} validation=${cubes[$(((i + 1) % ${#cubes[@]}))]}
  rest=()
  for c in "${cubes[@]}"; do [ "$c" != "$held" ] && [ "$c" != "$validation" ] && rest+=("$(truth_of "$c")"); done
  train "without_$held" "$(truth_of "$validation")" "$steps" "${rest[@]}"
  for p in $(pairs_of "$held"); do
    grep -q "^$held $p " "$out/results.txt" && continue
    read -r _ g l m _ < <(grep "^$p " "$pairs/results.txt")
    loco=$(psnr "$p" --stage1 model --model "$out/without_$held.safetensors")
    echo "$held $p $g $l $m $loco" | tee -a "$out/results.txt"
  done
done
awk '{ g += $3; l += $4; m += $5; x += $6; best = $3 > $4 ? $3 : $4; w += ($6 > best); n++ }
  END { printf "mean of %d pairs: GSA %.2f GLP-HS %.2f shipped %.2f leave-one-out %.2f (above both classical on %d)\n", n, g / n, l / n, m / n, x / n, w }' "$out/results.txt"
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
