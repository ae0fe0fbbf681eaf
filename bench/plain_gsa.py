#!/usr/bin/python3
"""bench/plain_gsa.py: a plain, independent GSA for HSI + MSI fusion, written from
../shared/specs/metrics-and-quality.md section 3.2.1 (the Yokoya toolbox's band-grouped GSA), to compare
with `hsi-fuse fuse --method gsa` (issue #12 item 5). numpy + GDAL Python only (Debian: python3-numpy,
python3-gdal); nothing from the C++ code.

    bench/plain_gsa.py LR_HSI HR_MSI OUT [--lowpass bicubic|block]

Sampling phase: LR pixel i is centred on HR coordinate s*i + (s-1)/2 (the convention of `degrade`).
Up: bicubic (Keys, a = -0.5), borders clamped. Down (the pan's low-pass before the regression): an
antialiased bicubic (the cubic stretched by s, like MATLAB imresize) or the s x s block mean.
"""
import sys

import numpy as np
from osgeo import gdal


def cubic(t, a=-0.5):
    t = np.abs(t)
    return np.where(t <= 1, (a + 2) * t**3 - (a + 3) * t**2 + 1,
                    np.where(t < 2, a * t**3 - 5 * a * t**2 + 8 * a * t - 4 * a, 0.0))


def up_matrix(n, s):
    """(n*s) x n bicubic interpolation matrix, borders clamped."""
    m = np.zeros((n * s, n))
    for o in range(n * s):
        x = (o - (s - 1) / 2) / s  # HR position in LR pixel units
        base = int(np.floor(x))
        for k in range(base - 1, base + 3):
            m[o, min(max(k, 0), n - 1)] += cubic(x - k)
    return m


def down_matrix(n, s, lowpass):
    """n x (n*s) low-pass + decimation matrix, normalised rows."""
    m = np.zeros((n, n * s))
    for i in range(n):
        if lowpass == "block":
            m[i, i * s:(i + 1) * s] = 1.0
        else:
            centre = s * i + (s - 1) / 2
            for o in range(int(centre - 2 * s) - 1, int(centre + 2 * s) + 2):
                w = cubic((o - centre) / s)
                m[i, min(max(o, 0), n * s - 1)] += w
        m[i] /= m[i].sum()
    return m


def apply2(cube, rows, cols):
    """cube: B x h x w -> B x R x C with separable matrices rows (R x h) and cols (C x w)."""
    return np.einsum("rh,bhw,cw->brc", rows, cube, cols, optimize=True)


def read(path):
    ds = gdal.Open(path)
    return ds, ds.ReadAsArray().astype(np.float64).reshape(ds.RasterCount, ds.RasterYSize, ds.RasterXSize)


def main(argv):
    lowpass = "bicubic"
    if "--lowpass" in argv:
        i = argv.index("--lowpass")
        lowpass = argv[i + 1]
        del argv[i:i + 2]
    lr_path, msi_path, out_path = argv[1:4]
    lr_ds, y = read(lr_path)
    _, x = read(msi_path)
    nb, h, w = y.shape
    s = x.shape[1] // h
    uh, uw = up_matrix(h, s), up_matrix(w, s)
    dh, dw = down_matrix(h, s, lowpass), down_matrix(w, s, lowpass)
    up = apply2(y, uh, uw)
    x_lr = apply2(x, dh, dw)
    # 2. Group each HSI band with the MSI band it correlates with best on the LR grid.
    yc = y.reshape(nb, -1) - y.reshape(nb, -1).mean(1, keepdims=True)
    xc = x_lr.reshape(x.shape[0], -1) - x_lr.reshape(x.shape[0], -1).mean(1, keepdims=True)
    corr = (yc @ xc.T) / np.sqrt(np.outer((yc**2).sum(1), (xc**2).sum(1)) + 1e-300)
    group = corr.argmax(1)
    out = up.copy()
    for i in range(x.shape[0]):
        g = np.where(group == i)[0]
        if g.size == 0:
            continue
        # a. centred bands, HR and LR; b. centred pan on the LR grid.
        bh = up[g].reshape(g.size, -1)
        bl = y[g].reshape(g.size, -1)
        bh_mean = bh.mean(1, keepdims=True)
        bhc, blc = bh - bh_mean, bl - bl.mean(1, keepdims=True)
        pan = x[i].reshape(-1)
        pan_lr = x_lr[i].reshape(-1) - pan.mean()
        # c. pan_LR ~ sum alpha_k band_k,LR + alpha_0 (least squares with a constant term).
        a = np.vstack([blc, np.ones(blc.shape[1])]).T
        alpha = np.linalg.lstsq(a, pan_lr, rcond=None)[0]
        # d. intensity on the HR grid, centred; e. gains; f. detail injection.
        inten = alpha[:-1] @ bhc + alpha[-1]
        i0 = inten - inten.mean()
        gains = (bhc @ i0) / (i0 @ i0)
        detail = (pan - pan.mean()) - i0
        out[g] = (bhc + np.outer(gains, detail) + bh_mean).reshape(g.size, h * s, w * s)
    drv = gdal.GetDriverByName("GTiff")
    o = drv.Create(out_path, w * s, h * s, nb, gdal.GDT_Float32)
    for b in range(nb):
        o.GetRasterBand(b + 1).WriteArray(out[b].astype(np.float32))
    o = None


if __name__ == "__main__":
    main(sys.argv)
