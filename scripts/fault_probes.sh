#!/usr/bin/env bash
# scripts/fault_probes.sh: misuse, bad input and fault probes of the hsi-fuse binary (issue #14). Each probe runs one
# command in a scratch folder and asserts its exit code, a one-line message naming the option or file, inputs
# byte-identical afterwards (md5 before and after) and no file left behind but the expected outputs. Signals:
# SIGINT/SIGTERM mid-run must give exit 130 and leave nothing. Randomised cases: malformed response-curve CSVs,
# band lists, model sidecars and truncated rasters (none may crash: exit 1 or 2 only).
#
#   scripts/fault_probes.sh [--bin HSI_FUSE] [--keep]
#
# Prints one line per probe and the totals (79 probes); exits 1 when any probe failed. About a minute on 2 cores.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$here/build/cmd/hsi-fuse
keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift ;;
    --keep) keep=1 ;;
    -h|--help) sed -n 2,10p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fault_probes: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$bin" ] || { echo "fault_probes: $bin: no hsi-fuse binary; build first or pass --bin" >&2; exit 2; }
export OMP_WAIT_POLICY=PASSIVE
work=$(mktemp -d "${TMPDIR:-/tmp}/hsifuse-faults.XXXXXX")
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
ex=$here/examples/hypsen
cp "$ex/hypsen_lr_hyperion_30m.tif" lr.tif
cp "$ex/hypsen_msi_s2_10m.tif" msi.tif
cp "$ex/hypsen_truth_10m.tif" truth.tif
cp "$here/models/pretrained/hypsen_hyperion128_s2a_s3.safetensors" model.safetensors
cp "$here/models/pretrained/hypsen_hyperion128_s2a_s3.safetensors.json" model.safetensors.json
mkdir -p sub folder notes
echo mine > notes/readme.txt
ln -s lr.tif link.tif
mkfifo fifo.tif
# Larger cubes for the signal probes (so that eval and degrade are still running when the signal comes).
gdal_translate -q -outsize 400% 400% truth.tif big_truth.tif
inputs="lr.tif msi.tif truth.tif big_truth.tif model.safetensors model.safetensors.json"
checksum() { md5sum $inputs | md5sum | cut -c1-32; }
listing() { find . -mindepth 1 | sort; }
left_over() { comm -13 <(echo "$base_list") <(listing); }  # what a run added to the folder
base_sum=$(checksum)
base_list=$(listing)
pass=0
fail=0

report() {  # report OK NAME DETAIL
  if [ "$1" = 1 ]; then pass=$((pass + 1)); printf 'ok    %s\n' "$2"; else fail=$((fail + 1)); printf 'FAIL  %s: %s\n' "$2" "$3"; fi
}

# probe NAME RC NEEDLE ARGS...: runs hsi-fuse ARGS (quietly), expects exit RC, NEEDLE in the message (one line), inputs
# unchanged and the folder as before.
probe() {
  local name=$1 want=$2 needle=$3; shift 3
  local err rc
  err=$(timeout 120 "$bin" "$@" -q 2>&1 >/dev/null); rc=$?
  local why=""
  [ "$rc" = "$want" ] || why="exit $rc, expected $want"
  [ -z "$why" ] && [ -n "$needle" ] && ! grep -qF -- "$needle" <<< "$err" && why="message lacks '$needle': $err"
  [ -z "$why" ] && [ "$want" != 0 ] && [ "$(grep -c . <<< "$err")" != 1 ] && why="not one line: $err"
  [ -z "$why" ] && [ "$(checksum)" != "$base_sum" ] && why="an input changed"
  [ -z "$why" ] && [ "$(listing)" != "$base_list" ] && why="files left: $(left_over | tr '\n' ' ')"
  report "$([ -z "$why" ] && echo 1 || echo 0)" "$name" "$why"
  find . -mindepth 1 -newer "$work/lr.tif" -name 'out*' -delete 2>/dev/null
}

fuse="fuse lr.tif msi.tif"
srf="--srf sentinel2a"
# Data loss: every output onto an input or another output, with --overwrite.
probe "fuse OUTPUT = LR input" 2 "same file" $fuse lr.tif $srf --overwrite
probe "fuse OUTPUT = ./LR via a symlinked folder" 2 "same file" $fuse sub/../lr.tif $srf --overwrite
probe "fuse OUTPUT = symlink to LR" 2 "same file" $fuse link.tif $srf --overwrite
probe "fuse --report = MSI" 2 "same file" $fuse out.tif $srf --report msi.tif --overwrite
probe "fuse --report = OUTPUT" 2 "same file" $fuse out.tif $srf --report out.tif
probe "fuse --quicklook = LR" 2 "same file" $fuse out.tif $srf --quicklook lr.tif --overwrite
probe "fuse --kernel-out = --model" 2 "same file" $fuse out.tif $srf --model model.safetensors --kernel-out model.safetensors --overwrite
probe "fuse --model = OUTPUT" 2 "same file" $fuse model.safetensors $srf --model model.safetensors --overwrite
probe "subset onto itself" 2 "same file" subset lr.tif lr.tif --overwrite
probe "degrade --lr-out = input" 2 "same file" degrade truth.tif $srf --scale 3 --lr-out truth.tif --msi-out out_m.tif --overwrite
probe "degrade --lr-out = --msi-out" 2 "same file" degrade truth.tif $srf --scale 3 --lr-out out_x.tif --msi-out out_x.tif
probe "eval --per-band = reference" 2 "same file" eval truth.tif truth.tif --per-band truth.tif --overwrite
probe "info --p-out = input" 2 "same file" info lr.tif $srf --p-out lr.tif --overwrite
probe "train --out = a cube" 2 "same file" train truth.tif --out truth.tif $srf --bands-like lr.tif --overwrite
probe "score --train --out = cube" 2 "same file" score --train truth.tif --out truth.tif --overwrite
probe "fuse OUTPUT = folder" 2 "not a regular file" $fuse folder $srf --overwrite
probe "fuse OUTPUT = FIFO" 2 "not a regular file" $fuse fifo.tif $srf --overwrite
probe "fuse OUTPUT = /dev/null" 2 "not a regular file" $fuse /dev/null $srf --overwrite
probe "fuse OUTPUT exists, no --overwrite" 2 "already exists" $fuse truth.tif $srf --method gsa
# fuse --save-adaptation and apply (issue #15): the folder is an output too, apply's DIR and inputs are inputs.
probe "fuse --save-adaptation = folder holding the inputs" 2 "is or holds" $fuse out.tif $srf --save-adaptation . --overwrite
probe "fuse --save-adaptation = a folder it did not write" 2 "did not write" $fuse out.tif $srf --save-adaptation notes --overwrite
probe "fuse --save-adaptation with dip" 2 "--save-adaptation" $fuse out.tif $srf --method dip --save-adaptation out_dir
probe "apply DIR not saved by fuse" 2 "manifest.json" apply notes lr.tif msi.tif out.tif
probe "apply --block 3/2" 2 "--block" apply notes lr.tif msi.tif out.tif --block 3/2
# Code in a model file.
printf 'PK\003\004 pickle __setstate__ os.system' > out_evil.pt
cp model.safetensors.json out_evil.pt.json
base_list=$(listing)
probe "fuse --model PyTorch archive" 2 "PyTorch/zip archive" $fuse out.tif $srf --model out_evil.pt
rm -f out_evil.pt out_evil.pt.json
base_list=$(listing)
# Values checked where declared.
for bad in "--steps -5" "--ram nan" "--tile -7" "--patch -9" "--num-threads -1" "--fusion-lr nan" "--dip-width -3" \
           "--adapt-width 100000" "--scale -3" "--scale 2" "--adapt-lr inf" "--seed -2"; do
  probe "fuse $bad" 2 "${bad%% *}" $fuse out.tif $srf $bad
done
probe "fuse swapped inputs" 2 "swapped" fuse msi.tif lr.tif out.tif $srf
probe "fuse --srf with its value missing" 2 "--srf: its value is missing" $fuse out.tif --srf --method gsa
probe "train --scale 0" 2 "--scale" train truth.tif --out out.safetensors $srf --band-grid 31x450-700 --scale 0
probe "train --steps -5" 2 "--steps" train truth.tif --out out.safetensors $srf --band-grid 31x450-700 --steps -5
probe "train --patch 13 at s = 3" 2 "--patch" train truth.tif --out out.safetensors $srf --band-grid 31x450-700 --scale 3 --patch 13
probe "train --checkpoint-every 0" 2 "--checkpoint-every" train truth.tif --out out.safetensors $srf --band-grid 31x450-700 --checkpoint-every 0
probe "eval --q2n-block 0" 2 "--q2n-block" eval truth.tif truth.tif --q2n-block 0
probe "score --qnr-block 1" 2 "--qnr-block" score truth.tif --qnr-block 1
gdal_translate -q -of VRT -outsize 100000 100000 lr.tif huge.vrt
base_list=$(listing)
probe "eval of a 100000 x 100000 header" 2 "crop it first" eval huge.vrt huge.vrt
probe "score of a 100000 x 100000 header" 2 "crop it first" score huge.vrt
probe "degrade of a 100000 x 100000 header" 2 "values need" degrade huge.vrt $srf --scale 3 --lr-out l.tif --msi-out m.tif
probe "train on a 100000 x 100000 header" 2 "values need" train huge.vrt --out out.safetensors $srf --band-grid 31x450-700
gdal_translate -q -of VRT -outsize 300000 300000 msi.tif hugemsi.vrt
base_list=$(listing)
probe "fuse --ram 1e9 with 100000 x 100000 LR and 300000 x 300000 MSI headers" 2 "values need" fuse huge.vrt hugemsi.vrt out.tif $srf --ram 1e9
rm -f huge.vrt hugemsi.vrt
# Randomised response-curve CSVs, band tables and sidecars: exit 2 with the file named, never a crash.
RANDOM=7
for i in $(seq 1 12); do
  f=out_srf_$i.csv
  { echo "wavelength_nm,B1,B2"
    for w in 400 500 600 700; do
      case $((RANDOM % 6)) in
        0) echo "$w,nan,0.5" ;; 1) echo "$w,inf,0.5" ;; 2) echo "$w,0.5" ;; 3) echo "$w,-1e308,x" ;;
        4) echo "$((RANDOM % 3 - 1)),0.2,0.3" ;; *) echo "$w,0.5,0.5" ;;
      esac
    done; } > "$f"
  base_list=$(listing)
  err=$("$bin" fuse lr.tif msi.tif out.tif --srf "$f" --method gsa -q 2>&1 >/dev/null); rc=$?
  rm -f out.tif
  ok=1; { [ "$rc" = 1 ] || [ "$rc" = 2 ] || [ "$rc" = 0 ]; } || ok=0
  [ "$rc" != 0 ] && [ "$(grep -c . <<< "$err")" != 1 ] && ok=0
  report $ok "random SRF CSV $i (exit $rc)" "exit $rc: $err"
  rm -f "$f"
done
for spec in "0" "-5" "nan" "1e400" "400,-3" "abc"; do
  printf 'wavelength_nm,fwhm_nm\n' > out_wl.csv
  wl=${spec%%,*}; fw=10
  [ "$spec" != "$wl" ] && fw=${spec#*,}
  for b in $(seq 1 128); do echo "$wl,$fw" >> out_wl.csv; done
  base_list=$(listing)
  probe "band table with '$spec'" 2 "out_wl.csv" info lr.tif --wavelengths out_wl.csv
  rm -f out_wl.csv
done
for field in '"depth": 100000000' '"width": 1000000' '"width": -4' '"scale": 0' '"P": [[1e308]]' '"msi_bands": []'; do
  cp model.safetensors out_m.safetensors
  python3 - "$field" out_m.safetensors.json model.safetensors.json <<'PY'
import json, sys
key, value = sys.argv[1].split(":", 1)
j = json.load(open(sys.argv[3]))
j[key.strip().strip('"')] = json.loads(value)
json.dump(j, open(sys.argv[2], "w"))
PY
  base_list=$(listing)
  probe "sidecar $field" 2 "out_m.safetensors" $fuse out.tif $srf --method fusion-only --model out_m.safetensors
  rm -f out_m.safetensors out_m.safetensors.json
done
for cut in 100 4000 200000; do
  head -c "$cut" lr.tif > out_trunc.tif
  base_list=$(listing)
  err=$("$bin" fuse out_trunc.tif msi.tif out.tif $srf --method gsa -q 2>&1 >/dev/null); rc=$?
  ok=1; { [ "$rc" = 1 ] || [ "$rc" = 2 ]; } || ok=0
  [ -e out.tif ] && ok=0
  report $ok "truncated LR ($cut bytes, exit $rc)" "exit $rc: $err"
  rm -f out_trunc.tif out.tif
done
base_list=$(listing)
# Signals: Ctrl-C / SIGTERM mid-run give 130 and leave nothing. The signal goes once the process catches it and its
# progress (on stderr, through --progress) has reached STAGE, then DELAY seconds later: a fixed delay from the start
# missed a run that had already finished on a fast machine (fuse ual stops early after 100 steps, ~6 s here).
signal_probe() {  # signal_probe NAME SIGNAL STAGE DELAY ARGS...
  local name=$1 sig=$2 stage=$3 delay=$4; shift 4
  "$bin" "$@" -q --progress >/dev/null 2>progress.log &
  local pid=$!
  local bit; bit=$(kill -l "$sig")
  local ready=0
  for _ in $(seq 1200); do
    local caught; caught=$(sed -n 's/^SigCgt:\s*//p' "/proc/$pid/status" 2>/dev/null)
    [ -z "$caught" ] && break  # the process is gone
    (( (16#$caught >> (bit - 1)) & 1 )) && { [ -z "$stage" ] || grep -q "$stage" progress.log; } && { ready=1; break; }
    sleep 0.05
  done
  [ "$ready" = 1 ] && sleep "$delay"
  local t0; t0=$(date +%s.%N)
  kill -"$sig" "$pid" 2>/dev/null
  wait "$pid"; local rc=$?
  local took; took=$(echo "$(date +%s.%N) - $t0" | bc)
  rm -f progress.log
  local why=""
  [ "$ready" = 1 ] || why="the run never reached '$stage' (exit $rc)"
  [ -z "$why" ] && [ "$rc" != 130 ] && why="exit $rc"
  [ -z "$why" ] && [ "$(listing)" != "$base_list" ] && why="files left: $(left_over | tr '\n' ' ')"
  [ -z "$why" ] && [ "$(checksum)" != "$base_sum" ] && why="an input changed"
  report "$([ -z "$why" ] && echo 1 || echo 0)" "$name (stopped in ${took%???????} s)" "$why"
  # What a failed probe left must not fail the next ones.
  left_over | xargs -r rm -rf
}
signal_probe "fuse ual SIGINT" INT "adapt:" 0.5 $fuse out.tif $srf --steps 3000 --fit-noise
signal_probe "fuse ual SIGTERM" TERM "adapt:" 0.5 $fuse out.tif $srf --steps 3000 --fit-noise --report out.json
signal_probe "eval SIGINT" INT "" 0.3 eval big_truth.tif big_truth.tif --per-band out.csv
signal_probe "degrade SIGTERM" TERM "" 0.3 degrade big_truth.tif $srf --scale 3 --kernel aniso:61:12:4:30 --lr-out out_l.tif --msi-out out_m.tif
# A killed run's temporary is cleaned by the next run writing the same output.
touch .out.tif.tmp-999999-1.tif
"$bin" fuse lr.tif msi.tif out.tif $srf --method gsa -q >/dev/null 2>&1
[ -e .out.tif.tmp-999999-1.tif ] && report 0 "stale temporary removed" "still there" || report 1 "stale temporary removed"
rm -f out.tif .out.tif.tmp-*
echo "fault_probes: $pass passed, $fail failed ($work)"
[ "$fail" = 0 ]
