#!/bin/sh
# The shipped model's recipe. Run from the repository root after `swift build -c release`:
#   sh pretrained/train.sh
# It writes pretrained/printed-en-1.safetensors* (phase 1 of the shipped model; the shipped file
# is only replaced by hand) and continues from pretrained/printed-en-1.safetensors.ckpt when that
# exists (training spans sessions), otherwise starts fresh. Ctrl-C or SIGTERM writes a checkpoint
# and stops.
# Fonts: the packages named in datasets/fonts/train.txt and validation.txt must be installed.
set -e
ocr=${OCR:-.build/release/ocr}
out=${OUT:-pretrained/printed-en-1.safetensors}
set -- --synth-fonts datasets/fonts/train.txt --synth-text datasets/corpus/english-words.txt \
  --synth-val-fonts datasets/fonts/validation.txt --synth-val-count 400 \
  --out "$out" --checkpoint "$out.ckpt" \
  --keep-checkpoints 5 \
  --arch small --batch 32 --lr 1e-3 --warmup 500 --steps 24000 --validate-every 500 --seed 1
if [ -f "$out.ckpt" ]; then set -- "$@" --resume "$out.ckpt"; fi
exec "$ocr" train "$@"
