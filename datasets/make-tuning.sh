#!/bin/sh
# Renders the tuning set that chose the decoder's settings (beam width, spelling weight and word
# bonus): the validation fonts (fonts/validation.txt, never trained on) and license texts that
# neither the training corpus nor the held-out set uses (GPL-2, LGPL-2.1, Artistic from
# /usr/share/common-licenses), so the held-out set stays unseen by every choice.
#   sh datasets/make-tuning.sh OUT_DIR [OCR_BINARY]
# 300 lines of running text plus 200 lines mixing its words with numbers, codes and punctuation.
set -e
here=$(dirname "$0")
licenses=/usr/share/common-licenses
exec sh "$here/render-set.sh" "${1:?usage: make-tuning.sh OUT_DIR [OCR_BINARY]}" "${2:-ocr}" "$here/fonts/validation.txt" 555 \
  "$licenses/GPL-2" "$licenses/LGPL-2.1" "$licenses/Artistic"
