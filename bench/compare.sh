#!/usr/bin/env bash
# The benchmark with its peers (sqlite3 CLI, jq, python3) in the same run, on the same files:
# builds the release binaries, then runs scimrecon-bench, which prints every figure and its
# ratio to the peers (median of 3 runs). Arguments are passed on: bench/compare.sh --quick
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product scimrecon >&2
swift build -c release --product scimrecon-bench >&2
exec .build/release/scimrecon-bench --compare "$@"
