#!/usr/bin/env bash
# scripts/slurm-local.sh: a one-node Slurm cluster on this machine (Debian's slurm-wlm and munge, private daemons on
# their own ports, socket and state folder), the two examples/slurm workflows run through it on small pairs, and
# their outputs checked against one-process runs:
#  - scene: examples/slurm/fuse_scene.sh on examples/hypsen with 4 blocks (--tile 18), mosaic compared byte for byte
#    with `hsi-fuse fuse` in one process (same options);
#  - archive: examples/slurm/fuse_archive.sh on 3 pairs cut from examples/hypsen, each output compared with its
#    one-process run; a second submission must skip all 3.
#
#   scripts/slurm-local.sh [--bin HSI_FUSE] [--install] [--keep]
#
# --install installs slurm-wlm and munge with apt-get when missing (as root, or through sudo). Without it, or when
# the daemons cannot start, it exits 77 with the reason (the test suite counts that as skipped). Exit 0: all checks
# passed; 1: a check failed. About a minute on 2 cores.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$here/build/cmd/hsi-fuse
install=0 keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift ;;
    --install) install=1 ;;
    --keep) keep=1 ;;
    -h|--help) sed -n 2,14p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "slurm-local: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
skip() { echo "slurm-local: skipped: $*" >&2; exit 77; }
[ -x "$bin" ] || { echo "slurm-local: $bin: no hsi-fuse binary; build first or pass --bin" >&2; exit 2; }
bin=$(realpath "$bin")
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  [ "$install" = 1 ] || skip "slurm-wlm or munge is not installed (run with --install, or apt-get install slurm-wlm munge)"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null || skip "apt-get could not install slurm-wlm munge"
fi
[ "$(id -u)" = 0 ] || skip "the private slurmd must run as root (it starts jobs as their users)"

work=$(mktemp -d "${TMPDIR:-/tmp}/hsifuse-slurm.XXXXXX")
pids=()
cleanup() {
  [ -n "${SLURM_CONF:-}" ] && scontrol shutdown >/dev/null 2>&1
  sleep 1
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  [ -f "$work/munged.pid" ] && kill "$(cat "$work/munged.pid")" 2>/dev/null
  [ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work"/{state,spool,cluster}
chmod 755 "$work"

# munge: a private key, daemon and socket.
mungekey -c -k "$work/munge.key" >/dev/null 2>&1 || dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 2>/dev/null
chmod 600 "$work/munge.key"
munged --force --key-file="$work/munge.key" --socket="$work/munge.sock" --pid-file="$work/munged.pid" \
  --log-file="$work/munged.log" --seed-file="$work/munged.seed" || skip "munged did not start ($(tail -1 "$work/munged.log" 2>/dev/null))"

# Slurm: controller and one node on free ports, no cgroups, no accounting.
port=$((20000 + RANDOM % 20000))
cpus=$(nproc)
mem=$(awk '/MemTotal/ {print int($2 / 1024 / 2)}' /proc/meminfo)
export SLURM_CONF=$work/slurm.conf
cat > "$SLURM_CONF" <<CONF
ClusterName=hsifuse
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
AuthType=auth/munge
AuthInfo=socket=$work/munge.sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
NodeName=localhost CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF" || skip "slurmctld did not start (see $work/slurmctld.log)"
slurmd -f "$SLURM_CONF" || skip "slurmd did not start (see $work/slurmd.log)"
for _ in $(seq 30); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo -h -o %T 2>/dev/null | grep -q idle || skip "the node did not come up ($(tail -1 "$work/slurmd.log"))"
echo "slurm-local: one-node cluster up ($(sinfo -h -o '%P %D %T %c CPUs'))"

export HSI_FUSE=$bin OMP_WAIT_POLICY=PASSIVE
ex=$here/examples/hypsen
fail=0
same() {  # same A B: byte-identical pixels (both rewritten as raw band-sequential ENVI)
  gdal_translate -q -of ENVI -co INTERLEAVE=BSQ "$1" "$work/a.img" && gdal_translate -q -of ENVI -co INTERLEAVE=BSQ "$2" "$work/b.img" &&
    cmp -s "$work/a.img" "$work/b.img"
}
wait_jobs() {  # wait_jobs ID...: until none is queued or running; then each must have COMPLETED
  for _ in $(seq 600); do [ -z "$(squeue -h -j "$(tr ' ' , <<< "$*")" 2>/dev/null)" ] && return 0; sleep 1; done
  return 1
}
check() { if [ "$1" = 0 ]; then echo "ok    $2"; else echo "FAIL  $2"; fail=1; fi; }

# The scene: adapt, 4 blocks, mosaic; against one process with the same options.
opts=(--srf sentinel2a --steps 40 --tile 18 --seed 1)
read -r a b m < <("$here/examples/slurm/fuse_scene.sh" "$ex/hypsen_lr_hyperion_30m.tif" "$ex/hypsen_msi_s2_10m.tif" \
  "$work/cluster/scene.tif" 4 "${opts[@]}")
"$bin" fuse "$ex/hypsen_lr_hyperion_30m.tif" "$ex/hypsen_msi_s2_10m.tif" "$work/one.tif" "${opts[@]}" -q
wait_jobs "$a" "$b" "$m"
check "$([ -f "$work/cluster/scene.tif" ] && same "$work/one.tif" "$work/cluster/scene.tif"; echo $?)" \
  "scene: jobs $a (adapt), $b (4 apply blocks), $m (mosaic); mosaic equals the one-process output"

# The archive: 3 pairs, then a resubmission that skips them all.
echo "lr,msi,out" > "$work/pairs.csv"
for i in 0 1 2; do
  gdal_translate -q -srcwin $((i * 4)) 0 12 12 "$ex/hypsen_lr_hyperion_30m.tif" "$work/lr$i.tif"
  gdal_translate -q -srcwin $((i * 12)) 0 36 36 "$ex/hypsen_msi_s2_10m.tif" "$work/msi$i.tif"
  echo "$work/lr$i.tif,$work/msi$i.tif,$work/cluster/pair$i.tif" >> "$work/pairs.csv"
done
job=$("$here/examples/slurm/fuse_archive.sh" "$work/pairs.csv" --srf sentinel2a --steps 20 --seed 1)
wait_jobs "$job"
for i in 0 1 2; do
  "$bin" fuse "$work/lr$i.tif" "$work/msi$i.tif" "$work/pair_one$i.tif" --srf sentinel2a --steps 20 --seed 1 -q
  check "$([ -f "$work/cluster/pair$i.tif" ] && same "$work/pair_one$i.tif" "$work/cluster/pair$i.tif"; echo $?)" \
    "archive: pair $((i + 1)) of 3 (job $job) equals its one-process output"
done
job=$("$here/examples/slurm/fuse_archive.sh" "$work/pairs.csv" --srf sentinel2a --steps 20 --seed 1)
wait_jobs "$job"
check "$([ "$(grep -l '^skipped' "$work"/pairs.logs/pair_*.log | wc -l)" = 3 ]; echo $?)" \
  "archive resubmitted (job $job): the 3 finished outputs are skipped"
[ "$fail" = 0 ] && echo "slurm-local: all checks passed" || echo "slurm-local: checks failed (logs: $work, --keep keeps them)"
exit $fail
