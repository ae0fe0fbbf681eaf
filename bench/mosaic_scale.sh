#!/usr/bin/env bash
# bench/mosaic_scale.sh: does fuse's cost follow the scene (issue #15 item 4)? A heterogeneous mosaic of seven real
# cubes (bench/mosaic_scene.py; every cube resampled to the 128 Hyperion bands) at 1x, 4x and 16x the HypSen area
# (990 x 750 HR pixels), degraded with Wald's protocol (Sentinel-2A, s = 3, 7 x 7 Gaussian sigma 1.5, LR 35 dB, MSI
# 40 dB, seed 1), then the default `fuse` (ual) with the same --ram at every size. Prints, per size: wall time,
# seconds per HR megapixel, peak RSS, the steps run and their visits per valid LR pixel, where the first stage was
# held, and the whole-cube PSNR against the truth.
#
#   bench/mosaic_scale.sh [--out DIR] [--bin HSI_FUSE] [--data DIR] [--areas "1 4 16"] [--ram MB]
#                         [--allocator glibc|jemalloc] [--threads N] [--fit-area LR_PIXELS]
#
# The pairs come from bench/first_stage_check.sh's prepared truths (run it first, or this script runs its
# preparation). --allocator jemalloc runs fuse with Debian's libjemalloc2 preloaded. Resumable: finished sizes are
# not run again (delete DIR/ALLOCATOR_AREA.txt to rerun one).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/build/mosaic_scale
bin=$here/build/cmd/hsi-fuse
data=$here/../shared/data
areas="1 4 16"
ram=4096
allocator=glibc
threads=0
fit_area=
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift ;;
    --bin) bin=$2; shift ;;
    --data) data=$2; shift ;;
    --areas) areas=$2; shift ;;
    --ram) ram=$2; shift ;;
    --allocator) allocator=$2; shift ;;
    --threads) threads=$2; shift ;;
    --fit-area) fit_area=$2; shift ;;
    -h|--help) sed -n 2,15p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "mosaic_scale: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$bin" ] || { echo "mosaic_scale: $bin: no hsi-fuse binary; build first or pass --bin" >&2; exit 2; }
preload=
case $allocator in
  glibc) ;;
  jemalloc)
    preload=$(ls /usr/lib/*/libjemalloc.so.2 2>/dev/null | head -1)
    [ -n "$preload" ] || { echo "mosaic_scale: libjemalloc.so.2 not found; apt-get install libjemalloc2" >&2; exit 2; } ;;
  *) echo "mosaic_scale: --allocator must be glibc or jemalloc" >&2; exit 2 ;;
esac
export OMP_WAIT_POLICY=PASSIVE
truths=$here/build/first_stage_check
cubes="paris35 texas40 moffett40 cuprite35 hydice35 salinas35 salton30"
for c in $cubes; do
  [ -f "$truths/$c/truth.tif" ] && continue
  echo "mosaic_scale: preparing the resampled cubes with bench/first_stage_check.sh" >&2
  bash "$here/bench/first_stage_check.sh" --out "$truths" --bin "$bin" --data "$data" >&2
  break
done
mkdir -p "$out"
for a in $areas; do
  result=$out/${allocator}_$a.txt
  if [ -f "$result" ]; then cat "$result"; continue; fi
  dir=$out/area$a
  mkdir -p "$dir"
  if [ ! -f "$dir/msi.tif" ]; then
    /usr/bin/python3 "$here/bench/mosaic_scene.py" build "$dir/truth.tif" "$a" $(for c in $cubes; do echo "$truths/$c/truth.tif"; done)
    "$bin" degrade "$dir/truth.tif" --srf sentinel2a --scale 3 --kernel gauss:7:1.5 --snr-db 35 --msi-snr-db 40 --seed 1 \
      --lr-out "$dir/lr.tif" --msi-out "$dir/msi.tif" -q --overwrite
  fi
  env ${preload:+LD_PRELOAD=$preload} /usr/bin/time -v "$bin" fuse "$dir/lr.tif" "$dir/msi.tif" "$dir/fused.tif" \
    --srf sentinel2a --ram "$ram" --num-threads "$threads" ${fit_area:+--fit-area "$fit_area"} --report "$dir/report.json" --overwrite -q \
    2> "$dir/time_$allocator.txt"
  wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$dir/time_$allocator.txt")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/time_$allocator.txt")
  faults=$(sed -n 's/.*Minor (reclaiming a frame) page faults: //p' "$dir/time_$allocator.txt")
  psnr=$(/usr/bin/python3 "$here/bench/mosaic_scene.py" psnr "$dir/truth.tif" "$dir/fused.tif")
  /usr/bin/python3 - "$dir/report.json" "$a" "$wall" "$rss" "$faults" "$psnr" "$allocator" <<'EOF' | tee "$result"
import json, sys
report, area, wall, rss, faults, psnr, allocator = sys.argv[1:]
r = json.load(open(report))
parts = wall.split(":")
seconds = sum(float(p) * 60 ** i for i, p in enumerate(reversed(parts)))
w = r["hr_window"] if "hr_window" in r else None
mp = 990 * 750 * int(area) / 1e6
a = r.get("adaptation", {})
held = r["tiles"].get("first_stage", {}).get("held", "-")
fit = r.get("fit_area", {}).get("lr_window")
fitted = f"fitted on {fit[2]} x {fit[3]} LR pixels" if fit else "fitted on the whole scene"
print(f"{area}x {allocator}: {mp:.2f} MP, wall {seconds:.0f} s ({seconds / mp:.0f} s/MP), peak RSS {int(rss) / 1024:.0f} MiB, "
      f"{int(faults) / 1e6:.2f} M minor faults, steps {a.get('steps')} of {a.get('step_budget')} "
      f"({a.get('visits_per_pixel', 0):.1f} visits/pixel, kept {a.get('kept_step')}), {fitted}, first stage in {held}, "
      f"chosen {r.get('first_stage', {}).get('chosen', '-')}, PSNR {psnr} dB; "
      + ", ".join(f"{k} {v:.0f} s" for k, v in r["seconds"].items()))
EOF
done
