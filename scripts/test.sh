#!/usr/bin/env bash
# Builds Switchyard twice (normal, and with ASan + UBSan) and runs every test; prints "N passed, N failed" last.
#   scripts/test.sh                 everything (installs what the tests need first)
#   SUITES="unit integration" scripts/test.sh   only those meson suites
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test || { echo "0 passed, 1 failed"; exit 1; }
suites=${SUITES:-}
werror=${WERROR:-false}
status=0
scripts/build.sh build -Dwerror="$werror" || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
# Sanitizer build: unit and integration tests only (e2e daemons and fuzz corpora replay run in the normal build).
scripts/build.sh build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug -De2e=false \
  -Dwerror="$werror" || { echo "sanitizer build failed"; echo "0 passed, 1 failed"; exit 1; }

run() {  # dir, then meson test arguments
  local dir=$1; shift
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    meson test -C "$dir" --print-errorlogs "$@" || status=1
}
if [ -n "$suites" ]; then
  for s in $suites; do run build --suite "$s"; done
else
  run build --no-suite bench
fi
run build-asan --suite unit --suite integration --logbase asan
# The libFuzzer targets, briefly (clang; they also replay their corpora in the unit suite above).
rm -f build/fuzz.status
if [ -z "$suites" ] && command -v clang++ >/dev/null; then
  if FUZZ_BUILD_DIR="$PWD/build-fuzz" tests/fuzz/run_fuzzers.sh "${FUZZ_SECONDS:-5}" >build/fuzz.log 2>&1; then
    echo OK >build/fuzz.status
  else
    echo FAIL >build/fuzz.status; status=1; tail -20 build/fuzz.log
  fi
fi
python3 - "$@" <<'PY'
import json, pathlib
passed = failed = 0
for log in ["build/meson-logs/testlog.json", "build-asan/meson-logs/asan.json"]:
    p = pathlib.Path(log)
    if not p.exists():
        continue
    for line in p.read_text().splitlines():
        r = json.loads(line)
        if r["result"] in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r["result"] != "SKIP":
            failed += 1
            print("FAILED:", log.split("/")[0], r["name"])
fuzz = pathlib.Path("build/fuzz.status")
if fuzz.exists():
    if fuzz.read_text().strip() == "OK":
        passed += 1
    else:
        failed += 1
        print("FAILED: libFuzzer targets (build/fuzz.log)")
print(f"{passed} passed, {failed} failed")
PY
exit $status
