#!/bin/sh
# Renders one evaluation set, for make-heldout.sh and make-tuning.sh: 300 lines of running text,
# then 200 lines mixing its words with numbers, codes and punctuation (seeds SEED and SEED + 1).
#   sh datasets/render-set.sh OUT_DIR OCR_BINARY FONT_LIST SEED TEXT_FILE...
set -e
out=$1 ocr=$2 fonts=$3 seed=$4
shift 4
corpus=$(mktemp)
trap 'rm -f "$corpus"' EXIT
cat "$@" > "$corpus"
"$ocr" synth --out "$out" --count 300 --fonts "$fonts" --text "$corpus" --running-text --seed "$seed"
"$ocr" synth --out "$out" --start 300 --count 200 --fonts "$fonts" --text "$corpus" --seed $((seed + 1))
