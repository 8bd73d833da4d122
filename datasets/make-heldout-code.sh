#!/bin/sh
# Renders a held-out set of code-like lines (#21): fonts never used in training
# (fonts/heldout.txt, the URW fonts) and text no training corpus holds: 300 lines of real source
# code (modules of the Python standard library on this machine: identifiers with underscores,
# calls, brackets of every kind, quotes, escapes, operators), then 200 lines of random codes
# (strings of letters, digits and punctuation, numbers with units).
#   sh datasets/make-heldout-code.sh OUT_DIR [OCR_BINARY]
set -e
out=${1:?usage: make-heldout-code.sh OUT_DIR [OCR_BINARY]}
ocr=${2:-ocr}
here=$(dirname "$0")
code=$(mktemp) random=$(mktemp)
trap 'rm -f "$code" "$random"' EXIT
python3 - "$code" "$random" <<'PY'
import argparse, csv, json.encoder, shlex, string, textwrap, random, sys
with open(sys.argv[1], 'w') as out:
    for module in (argparse, json.encoder, textwrap, shlex, csv, string):
        for line in open(module.__file__, encoding='utf-8'):
            line = line.strip()
            if line and line.isascii():
                out.write(line + '\n')
rng = random.Random(2026)
alphabet = string.ascii_letters + string.digits + string.punctuation
units = ['mm', 'kg', 'ms', 'MHz', '%', 'dpi', 'kB', 'V']
with open(sys.argv[2], 'w') as out:
    for _ in range(3000):
        kind = rng.random()
        if kind < 0.6:
            out.write(''.join(rng.choice(alphabet) for _ in range(rng.randint(3, 12))) + ' ')
        elif kind < 0.8:
            out.write('%s%s ' % (rng.choice(['', '-', '+']) + str(round(rng.uniform(0, 5000), rng.randint(0, 3))), rng.choice(units)))
        else:
            out.write(''.join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(rng.randint(4, 10))) + ' ')
PY
"$ocr" synth --out "$out" --count 300 --fonts "$here/fonts/heldout.txt" --text "$code" --running-text --seed 901
"$ocr" synth --out "$out" --start 300 --count 200 --fonts "$here/fonts/heldout.txt" --text "$random" --running-text --seed 902
