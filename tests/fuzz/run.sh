#!/usr/bin/env bash
# Runs every libFuzzer target for N seconds each (default 20) on its corpus, after replaying
# its regression inputs. Builds them first in build-fuzz/ (clang, ASan, UBSan).
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
# A crash stops the run (exit 1) and leaves the input in build-fuzz/findings/<target>/: fix the
# bug, then copy that input into tests/fuzz/regressions/<target>/ so it is replayed forever.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-20}"; shift || true
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=true
build="$here/build-fuzz"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCRM_FUZZ=ON -DCRM_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target fuzz_all -j "${JOBS:-$(nproc)}"
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=($(cd "$here/tests/fuzz" && ls *_fuzz.cc | sed 's/\.cc$//'))
fi
for t in "${targets[@]}"; do
  bin=$(find "$build" -type f -name "$t" -perm -u+x | head -n 1)
  [ -n "$bin" ] || { echo "fuzz: $t was not built" >&2; exit 1; }
  corpus="$build/corpus/$t"; findings="$build/findings/$t"
  mkdir -p "$corpus" "$findings"
  # The committed seeds start the corpus; what the fuzzer finds stays in build-fuzz.
  cp -n "$here/tests/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null || true
  regressions="$here/tests/fuzz/regressions/$t"
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    echo "== $t: replaying $(ls "$regressions" | wc -l) regression input(s)"
    "$bin" "$regressions"/* >"$findings/replay.log" 2>&1 || { cat "$findings/replay.log" >&2; exit 1; }
  fi
  echo "== $t: fuzzing for ${seconds}s"
  if ! "$bin" "$corpus" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$findings/" -print_final_stats=1 >"$findings/run.log" 2>&1; then
    tail -n 60 "$findings/run.log" >&2
    echo "fuzz: $t found a crash; the input is in $findings/" >&2
    exit 1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$findings/run.log" | sed "s/^/   /"
done
echo "fuzz: ${#targets[@]} target(s), no finding"
