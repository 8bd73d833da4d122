#!/bin/sh
# Phase 7 (#21, started in session 13): fine-tunes phase 6's last weights (step 16,000,
# pretrained/printed-en-6.safetensors.ckpt) on phase 6's recipe plus lines holding a run of one
# mark (--synth-rules 0.1: separators, underlines, leaders), the weakness phase 6 showed on the
# tuning and held-out sets (pretrained/MODEL.md, "Phase 6"), with new lines (seed 7), learning
# rate 5e-5 after 200 warm-up steps, falling to a tenth of it at step 6,000. It writes its own
# files, pretrained/printed-en-7.safetensors*. Run from the repository root after
# `swift build -c release`:
#   sh pretrained/train-phase7.sh
# The first run starts from phase 6's checkpoint (weights only); later runs resume from
# pretrained/printed-en-7.safetensors.ckpt. Ctrl-C or SIGTERM writes a checkpoint and stops.
set -e
ocr=${OCR:-.build/release/ocr}
out=pretrained/printed-en-7.safetensors
if [ -f "$out.ckpt" ]; then start="--resume $out.ckpt"; else start="--init pretrained/printed-en-6.safetensors.ckpt"; fi
exec "$ocr" train --synth-fonts datasets/fonts/train.txt --synth-fonts datasets/fonts/train-extra.txt \
  --synth-text datasets/corpus/english-words.txt --synth-binarized 0.4 --synth-neighbors 0.15 --synth-prose 0.2 \
  --synth-code 0.25 --synth-rules 0.1 --synth-val-fonts datasets/fonts/validation.txt --synth-val-count 400 \
  --out "$out" --checkpoint "$out.ckpt" --keep-checkpoints 2 \
  --arch small --batch 32 --lr 5e-5 --warmup 200 --steps 6000 --validate-every 500 --seed 7 \
  $start
