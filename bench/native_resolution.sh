#!/usr/bin/env bash
# bench/native_resolution.sh: MSI bands of coarser native resolution (issue #13 item 2). A Wald pair from the example's
# truth (examples/hypsen: 128 Hyperion bands at 10 m; LR at s = 3, Gaussian 7 / 1.5, 35 dB; Sentinel-2A MSI at 40 dB),
# its MSI in five forms: all 11 bands sharp at 10 m (the reference); the same bands as Sentinel-2 delivers them (B5,
# B6, B7, B8A, B11, B12 as 2 x 2 block means, B1 as 6 x 6) brought back to 10 m bilinear, without and with their
# NATIVE_RESOLUTION band items; the same brought back by pixel replication (nearest, what the product reader does),
# with the items; and the four 10 m bands alone. PSNR (UAL's whole-cube) of GSA, GLP-HS and the default ual against
# the truth.
#
#   bench/native_resolution.sh [--out DIR] [--bin HSI_FUSE]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/build/native_resolution
bin=$here/build/cmd/hsi-fuse
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift ;;
    --bin) bin=$2; shift ;;
    -h|--help) sed -n 2,9p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "native_resolution: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$bin" ] || { echo "native_resolution: $bin: no hsi-fuse binary; build first or pass --bin" >&2; exit 2; }
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$out"
source "$here/bench/wald_pair.sh"
"$bin" degrade "$here/examples/hypsen/hypsen_truth_10m.tif" --srf sentinel2a --scale 3 --kernel gauss:7:1.5 --snr-db 35 \
  --msi-snr-db 40 --seed 1 --lr-out "$out/lr.tif" --msi-out "$out/msi_sharp.tif" --truth-out "$out/truth.tif" -q --overwrite
# The MSI as delivered: each coarse band block-averaged at its native pixel and brought back to 10 m.
/usr/bin/python3 - "$out" <<'PY'
import sys
import numpy as np
from osgeo import gdal
out = sys.argv[1]
native = {"B1": 60, "B5": 20, "B6": 20, "B7": 20, "B8A": 20, "B11": 20, "B12": 20}
src = gdal.Open(f"{out}/msi_sharp.tif")
gt = src.GetGeoTransform()
for name, meta, alg in (("msi_mixed", False, "bilinear"), ("msi_mixed_items", True, "bilinear"),
                        ("msi_mixed_nearest_items", True, "near")):
    dst = gdal.GetDriverByName("GTiff").CreateCopy(f"{out}/{name}.tif", src)
    for b in range(1, src.RasterCount + 1):
        band = dst.GetRasterBand(b)
        r = native.get(band.GetDescription(), 10) // 10
        if meta:
            band.SetMetadataItem("NATIVE_RESOLUTION", str(10 * r))
        if r == 1:
            continue
        a = src.GetRasterBand(b).ReadAsArray().astype(np.float64)
        h, w = a.shape
        coarse = a[: h // r * r, : w // r * r].reshape(h // r, r, w // r, r).mean(axis=(1, 3))
        mem = gdal.GetDriverByName("MEM").Create("", w // r, h // r, 1, gdal.GDT_Float32)
        mem.SetGeoTransform((gt[0], gt[1] * r, 0, gt[3], 0, gt[5] * r))
        mem.GetRasterBand(1).WriteArray(coarse)
        up = gdal.Translate("", mem, format="MEM", width=w, height=h, resampleAlg=alg)
        band.WriteArray(up.GetRasterBand(1).ReadAsArray())
    dst = None
PY
psnr() {  # psnr MSI METHOD [fuse options]
  local msi=$1 m=$2; shift 2
  "$bin" fuse "$out/lr.tif" "$out/$msi.tif" "$out/o.tif" --srf sentinel2a --method "$m" --seed 1 -q --overwrite "$@"
  truth_psnr "$out/truth.tif" "$out/o.tif"
}
printf '%-40s %8s %8s %8s\n' "MSI" gsa glp-hs ual
for v in "msi_sharp" "msi_mixed" "msi_mixed_items" "msi_mixed_nearest_items" "msi_sharp --msi-bands 2,3,4,8"; do
  read -r msi opts <<< "$v"
  printf '%-40s' "$v"
  for m in gsa glp-hs ual; do printf ' %8.2f' "$(psnr "$msi" "$m" $opts)"; done
  echo
done
rm -f "$out/o.tif"
