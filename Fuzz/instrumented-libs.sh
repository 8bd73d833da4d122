#!/bin/sh
# Builds libpng and libjpeg-turbo from Debian's sources with libFuzzer's coverage and
# AddressSanitizer, as static libraries in .build-fuzz/libs; Fuzz/run.sh links them when they are
# there, so that the fuzzer sees (and ASan checks) the decoders' code and not only ours.
#   sh Fuzz/instrumented-libs.sh [FOLDER-WITH-SOURCES]
# The folder holds libpng1.6_*.orig.tar.gz and libjpeg-turbo_*.orig.tar.gz; without one they are
# fetched with `apt-get source --download-only` (needs a deb-src line for Debian's archive).
# Needs clang (Swift's), make, cmake; libjpeg-turbo is built without its SIMD assembly, which the
# sanitizer cannot see into, so its plain C paths are the ones fuzzed.
set -e
cd "$(dirname "$0")/.."
out="$PWD/.build-fuzz/libs"
sources=${1:-"$PWD/.build-fuzz/sources"}
mkdir -p "$sources" "$out"
cd "$sources"
ls libpng1.6_*.orig.tar.gz >/dev/null 2>&1 || apt-get source --download-only libpng1.6
ls libjpeg-turbo_*.orig.tar.gz >/dev/null 2>&1 || apt-get source --download-only libjpeg-turbo
flags="-O1 -g -fPIC -fsanitize=fuzzer-no-link,address"
work=$(mktemp -d)
tar xzf libpng1.6_*.orig.tar.gz -C "$work"
tar xzf libjpeg-turbo_*.orig.tar.gz -C "$work"
(cd "$work"/libpng-* && CC=clang CFLAGS="$flags" ./configure -q --disable-shared --enable-static --prefix="$out" \
  && make -s -j2 install)
mkdir -p "$work/jpeg-build"
(cd "$work/jpeg-build" && cmake -S "$(echo "$work"/libjpeg-turbo-*)" -DCMAKE_C_COMPILER=clang -DCMAKE_C_FLAGS="$flags" \
  -DENABLE_SHARED=OFF -DWITH_SIMD=OFF -DWITH_TURBOJPEG=OFF > /dev/null && make -s -j2 jpeg-static > /dev/null \
  && cp libjpeg.a "$out/lib/")  # the library alone: its tools would need the fuzzer's runtime to link
rm -rf "$work"
ls -l "$out/lib/libpng16.a" "$out/lib/libjpeg.a"
