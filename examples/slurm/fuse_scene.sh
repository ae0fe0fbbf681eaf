#!/usr/bin/env bash
# examples/slurm/fuse_scene.sh LR_HSI HR_MSI OUTPUT BLOCKS [fuse options...]
# One scene on a Slurm cluster, in three jobs that wait for each other: the adaptation (one job: fuse
# --save-adaptation, no output written), BLOCKS blocks of the output (a job array of `hsi-fuse apply`), and the mosaic
# (gdalbuildvrt, then a tiled, compressed GeoTIFF at OUTPUT). Work files go to OUTPUT.parts/. Prints the three job ids.
# HSI_FUSE names the binary (default: hsi-fuse on PATH); SBATCH_OPTIONS adds options to every sbatch (partition,
# account, time). The blocks are whole rows of fuse's tiles (192 HR pixels unless --tile): a scene has at most as many
# blocks as rows of tiles.
set -euo pipefail
[ $# -ge 4 ] || { sed -n 2,9p "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
lr=$(realpath "$1") msi=$(realpath "$2") out=$(realpath -m "$3") blocks=$4
shift 4
parts=$out.parts
mkdir -p "$parts"
read -r -a extra <<< "${SBATCH_OPTIONS:-}"
adapt=$(sbatch --parsable "${extra[@]}" -o "$parts/adapt.log" "$here/adapt.sbatch" "$parts/adaptation" "$lr" "$msi" "$@")
apply=$(sbatch --parsable "${extra[@]}" --dependency=afterok:"$adapt" --array=1-"$blocks" -o "$parts/apply_%a.log" \
  "$here/apply.sbatch" "$parts/adaptation" "$lr" "$msi" "$parts" "$blocks")
mosaic=$(sbatch --parsable "${extra[@]}" --dependency=afterok:"$apply" -o "$parts/mosaic.log" \
  "$here/mosaic.sbatch" "$parts" "$out")
echo "$adapt $apply $mosaic"
