#!/usr/bin/env bash
# bench/cuda_check.sh: build lib/, models/ and bench/cuda_check.cpp against a CUDA LibTorch on a machine with no GDAL
# (a GPU machine with PyTorch installed, whose wheel carries LibTorch's headers and libraries), then run the check.
#
#   bench/cuda_check.sh --prepare DIR   (here, with GDAL's Python: writes DIR/hypsen_truth.safetensors from
#                                        examples/hypsen and copies the fmt and nlohmann headers into DIR/include)
#   bench/cuda_check.sh --run DIR [OUT [SECTIONS]] (there: builds into DIR/build with g++ and runs; the log goes to
#                                        OUT; SECTIONS as bench/cuda_check.cpp says, default all)
#
# Torch's CMake package asks for a CUDA toolkit layout that pip wheels do not always have, so this compiles with
# g++ directly: the wheel's include/ and lib/, its C++ ABI flag, and libtorch_cuda linked --no-as-needed (otherwise
# nothing references it and LibTorch starts without CUDA).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-}
dir=${2:?usage: bench/cuda_check.sh --prepare DIR | --run DIR [OUT]}
case $mode in
  --prepare)
    mkdir -p "$dir/include"
    cp -r /usr/include/fmt /usr/include/nlohmann "$dir/include/"
    /usr/bin/python3 - "$here/examples/hypsen/hypsen_truth_10m.tif" "$dir/hypsen_truth.safetensors" <<'EOF'
import json, struct, sys
import numpy as np
from osgeo import gdal
ds = gdal.Open(sys.argv[1])
cube = ds.ReadAsArray().astype('<f4')
wl = [ds.GetRasterBand(b + 1).GetMetadataItem('wavelength') for b in range(ds.RasterCount)]
fwhm = [ds.GetRasterBand(b + 1).GetMetadataItem('fwhm') for b in range(ds.RasterCount)]
header = {'cube': {'dtype': 'F32', 'shape': list(cube.shape), 'data_offsets': [0, cube.nbytes]},
          '__metadata__': {'wavelengths': ','.join(wl), 'fwhm': ','.join(fwhm)}}
h = json.dumps(header).encode()
h += b' ' * (-len(h) % 8)
with open(sys.argv[2], 'wb') as f:
    f.write(struct.pack('<Q', len(h)) + h + cube.tobytes())
EOF
    echo "cuda_check: $dir ready" ;;
  --run)
    out=${3:-$dir}
    # TORCH_DIR, TORCH_LIB, TORCH_ABI and CUDA_LIBS override what the Python torch says (a dry run on a CPU LibTorch:
    # TORCH_DIR=/usr TORCH_LIB=/usr/lib/x86_64-linux-gnu TORCH_ABI=1 CUDA_LIBS=).
    torch_dir=${TORCH_DIR:-$(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))')}
    torch_lib=${TORCH_LIB:-$torch_dir/lib}
    abi=${TORCH_ABI:-$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')}
    cuda_libs=${CUDA_LIBS--ltorch_cuda -lc10_cuda}
    mkdir -p "$dir/build" "$out"
    flags=(-std=c++17 -O2 -fopenmp -D_GLIBCXX_USE_CXX11_ABI="$abi" -DFMT_HEADER_ONLY=1 -DHSIFUSE_HAVE_TORCH=1
           "-DHSIFUSE_SHARE_DIR=\"$here/share\"" "-DHSIFUSE_MODELS_DIR=\"$here/models/pretrained\""
           -I"$here" -I"$dir/include" -isystem "$torch_dir/include/torch/csrc/api/include")
    # (/usr/include, a system LibTorch's, must not be named again: it would break the C library's include_next.)
    [ "$torch_dir" = /usr ] || flags+=(-isystem "$torch_dir/include")
    sources=$(sed -n 's/^ *\([a-z]*\/[A-Za-z]*\.cpp\)$/lib\/\1/p' "$here/lib/CMakeLists.txt"
              sed -n 's/^ *\([A-Za-z]*\.cpp\)$/models\/\1/p' "$here/models/CMakeLists.txt"
              echo bench/cuda_check.cpp)
    echo "$sources" | xargs -P "$(nproc)" -I{} sh -c \
      'g++ "$@" -c "'"$here"'/{}" -o "'"$dir"'/build/$(echo {} | tr / _).o" || echo "FAILED {}"' _ "${flags[@]}" \
      2>&1 | tee "$out/build.log" | { grep -E "error|FAILED" || true; } | head -40
    grep -q FAILED "$out/build.log" && { echo "cuda_check: build failed ($out/build.log)"; exit 1; }
    g++ -fopenmp "$dir"/build/*.o -o "$dir/build/cuda_check" -L"$torch_lib" -Wl,-rpath,"$torch_lib" \
      -Wl,--no-as-needed $cuda_libs -Wl,--as-needed -ltorch -ltorch_cpu -lc10 2>&1 | tee -a "$out/build.log"
    command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"
    "$dir/build/cuda_check" "$dir/hypsen_truth.safetensors" "$here/models/pretrained/hypsen_hyperion128_s2a_s3.safetensors" \
      auto "${4:-all}" 2>&1 | tee "$out/cuda_check.md" ;;
  *) sed -n 2,8p "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
