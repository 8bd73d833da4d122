#!/bin/sh
# Renders our held-out evaluation set: fonts never used in training (fonts/heldout.txt, Debian's
# fonts-urw-base35) and text the training corpus does not hold (the license texts Debian ships in
# /usr/share/common-licenses), with the same print-and-scan degradations as training.
#   sh datasets/make-heldout.sh OUT_DIR [OCR_BINARY]
# 300 lines of running text plus 200 lines mixing its words with numbers, codes and punctuation.
set -e
here=$(dirname "$0")
licenses=/usr/share/common-licenses
exec sh "$here/render-set.sh" "${1:?usage: make-heldout.sh OUT_DIR [OCR_BINARY]}" "${2:-ocr}" "$here/fonts/heldout.txt" 777 \
  "$licenses/GPL-3" "$licenses/Apache-2.0" "$licenses/MPL-2.0"
