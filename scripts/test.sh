#!/usr/bin/env bash
# The README's test command: installs what is missing, builds c8s twice (the plain gcc build that
# deploy/ uses, and the clang ASan+UBSan build with fuzz targets that the tests use), then runs
# every test with ctest. Extra arguments go to ctest (e.g. -L unit, -R store).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DC8S_TESTS=OFF >/dev/null
cmake --build build -j"$jobs"

cmake -S . -B build-test -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DC8S_SANITIZE=ON \
      -DC8S_FUZZ=ON -DC8S_TESTS=ON >/dev/null
cmake --build build-test -j"$jobs"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd build-test
ctest --output-on-failure -j"$jobs" "$@"
