#!/usr/bin/python3
"""bench/mosaic_scene.py: a heterogeneous mosaic scene of real cubes, and a streaming PSNR (issue #15 item 4).

  mosaic_scene.py build OUT.tif AREA CUBE.tif [CUBE.tif ...]
      A (990 x 750) * sqrt(AREA) HR scene (AREA = 1, 4, 16: 990 x 750, 1980 x 1500, 3960 x 3000) of blocks of
      165 x 125 HR pixels, each block a different real cube (all on the same bands, e.g. the 128 Hyperion bands
      of degrade --resample-to), mirror-tiled from a random offset with a random flip and transpose, and scaled so
      that every cube has the same 99th percentile (0.5): the scene mixes sensors, land covers and radiometry.
      Every AREA draws its blocks from the same cubes in the same proportions (one seed per block position), so the
      sizes differ in extent, not in content mix. Written block row by block row (a 16x scene is 6 GB of Float32).
      The wavelengths and FWHM are copied from the first cube; made-up UTM georeferencing (10 m).

  mosaic_scene.py psnr TRUTH.tif FUSED.tif
      Whole-cube PSNR, 10 log10(peak^2 / MSE) with the truth's maximum as the peak, over the pixels where the
      fused cube holds data, read 256 rows at a time.
"""
import sys

import numpy as np
from osgeo import gdal, osr

BLOCK_W, BLOCK_H = 165, 125
BASE_W, BASE_H = 990, 750


def mirrored(cube, rows, cols, r0, c0):
    """cube (bands, h, w) mirror-repeated to cover rows x cols from offset (r0, c0)."""
    b, h, w = cube.shape
    ri = np.arange(r0, r0 + rows) % (2 * h)
    ri = np.where(ri < h, ri, 2 * h - 1 - ri)
    ci = np.arange(c0, c0 + cols) % (2 * w)
    ci = np.where(ci < w, ci, 2 * w - 1 - ci)
    return cube[:, ri][:, :, ci]


def build(out, area, paths):
    side = int(round(np.sqrt(area)))
    if side * side != area:
        sys.exit(f"mosaic_scene: AREA {area} is not a square (1, 4, 16, ...)")
    cubes = []
    for p in paths:
        c = gdal.Open(p).ReadAsArray().astype(np.float32)
        c = np.nan_to_num(c, nan=0.0)
        c *= 0.5 / max(np.percentile(c, 99), 1e-6)
        cubes.append(c)
    bands = cubes[0].shape[0]
    if any(c.shape[0] != bands for c in cubes):
        sys.exit("mosaic_scene: the cubes must have the same bands (resample them first)")
    w, h = BASE_W * side, BASE_H * side
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(out, w, h, bands, gdal.GDT_Float32, ["TILED=YES", "INTERLEAVE=BAND", "BIGTIFF=YES"])
    ds.SetGeoTransform((500000, 10, 0, 4000000 + 10 * h, 0, -10))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32615)
    ds.SetProjection(srs.ExportToWkt())
    src = gdal.Open(paths[0])
    ds.SetMetadata(src.GetMetadata())
    for k in range(bands):
        sb, db = src.GetRasterBand(k + 1), ds.GetRasterBand(k + 1)
        db.SetMetadata(sb.GetMetadata())
        db.SetDescription(sb.GetDescription())
        imagery = sb.GetMetadata("IMAGERY")
        if imagery:
            db.SetMetadata(imagery, "IMAGERY")
    rows_of_blocks, cols_of_blocks = h // BLOCK_H, w // BLOCK_W
    for bi in range(rows_of_blocks):
        strip = np.empty((bands, BLOCK_H, w), np.float32)
        for bj in range(cols_of_blocks):
            rng = np.random.default_rng(1000003 * bi + bj)
            c = cubes[rng.integers(len(cubes))]
            if rng.integers(2):
                c = c[:, :, ::-1]
            if rng.integers(2):
                c = c.transpose(0, 2, 1)
            r0, c0 = rng.integers(0, 2 * c.shape[1]), rng.integers(0, 2 * c.shape[2])
            strip[:, :, bj * BLOCK_W:(bj + 1) * BLOCK_W] = mirrored(c, BLOCK_H, BLOCK_W, r0, c0)
        ds.WriteArray(strip, 0, bi * BLOCK_H)
    ds = None


def psnr(truth, fused):
    t, f = gdal.Open(truth), gdal.Open(fused)
    if (t.RasterXSize, t.RasterYSize, t.RasterCount) != (f.RasterXSize, f.RasterYSize, f.RasterCount):
        sys.exit("mosaic_scene: the truth and the fused cube differ in size")
    nodata = f.GetRasterBand(1).GetNoDataValue()
    peak, sse, count = 0.0, 0.0, 0
    for r in range(0, t.RasterYSize, 256):
        n = min(256, t.RasterYSize - r)
        a = t.ReadAsArray(0, r, t.RasterXSize, n).astype(np.float64)
        b = f.ReadAsArray(0, r, t.RasterXSize, n).astype(np.float64)
        valid = np.isfinite(b) if nodata is None else (np.isfinite(b) & (b != nodata))
        peak = max(peak, float(a.max()))
        sse += float(((a - b)[valid] ** 2).sum())
        count += int(valid.sum())
    print(f"{10 * np.log10(peak * peak / (sse / count)):.3f}")


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "build":
        build(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    elif len(sys.argv) == 4 and sys.argv[1] == "psnr":
        psnr(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
