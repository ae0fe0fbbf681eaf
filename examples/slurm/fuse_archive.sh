#!/usr/bin/env bash
# examples/slurm/fuse_archive.sh PAIRS.csv [fuse options...]
# An archive on a Slurm cluster: PAIRS.csv lists one pair per line, "LR_HSI,HR_MSI,OUTPUT" (a header line starting
# with "lr" is skipped), and each pair is one task of a job array running `hsi-fuse fuse --skip-existing`: an OUTPUT
# made from the same inputs and options is left alone, so a rerun does only what is missing or changed. Logs go beside
# PAIRS.csv (PAIRS.logs/). Prints the job id. HSI_FUSE and SBATCH_OPTIONS as in fuse_scene.sh.
set -euo pipefail
[ $# -ge 1 ] || { sed -n 2,7p "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
pairs=$(realpath "$1")
shift
n=$(grep -v '^lr' "$pairs" | grep -c .)
[ "$n" -gt 0 ] || { echo "fuse_archive: $pairs lists no pair" >&2; exit 2; }
logs=${pairs%.csv}.logs
mkdir -p "$logs"
read -r -a extra <<< "${SBATCH_OPTIONS:-}"
sbatch --parsable "${extra[@]}" --array=1-"$n" -o "$logs/pair_%a.log" "$here/fuse_pair.sbatch" "$pairs" "$@"
