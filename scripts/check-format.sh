#!/usr/bin/env bash
# Fails when any C source or header tracked by git (or new and not ignored) differs from what
# clang-format makes of it; prints the files and the first lines of the difference.
set -euo pipefail
clang_format=${1:-clang-format}
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.c' '*.h' |
                     while read -r f; do [ -f "$f" ] && echo "$f"; done)
# One clang-format process checks every file; the per-file diffs are only made on failure.
if "$clang_format" --style=file --dry-run -Werror "${files[@]}" 2>/dev/null; then
    echo "format check: ${#files[@]} files"
    exit 0
fi
bad=0
for f in "${files[@]}"; do
    if ! diff -q <("$clang_format" --style=file "$f") "$f" >/dev/null; then
        echo "not formatted: $f (run: clang-format -i $f)"
        diff -u "$f" <("$clang_format" --style=file "$f") | head -20 || true
        bad=1
    fi
done
echo "format check: ${#files[@]} files"
exit $bad
