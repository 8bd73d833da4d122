#!/bin/sh
# Renders the tuning set that chose the decoder's settings (beam width, spelling weight and word
# bonus): the validation fonts (fonts/validation.txt, never trained on) and license texts that
# neither the training corpus nor the held-out set uses (GPL-2, LGPL-2.1, Artistic from
# /usr/share/common-licenses), so the held-out set stays unseen by every choice.
#   sh datasets/make-tuning.sh OUT_DIR [OCR_BINARY]
# 300 lines of running text plus 200 lines mixing its words with numbers, codes and punctuation.
set -e
out=${1:?usage: make-tuning.sh OUT_DIR [OCR_BINARY]}
ocr=${2:-ocr}
here=$(dirname "$0")
corpus=$(mktemp)
trap 'rm -f "$corpus"' EXIT
cat /usr/share/common-licenses/GPL-2 /usr/share/common-licenses/LGPL-2.1 /usr/share/common-licenses/Artistic > "$corpus"
"$ocr" synth --out "$out" --count 300 --fonts "$here/fonts/validation.txt" --text "$corpus" --running-text --seed 555
"$ocr" synth --out "$out" --start 300 --count 200 --fonts "$here/fonts/validation.txt" --text "$corpus" --seed 556
