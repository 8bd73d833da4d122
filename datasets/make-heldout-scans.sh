#!/bin/sh
# Renders our scan-like held-out set: the fonts and texts of make-heldout.sh (fonts never used in
# training, license texts the corpus does not hold) made to look like lines cut from a binarized
# book or journal scan: every line binarized, font sizes 22-34 px (lines mostly 28-50 px tall),
# 30% of them with cut-off parts of the lines above and below. 300 lines of running text.
#   sh datasets/make-heldout-scans.sh OUT_DIR [OCR_BINARY]
set -e
here=$(dirname "$0")
out=${1:?usage: make-heldout-scans.sh OUT_DIR [OCR_BINARY]}
licenses=/usr/share/common-licenses
corpus=$(mktemp)
trap 'rm -f "$corpus"' EXIT
cat "$licenses/GPL-3" "$licenses/Apache-2.0" "$licenses/MPL-2.0" > "$corpus"
"${2:-ocr}" synth --out "$out" --count 300 --fonts "$here/fonts/heldout.txt" --text "$corpus" --running-text \
  --sizes 22-34 --binarized 1 --neighbors 0.3 --seed 779
