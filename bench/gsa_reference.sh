#!/usr/bin/env bash
# bench/gsa_reference.sh: this project's GSA (`fuse --method gsa`) against an independent plain GSA written from the
# spec (bench/plain_gsa.py, numpy), on Wald pairs with and without a no-data corner (issue #12 item 5: a held-back
# campus scene with a no-data triangle outside the flight line put this GSA 3.7 dB behind a plain one).
# Cases: Houston CASI (48 bands) and ROSIS Pavia (102 bands), 31 bands + Nikon D700, s = 8, rotated anisotropic
# Gaussian, 40 dB; each as is, and with a corner triangle set to near-zero noise or exact zeros (the fill of a
# flight line's edge). The plain GSA runs with the bicubic low-pass for its regression and with the s x s block mean
# (this project's choice).
#
#   bench/gsa_reference.sh [--out DIR] [--bin HSI_FUSE] [--data DIR]
#
# Needs python3-numpy and python3-gdal (scripts/setup.sh --bench). Prints NAME METHOD PSNR SAM per line.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/build/gsa_reference
bin=$here/build/cmd/hsi-fuse
data=$here/../shared/data
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift ;;
    --bin) bin=$2; shift ;;
    --data) data=$2; shift ;;
    -h|--help) sed -n 2,12p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gsa_reference: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$bin" ] || { echo "gsa_reference: $bin: no hsi-fuse binary; build first or pass --bin" >&2; exit 2; }
[ -d "$data/hsi" ] || { echo "gsa_reference: $data/hsi: the shared data folder is missing; pass --data DIR" >&2; exit 2; }
py=/usr/bin/python3
"$py" -c "import numpy, osgeo" 2>/dev/null || { echo "gsa_reference: needs python3-numpy and python3-gdal (scripts/setup.sh --bench)" >&2; exit 2; }
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$out"
cd "$out"

# triangle.py SRC DST FRACTION AMPLITUDE: pixels with row/h + col/w < FRACTION set to |N(0, AMPLITUDE * max)|
cat > triangle.py <<'PY'
import sys
import numpy as np
from osgeo import gdal
src, dst, frac, amp = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
ds = gdal.Open(src)
a = ds.ReadAsArray().astype(np.float32)
b, h, w = a.shape
r, c = np.mgrid[0:h, 0:w]
tri = (r / h + c / w) < frac
a[:, tri] = np.abs(np.random.default_rng(0).normal(0, amp * a.max() + 1e-30, size=(b, int(tri.sum()))))
o = gdal.GetDriverByName("GTiff").Create(dst, w, h, b, gdal.GDT_Float32)
o.SetProjection(ds.GetProjection())
o.SetGeoTransform(ds.GetGeoTransform())
for d in ds.GetMetadataDomainList() or []:
    if d not in ("IMAGE_STRUCTURE", "DERIVED_SUBDATASETS"):
        o.SetMetadata(ds.GetMetadata(d), d)
for i in range(b):
    ib, ob = ds.GetRasterBand(i + 1), o.GetRasterBand(i + 1)
    ob.WriteArray(a[i])
    ob.SetDescription(ib.GetDescription())
    for d in ib.GetMetadataDomainList() or []:
        ob.SetMetadata(ib.GetMetadata(d), d)
o = None
PY

case_() {  # case_ NAME CUBE RESAMPLE FRACTION AMPLITUDE
  local name=$1 src=$2 rs=$3 frac=$4 amp=$5
  gdal_translate -q -a_srs EPSG:32615 -a_ullr 500000 4001000 501000 4000000 "$src" "$name-c0.tif"
  "$py" triangle.py "$name-c0.tif" "$name-cube.tif" "$frac" "$amp"
  "$bin" degrade "$name-cube.tif" --resample-to "$rs" --srf nikon_d700 --scale 8 --kernel aniso:17:3.5:1.5:60 --snr-db 40 \
    --seed 1 --lr-out "$name-lr.tif" --msi-out "$name-msi.tif" --truth-out "$name-truth.tif" -q --overwrite
  "$bin" fuse "$name-lr.tif" "$name-msi.tif" "$name-gsa.tif" --method gsa --srf nikon_d700 -q --overwrite
  "$py" "$here/bench/plain_gsa.py" "$name-lr.tif" "$name-msi.tif" "$name-plain.tif"
  "$py" "$here/bench/plain_gsa.py" "$name-lr.tif" "$name-msi.tif" "$name-plainblock.tif" --lowpass block
  for m in gsa plain plainblock; do
    "$bin" eval "$name-truth.tif" "$name-$m.tif" --assume-aligned --json -q |
      "$py" -c "import json, sys; j = json.load(sys.stdin); print('$name $m %.2f %.2f' % (j['psnr'], j['sam']))"
  done
}
hsi=$data/hsi
houston=$hsi/houston2018_hs_rgb/houston2018_hs_128x128x48.tif
pavia=$hsi/rosis_pavia_abu_beach4/pavia_abu_beach4_100x100x102.tif
{
  case_ houston "$houston" 31x400-700 0 0
  case_ houston-noise-corner "$houston" 31x400-700 0.6 1e-3
  case_ houston-zero-corner "$houston" 31x400-700 0.9 0
  case_ pavia "$pavia" 31x440-700 0 0
  case_ pavia-zero-corner "$pavia" 31x440-700 0.8 0
} | tee results.txt
