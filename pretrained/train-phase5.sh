#!/bin/sh
# Phase 5 of the shipped model's recipe: fine-tunes phase 4's last weights (pretrained/printed-en-4
# .safetensors.ckpt, step 4,370, where phase 4 was stopped: 4,000 steps at 1e-4 had not moved its
# validation CER) on the data of phase 3 plus forms of running prose that the word-list lines lack
# (--synth-prose 0.2: hyphenated compounds, contractions, and/or pairs, words broken at the line
# end, abbreviations, section numbers, web addresses), with new lines (seed 5), learning rate
# 1.5e-4 after 300 warm-up steps, falling to 1.5e-5 at step 14,000. It writes its own files,
# pretrained/printed-en-5.safetensors*. Run from the repository root after
# `swift build -c release`:
#   sh pretrained/train-phase5.sh
# The first run starts from pretrained/printed-en-4.safetensors.ckpt (weights only); later runs
# resume from pretrained/printed-en-5.safetensors.ckpt. Ctrl-C or SIGTERM writes a checkpoint and
# stops.
set -e
ocr=${OCR:-.build/release/ocr}
out=pretrained/printed-en-5.safetensors
if [ -f "$out.ckpt" ]; then start="--resume $out.ckpt"; else start="--init pretrained/printed-en-4.safetensors.ckpt"; fi
exec "$ocr" train --synth-fonts datasets/fonts/train.txt --synth-fonts datasets/fonts/train-extra.txt \
  --synth-text datasets/corpus/english-words.txt --synth-binarized 0.4 --synth-neighbors 0.15 --synth-prose 0.2 \
  --synth-val-fonts datasets/fonts/validation.txt --synth-val-count 400 \
  --out "$out" --checkpoint "$out.ckpt" --keep-checkpoints 5 \
  --arch small --batch 32 --lr 1.5e-4 --warmup 300 --steps 14000 --validate-every 500 --seed 5 \
  $start
