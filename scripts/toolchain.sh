# Sourced by the other scripts: chooses the one Rust compiler used for both the
# server and the wasm bundle, and says how to build the wasm side.
#
# A machine whose rustup has the wasm32-unknown-unknown target (a typical
# laptop) builds with it. Otherwise we fall back to Debian's rustc-web, which
# ships the standard library's source, and build std for wasm ourselves
# (-Zbuild-std): RUSTC_BOOTSTRAP lets a stable compiler accept that flag.

roster_has_wasm_target() {
  command -v rustup >/dev/null 2>&1 &&
    rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}

if roster_has_wasm_target; then
  ROSTER_TOOLCHAIN=rustup
  ROSTER_LIB_CARGO_ARGS=()
else
  ROSTER_TOOLCHAIN=debian
  export PATH="/usr/bin:$PATH"
  export RUSTC=/usr/bin/rustc
  export RUSTC_BOOTSTRAP=1
  # One value, as cargo-leptos splits it into arguments itself.
  ROSTER_LIB_CARGO_ARGS=(--lib-cargo-args=-Zbuild-std=std,panic_abort)
fi

# For release builds of the wasm bundle (run.sh, bench.sh): with std built
# here, panics can abort without any formatting code (-25 KB or so). Debug
# builds keep readable panic messages. The variable replaces the wasm rustflags
# of .cargo/config.toml, so it repeats them.
roster_release_wasm_flags() {
  if [ "$ROSTER_TOOLCHAIN" = debian ]; then
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort"
  fi
}
export PATH="$HOME/.cargo/bin:$PATH"
if [ "$ROSTER_TOOLCHAIN" = debian ]; then export PATH="/usr/bin:$PATH"; fi
# wasm-opt at the version setup.sh pins, ahead of any other on the machine
# (Debian's binaryen 108 breaks the bundle).
export PATH="$HOME/.cache/roster/tools/node_modules/.bin:$PATH"

# The release build, as users run it (run.sh, test.sh, bench.sh): one wasm
# bundle (no --split: a first visit is a handful of requests, not a
# waterfall of chunks), optimised, precompressed. In a subshell, so that the
# release wasm flags do not reach later debug builds.
roster_release_build() {
  (
    roster_release_wasm_flags
    cargo leptos build --release --precompress "${ROSTER_LIB_CARGO_ARGS[@]}" "$@"
  )
}
