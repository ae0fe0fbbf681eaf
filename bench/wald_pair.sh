# bench/wald_pair.sh, sourced by the bench scripts: a georeferenced Wald pair from a real cube.
#   prepare NAME SETTING CUBE KERNEL SNR S [WAVELENGTHS]
# writes $out/NAME/{lr,msi,truth}.tif and $out/NAME/srf, with $bin's degrade: SETTING "cave" (31 bands 400-700 nm,
# Nikon D700) or "hypsen" (the 128 Hyperion bands of the Paris cube, Sentinel-2A); the LR HSI's noise at SNR dB, the
# MSI's at $msi_snr dB when set (else noise-free), seed 1. Needs $out, $bin and $hsi (the shared hsi/ folder). Leaves
# a prepared pair alone.
#   even_band_tables DIR
# writes DIR/wl_texas.csv and DIR/wl_moffett.csv: --wavelengths tables for the two shared cubes without a band table
# (198 and 189 bands spread evenly over 400-2500 nm, an assumption).
#   truth_psnr TRUTH FUSED
# prints UAL's whole-cube PSNR of FUSED against TRUTH (the same grid), by $bin's eval.
prepare() {  # prepare NAME SETTING CUBE KERNEL SNR S [WAVELENGTHS]
  local name=$1 setting=$2 src=$3 kernel=$4 snr=$5 s=$6 wl=${7:-}
  local dir=$out/$name
  mkdir -p "$dir"
  [ -f "$dir/truth.tif" ] && return 0
  local w h; read -r w h < <(gdalinfo "$src" | sed -n 's/^Size is \([0-9]*\), \([0-9]*\)/\1 \2/p')
  gdal_translate -q -a_srs EPSG:32615 -a_ullr 500000 $((4000000 + 10 * h)) $((500000 + 10 * w)) 4000000 "$src" "$dir/cube.tif"
  local rs srf
  case $setting in
    cave) rs=31x400-700; srf=nikon_d700 ;;
    hypsen) rs=$hsi/paris_eo1_hyperion_ali/hyperion_hs_72x72x128.tif; srf=sentinel2a ;;
  esac
  echo "$srf" > "$dir/srf"
  "$bin" degrade "$dir/cube.tif" ${wl:+--wavelengths "$wl"} --resample-to "$rs" --srf "$srf" --scale "$s" --kernel "$kernel" \
    --snr-db "$snr" ${msi_snr:+--msi-snr-db "$msi_snr"} --seed 1 --lr-out "$dir/lr.tif" --msi-out "$dir/msi.tif" --truth-out "$dir/truth.tif" -q --overwrite
}


truth_psnr() {  # truth_psnr TRUTH FUSED
  "$bin" eval "$1" "$2" --assume-aligned --json -q | sed -n 's/.*"psnr": *\([-0-9.eE+]*\).*/\1/p' | head -1
}

even_bands() {  # even_bands N FILE: a --wavelengths CSV of N bands spread over 400-2500 nm
  awk -v n="$1" 'BEGIN { print "wavelength_nm,fwhm_nm"; for (i = 0; i < n; i++) printf "%.2f,%.2f\n", 400 + 2100 * i / (n - 1), 1.1 * 2100 / (n - 1) }' > "$2"
}
even_band_tables() {  # even_band_tables DIR
  even_bands 198 "$1/wl_texas.csv"
  even_bands 189 "$1/wl_moffett.csv"
}
