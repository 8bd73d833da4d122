#!/bin/sh
# Phase 2 of the shipped model's recipe: a second, gentler cosine cycle (learning rate about
# 1.7e-4 at step 24,000 falling to 3e-5 at 48,000) that continues phase 1's last checkpoint
# (pretrained/printed-en-1.safetensors.ckpt, step 24,000) on new synthetic lines. It writes its own
# files, pretrained/printed-en-2.safetensors*, so the shipped model changes only when we choose.
# Run from the repository root after `swift build -c release`:
#   sh pretrained/train-more.sh
# It resumes from pretrained/printed-en-2.safetensors.ckpt when that exists. Ctrl-C or SIGTERM
# writes a checkpoint and stops. The last five validations' checkpoints are kept beside it
# (printed-en-2.safetensors.step-N.ckpt, not committed) for `ocr average`.
set -e
ocr=${OCR:-.build/release/ocr}
out=pretrained/printed-en-2.safetensors
if [ ! -f "$out.ckpt" ]; then cp pretrained/printed-en-1.safetensors.ckpt "$out.ckpt"; fi
exec "$ocr" train --synth-fonts datasets/fonts/train.txt --synth-text datasets/corpus/english-words.txt \
  --synth-val-fonts datasets/fonts/validation.txt --synth-val-count 400 \
  --out "$out" --checkpoint "$out.ckpt" --keep-checkpoints 5 \
  --arch small --batch 32 --lr 3e-4 --warmup 500 --steps 48000 --validate-every 500 --seed 1 \
  --resume "$out.ckpt"
