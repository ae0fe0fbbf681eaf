#!/usr/bin/env bash
# bench/side_by_side.sh: two hsi-fuse builds' default `fuse` (ual) on the same Wald pairs, alternating run by run, so
# that both see the same machine (issue #12: the default's run time on the 128-band s = 3 cases against an older build).
#
#   bench/side_by_side.sh --old OLD_HSI_FUSE [--new NEW_HSI_FUSE] [--pairs DIR] [--threads N] [--out DIR] [PAIR...]
#
# --pairs: a folder of Wald pairs (PAIR/lr.tif, msi.tif, truth.tif; default build/loco/pairs, made by
# bench/loco_train.sh or bench/first_stage_check.sh); PAIRs default to every pair in it. Prints PAIR OLD_S OLD_PSNR
# NEW_S NEW_PSNR per pair and the medians of the seconds. Wall seconds by GNU time; both with --seed 1.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
old=""
new=$here/build/cmd/hsi-fuse
pairs=$here/build/loco/pairs
threads=2
out=$here/build/side_by_side
while [ $# -gt 0 ]; do
  case $1 in
    --old) old=$2; shift ;;
    --new) new=$2; shift ;;
    --pairs) pairs=$2; shift ;;
    --threads) threads=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n 2,9p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "side_by_side: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
[ -x "$old" ] || { echo "side_by_side: --old: '$old' is not an hsi-fuse binary" >&2; exit 2; }
[ -x "$new" ] || { echo "side_by_side: --new: '$new' is not an hsi-fuse binary" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "side_by_side: /usr/bin/time (GNU time) is missing; run scripts/setup.sh --bench" >&2; exit 2; }
names=("$@")
[ ${#names[@]} -gt 0 ] || for d in "$pairs"/*/; do [ -f "$d/truth.tif" ] && names+=("$(basename "$d")"); done
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$out"
run() {  # run BIN PAIR TAG: prints "SECONDS PSNR"
  local dir=$pairs/$2
  /usr/bin/time -f "%e" -o "$out/$2.$3.time" "$1" fuse "$dir/lr.tif" "$dir/msi.tif" "$out/$2.$3.tif" \
    --srf "$(cat "$dir/srf" 2>/dev/null || echo sentinel2a)" --seed 1 --num-threads "$threads" -q --overwrite
  echo "$(tail -n 1 "$out/$2.$3.time") $("$new" eval "$dir/truth.tif" "$out/$2.$3.tif" --assume-aligned --json -q |
    sed -n 's/.*"psnr": *\([-0-9.eE+]*\).*/\1/p' | head -1)"
  rm -f "$out/$2.$3.tif"
}
: > "$out/results.txt"
for p in "${names[@]}"; do
  read -r os op < <(run "$old" "$p" old)
  read -r ns np < <(run "$new" "$p" new)
  printf '%s %.1f %.2f %.1f %.2f\n' "$p" "$os" "$op" "$ns" "$np" | tee -a "$out/results.txt"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
om=$(cut -d' ' -f2 "$out/results.txt" | median) nm=$(cut -d' ' -f4 "$out/results.txt" | median)
awk -v o="$om" -v n="$nm" 'END { printf "median seconds: old %.1f, new %.1f (new / old %.2f) over %d pairs\n", o, n, n / o, NR }' "$out/results.txt"
