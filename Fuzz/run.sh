#!/bin/sh
# Builds one libFuzzer target with AddressSanitizer and runs it for a while.
#   sh Fuzz/run.sh FuzzImageDecoding|FuzzModelLoading|FuzzLineData|FuzzSpellingTable|FuzzRecognition [SECONDS]
# Seeds come from Fuzz/seeds/TARGET (committed); what the fuzzer finds goes to
# .build-fuzz/corpus/TARGET, and a crashing input to .build-fuzz/crash-* (add it to the seeds and
# a regression test once fixed).
set -e
target=${1:?usage: Fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-600}
cd "$(dirname "$0")/.."
OCR_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product "$target" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xcc -fsanitize=fuzzer-no-link,address
mkdir -p ".build-fuzz/corpus/$target"
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
exec ".build-fuzz/release/$target" ".build-fuzz/corpus/$target" "Fuzz/seeds/$target" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -artifact_prefix=.build-fuzz/ -print_final_stats=1
