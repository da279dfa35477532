#!/usr/bin/env bash
# Builds the libFuzzer targets (swiftc -sanitize=fuzzer,address) against the SCIMKit sources and
# the parts of SCIMReconCore they exercise, seeds each corpus from the test fixtures (and from
# ../shared/testdata when it is beside the clone), and fuzzes.
#
#   Fuzz/run.sh                 # every target, 60 s each
#   Fuzz/run.sh 300 patch       # one target (filter-path, patch, log-record, time-spec), 300 s
#   FUZZ_BUILD_ONLY=1 Fuzz/run.sh
#
# A crash leaves crash-<sha1> in .build/fuzz/<target>/; replay it with
# `.build/fuzz/<target>/fuzz <file>` and turn it into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
only="${2:-}"
out=.build/fuzz
mkdir -p "$out"
flags=(-sanitize=fuzzer,address -parse-as-library -Onone -swift-version 6)

build_modules() {
    [ -f "$out/SCIMReconCore.o" ] && [ "$out/SCIMReconCore.o" -nt Sources/SCIMReconCore/Ingest/LineReader.swift ] && return
    echo "fuzz: building SCIMKit and the core's readers"
    swiftc "${flags[@]}" -wmo -module-name SCIMKit -emit-module -emit-module-path "$out/SCIMKit.swiftmodule" \
        -emit-object -o "$out/SCIMKit.o" $(find Sources/SCIMKit -name '*.swift')
    # The readers under test and what they need; the rest of the core (jobs, reports, Yams,
    # libxml2) stays out of the fuzz build.
    swiftc "${flags[@]}" -wmo -module-name SCIMReconCore -I "$out" -emit-module \
        -emit-module-path "$out/SCIMReconCore.swiftmodule" -emit-object -o "$out/SCIMReconCore.o" \
        Sources/SCIMReconCore/Ingest/{IngestError,LineReader,RequestPath,SCIMRequest,StableHash}.swift \
        Sources/SCIMReconCore/History/{Timestamp,TimeSpec}.swift Sources/SCIMReconCore/Store/StoreError.swift
}

# The repository's own SCIM fixtures, plus the shared examples when they are beside the clone.
seed_dirs=(Tests/SCIMKitTests/Fixtures)
if [ -d ../shared/testdata/scim-examples ]; then seed_dirs+=(../shared/testdata/scim-examples); fi

seed() {
    local target=$1 corpus=$2
    mkdir -p "$corpus"
    case $target in
    filter-path)
        { grep -rhoE '"(path|filter)": *"([^"\\]|\\.)*"' Tests "${seed_dirs[@]}" || true; } \
            | sed -E 's/^"(path|filter)": *"//; s/"$//; s/\\"/"/g' | sort -u | head -500 \
            | split -l 1 - "$corpus/seed-" ;;
    patch)
        find "${seed_dirs[@]}" -iname '*patch*.json' -exec cp {} "$corpus/" \;
        grep -h '"Operations"' samples/*/*.jsonl | sed -E 's/.*"request":(\{.*\}),"response".*/\1/' \
            | head -200 | split -l 1 - "$corpus/seed-" ;;
    log-record)
        for file in samples/*/*.jsonl; do head -c 65536 "$file" > "$corpus/$(basename "$file")"; done ;;
    time-spec)
        printf '%s\n' 2026-11-28T02:00:01.123Z 2026-11-28t02:00:01z 2026-11-28T02:00:01+02:00 \
            '2026-11-28 02:00:01Z' 2026-11-28T23:59:60Z 2026-11-01 90m 24h 7d 30d | split -l 1 - "$corpus/seed-" ;;
    esac
}

for target in filter-path patch log-record time-spec; do
    [ -n "$only" ] && [ "$only" != "$target" ] && continue
    build_modules
    file=$(echo "$target" | sed -E 's/(^|-)([a-z])/\U\2/g')Fuzz.swift
    dir="$out/$target"
    mkdir -p "$dir"
    swiftc "${flags[@]}" -I "$out" "Fuzz/Targets/$file" "$out/SCIMKit.o" "$out/SCIMReconCore.o" -o "$dir/fuzz" \
        2> >(grep -v 'Cannot export local symbol' >&2)
    [ -n "${FUZZ_BUILD_ONLY:-}" ] && continue
    seed "$target" "$dir/corpus"
    echo "fuzz: $target for ${seconds}s"
    (cd "$dir" && ./fuzz -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
        corpus 2>&1 | tee run.log | grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|==.*ERROR|SUMMARY)' || true)
    if ls "$dir"/crash-* >/dev/null 2>&1; then echo "fuzz: $target found a crash: $(ls "$dir"/crash-*)"; exit 1; fi
done
