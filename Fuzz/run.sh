#!/bin/sh
# Builds one libFuzzer target with AddressSanitizer and runs it for a while.
#   sh Fuzz/run.sh FuzzImageDecoding|FuzzModelLoading|FuzzLineData|FuzzSpellingTable|FuzzRecognition|FuzzPageLayout|FuzzTIFFDecoding [SECONDS]
# Seeds come from Fuzz/seeds/TARGET (committed); what the fuzzer finds goes to
# .build-fuzz/corpus/TARGET, and a crashing input to .build-fuzz/crash-* (add it to the seeds and
# a regression test once fixed).
set -e
target=${1:?usage: Fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-600}
cd "$(dirname "$0")/.."
# libpng and libjpeg-turbo built instrumented by Fuzz/instrumented-libs.sh, when they are there;
# the system's otherwise (then the fuzzer sees only our code).
libs=""
if [ -f .build-fuzz/libs/lib/libpng16.a ] && [ -f .build-fuzz/libs/lib/libjpeg.a ]; then
  # Whole archives: the executable's own definitions then take precedence over the system's
  # shared libraries, which SwiftPM still names (its -L for them comes before any of ours).
  lib="$PWD/.build-fuzz/libs/lib"
  libs="-Xlinker --whole-archive -Xlinker $lib/libpng16.a -Xlinker $lib/libjpeg.a -Xlinker --no-whole-archive -Xlinker -lz"
  echo "linking the instrumented libpng and libjpeg-turbo of .build-fuzz/libs"
fi
OCR_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product "$target" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xcc -fsanitize=fuzzer-no-link,address $libs
mkdir -p ".build-fuzz/corpus/$target"
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
exec ".build-fuzz/release/$target" ".build-fuzz/corpus/$target" "Fuzz/seeds/$target" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -artifact_prefix=.build-fuzz/ -print_final_stats=1
