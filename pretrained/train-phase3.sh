#!/bin/sh
# Phase 3 of the shipped model's recipe: fine-tunes the phase-2 model (the shipped step-45,000
# file) on 19 more font families (datasets/fonts/train-extra.txt, together with train.txt) and new
# synthetic lines (seed 3), more of them binarized (40% instead of 25%) and 15% with cut-off parts
# of the lines above and below, in a fresh cosine cycle: learning rate 2e-4 after 300 warm-up
# steps, falling to 2e-5 at step 12,000. Its validation lines (seed 3) are not phase 2's (seed 1). It writes its own files, pretrained/printed-en-3.safetensors*,
# so the shipped model changes only when we choose. Run from the repository root after
# `swift build -c release`:
#   sh pretrained/train-phase3.sh
# The first run starts from pretrained/printed-en-2.safetensors (weights only); later runs resume
# from pretrained/printed-en-3.safetensors.ckpt. Ctrl-C or SIGTERM writes a checkpoint and stops.
set -e
ocr=${OCR:-.build/release/ocr}
out=pretrained/printed-en-3.safetensors
if [ -f "$out.ckpt" ]; then start="--resume $out.ckpt"; else start="--init pretrained/printed-en-2.safetensors"; fi
exec "$ocr" train --synth-fonts datasets/fonts/train.txt --synth-fonts datasets/fonts/train-extra.txt \
  --synth-text datasets/corpus/english-words.txt --synth-binarized 0.4 --synth-neighbors 0.15 \
  --synth-val-fonts datasets/fonts/validation.txt --synth-val-count 400 \
  --out "$out" --checkpoint "$out.ckpt" --keep-checkpoints 5 \
  --arch small --batch 32 --lr 2e-4 --warmup 300 --steps 12000 --validate-every 500 --seed 3 \
  $start
