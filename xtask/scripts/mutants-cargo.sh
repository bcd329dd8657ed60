#!/usr/bin/env bash
# The `cargo` that cargo-mutants runs for the generator's mutants (docs/reliability.md).
#
# The generator's passes are tested mostly by `intercom-tests` (snapshots of every fixture's
# output, the published description's warnings, overlays, located diagnostics), which
# cargo-mutants 27.1 does not run for a mutant in `intercom-generator` (its `--test-package`
# was not honoured in our runs). This adds that package, and those test binaries, to each
# `cargo test` it makes for the generator; every other command passes through unchanged.
set -euo pipefail
real="${MUTANTS_REAL_CARGO:-$(rustup which cargo)}"
args=()
widen=0
for arg in "$@"; do
  if [[ "$arg" == --package=intercom-generator@* ]]; then
    args+=("--package=intercom-generator" "--package=intercom-tests")
    widen=1
  else
    args+=("$arg")
  fi
done
if [[ $widen == 1 && "${1:-}" == test ]]; then
  args+=(--lib --test surface --test real_world --test overlays --test provenance)
fi
exec "$real" "${args[@]}"
