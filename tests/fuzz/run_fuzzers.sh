#!/usr/bin/env bash
# Builds every fuzz target with clang + libFuzzer (ASan + UBSan) and runs each for a while on a scratch copy of its
# corpus, so the seeds in tests/fuzz/corpus/ are never rewritten. New crashes are left in the build directory.
#
#   tests/fuzz/run_fuzzers.sh [seconds per target, default 20] [target name ...]
#   FUZZ_BUILD_DIR=build-fuzz  where to configure (kept between runs)
#   FUZZ_JOBS=1                parallel fuzzing processes per target
#
# Exit status: 0 when no target crashed, 1 otherwise (CI calls it briefly: tests/fuzz/run_fuzzers.sh 10).
set -euo pipefail

seconds="${1:-20}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
jobs="${FUZZ_JOBS:-1}"

if ! command -v clang++ >/dev/null; then
    echo "run_fuzzers: clang++ not found (Debian: apt-get install clang)" >&2
    exit 2
fi

if [ ! -f "$build/build.ninja" ]; then
    # -fsanitize=fuzzer-no-link gives every stage library coverage instrumentation, so libFuzzer sees inside the
    # parsers and not only inside the target's own file; b_sanitize adds ASan + UBSan everywhere.
    # -fno-sanitize=function: clang 14 cannot compile C++20 coroutines (the Asio code in forwarder/, providers/)
    # with UBSan's function check ("error: Cannot represent a difference across sections").
    CXX=clang++ CC=clang meson setup "$build" "$root" -Dfuzz=true -Dtests=true -De2e=false \
        -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized \
        "-Dcpp_args=-fsanitize=fuzzer-no-link -fno-sanitize=function"
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    # Every fuzz target the areas declared (tests/fuzz/<area>/meson.build), as meson knows them.
    mapfile -t targets < <(meson introspect "$build" --targets | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if t["type"] == "executable" and t["name"].endswith("_fuzz"):
        print(t["name"][:-len("_fuzz")])')
fi
if [ ${#targets[@]} -eq 0 ]; then
    echo "run_fuzzers: no fuzz target declared" >&2
    exit 2
fi

ninja -C "$build" $(for t in "${targets[@]}"; do echo "tests/fuzz/${t}_fuzz"; done)

failed=()
for t in "${targets[@]}"; do
    exe="$build/tests/fuzz/${t}_fuzz"
    work="$build/fuzz-work/$t"
    rm -rf "$work/corpus"
    mkdir -p "$work/corpus" "$work/artifacts"
    if [ -d "$root/tests/fuzz/corpus/$t" ]; then cp -r "$root/tests/fuzz/corpus/$t/." "$work/corpus/"; fi
    parallel=()
    if [ "$jobs" -gt 1 ]; then parallel=(-jobs="$jobs" -workers="$jobs"); fi
    echo "== $t: ${seconds}s on $(ls "$work/corpus" | wc -l) seeds"
    if ! (cd "$work" && "$exe" -max_total_time="$seconds" "${parallel[@]}" -print_final_stats=1 \
            -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log.txt" 2>&1); then
        failed+=("$t")
        tail -n 40 "$work/log.txt" >&2
        echo "== $t: CRASH; inputs in $work/artifacts/ (copy one to tests/fuzz/corpus/$t/ as a regression)" >&2
    else
        grep -E "stat::number_of_executed_units|cov:" "$work/log.txt" | tail -n 2 || true
        echo "== $t: ok"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "run_fuzzers: crashed: ${failed[*]}" >&2
    exit 1
fi
echo "run_fuzzers: ${#targets[@]} targets, no crash"
