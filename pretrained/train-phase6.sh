#!/bin/sh
# Phase 6 (#21, started in session 12): fine-tunes the shipped model (pretrained/printed-en
# .safetensors, phase 5's) on phase 5's data plus code-like lines (--synth-code 0.25: identifiers
# with underscores, calls, brackets of every kind, quotes, escapes, operators, markup, references,
# random codes, quantities; datasets/make-heldout-code.sh measures them in fonts never trained on),
# with new lines (seed 6), learning rate 1e-4 after 200 warm-up steps, falling to 1e-5 at step
# 16,000. It writes its own files, pretrained/printed-en-6.safetensors*. Run from the repository
# root after `swift build -c release`:
#   sh pretrained/train-phase6.sh
# The first run starts from pretrained/printed-en.safetensors (weights only); later runs resume
# from pretrained/printed-en-6.safetensors.ckpt. Ctrl-C or SIGTERM writes a checkpoint and stops.
set -e
ocr=${OCR:-.build/release/ocr}
out=pretrained/printed-en-6.safetensors
if [ -f "$out.ckpt" ]; then start="--resume $out.ckpt"; else start="--init pretrained/printed-en.safetensors"; fi
exec "$ocr" train --synth-fonts datasets/fonts/train.txt --synth-fonts datasets/fonts/train-extra.txt \
  --synth-text datasets/corpus/english-words.txt --synth-binarized 0.4 --synth-neighbors 0.15 --synth-prose 0.2 \
  --synth-code 0.25 --synth-val-fonts datasets/fonts/validation.txt --synth-val-count 400 \
  --out "$out" --checkpoint "$out.ckpt" --keep-checkpoints 2 \
  --arch small --batch 32 --lr 1e-4 --warmup 200 --steps 16000 --validate-every 500 --seed 6 \
  $start
