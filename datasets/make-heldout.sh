#!/bin/sh
# Renders our held-out evaluation set: fonts never used in training (fonts/heldout.txt, Debian's
# fonts-urw-base35) and text the training corpus does not hold (the license texts Debian ships in
# /usr/share/common-licenses), with the same print-and-scan degradations as training.
#   sh datasets/make-heldout.sh OUT_DIR [OCR_BINARY]
# 300 lines of running text plus 200 lines mixing its words with numbers, codes and punctuation.
set -e
out=${1:?usage: make-heldout.sh OUT_DIR [OCR_BINARY]}
ocr=${2:-ocr}
here=$(dirname "$0")
corpus=$(mktemp)
trap 'rm -f "$corpus"' EXIT
cat /usr/share/common-licenses/GPL-3 /usr/share/common-licenses/Apache-2.0 /usr/share/common-licenses/MPL-2.0 > "$corpus"
"$ocr" synth --out "$out" --count 300 --fonts "$here/fonts/heldout.txt" --text "$corpus" --running-text --seed 777
"$ocr" synth --out "$out" --start 300 --count 200 --fonts "$here/fonts/heldout.txt" --text "$corpus" --seed 778
