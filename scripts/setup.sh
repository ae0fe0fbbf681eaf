#!/usr/bin/env bash
# Installs the Debian packages hsi-fuse needs to build and test, and nothing else.
# Runs apt-get (update once, then install) only when a package is missing; says so either way.
# Works as root, or through sudo otherwise.
set -euo pipefail

packages=(
  build-essential cmake pkg-config        # compiler and build
  libgdal-dev gdal-bin                     # geo/: GDAL (gdalinfo is used by the tests as an independent reader)
  libproj-dev proj-bin                     # geo/: PROJ
  libtorch-dev                             # models/: LibTorch (CPU)
  libboost-program-options-dev             # cmd/: option parsing
  nlohmann-json3-dev libfmt-dev            # JSON reports, formatting
  libgtest-dev libgmock-dev googletest     # tests/
  libhdf4-alt-dev                          # tests/: the Hyperion L1R fixture (HDF4), written by tests/Hdf4Writer.cpp
  python3 bc                               # tests/: scripts/fault_probes.sh (sidecar edits, stop timings)
  python3-gdal                             # tests/: GDAL's COG validator (osgeo_utils)
)
# --bench adds what bench/ needs: Google Benchmark (microbenchmarks), the Orfeo ToolBox command-line
# applications (bench/protocol's side-by-side methods), GNU time (peak RSS per run) and gnuplot (its curve).
if [ "${1:-}" = "--bench" ]; then
  packages+=(libbenchmark-dev otb-bin time gnuplot-nox python3-numpy python3-gdal)  # numpy/GDAL: bench/plain_gsa.py
fi



missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: all ${#packages[@]} required Debian packages are installed; nothing to do."
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "setup.sh: ERROR: missing packages (${missing[*]}) and not root, and sudo is not available." >&2
  exit 1
fi

echo "setup.sh: installing ${#missing[@]} missing package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup.sh: done."
