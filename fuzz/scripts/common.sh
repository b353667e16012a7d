# Shared by fuzz-long.sh and scripts/fuzz-smoke.sh (sourced).
# cargo-fuzz passes -Zsanitizer=address and -Cpasses=sancov-module, which need nightly features:
# on a stable toolchain RUSTC_BOOTSTRAP=1 unlocks them.
export RUSTC_BOOTSTRAP=1

# The largest input worth trying per target: binaries and archives need room, text parsers
# do not.
max_len_of() {
  case $1 in
    buildinfo|extract) echo 65536 ;;
    startup_sh|startup_fish|edit|release_index) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

# Seconds one input may take before libFuzzer calls it a hang. The startup simulation has a work
# budget: a pathological file takes up to ~1 s in a release build, which AddressSanitizer and
# a shared 2-core machine can stretch past 10 s; anything past 30 s is a real hang.
timeout_of() {
  case $1 in
    startup_sh|startup_fish) echo 30 ;;
    *) echo 10 ;;
  esac
}
