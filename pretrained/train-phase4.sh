#!/bin/sh
# Phase 4 of the shipped model's recipe: fine-tunes the phase-3 model (the shipped step-12,000
# file, pretrained/printed-en.safetensors as of 2026-12-01) on the data of phase 3 (train.txt and
# train-extra.txt fonts, 40% binarized, 15% with parts of neighboring lines) with new lines
# (seed 4), in a longer and gentler cosine cycle: learning rate 1e-4 after 300 warm-up steps,
# falling to 1e-5 at step 20,000. It writes its own files, pretrained/printed-en-4.safetensors*.
# Run from the repository root after `swift build -c release`:
#   sh pretrained/train-phase4.sh
# The first run starts from pretrained/printed-en-3.safetensors.ckpt (phase 3's final weights;
# weights only); later runs resume from pretrained/printed-en-4.safetensors.ckpt. Ctrl-C or
# SIGTERM writes a checkpoint and stops.
set -e
ocr=${OCR:-.build/release/ocr}
out=pretrained/printed-en-4.safetensors
if [ -f "$out.ckpt" ]; then start="--resume $out.ckpt"; else start="--init pretrained/printed-en-3.safetensors.ckpt"; fi
exec "$ocr" train --synth-fonts datasets/fonts/train.txt --synth-fonts datasets/fonts/train-extra.txt \
  --synth-text datasets/corpus/english-words.txt --synth-binarized 0.4 --synth-neighbors 0.15 \
  --synth-val-fonts datasets/fonts/validation.txt --synth-val-count 400 \
  --out "$out" --checkpoint "$out.ckpt" --keep-checkpoints 5 \
  --arch small --batch 32 --lr 1e-4 --warmup 300 --steps 20000 --validate-every 500 --seed 4 \
  $start
