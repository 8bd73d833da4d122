#!/usr/bin/env python3
"""Typesets evaluation pages with groff and ghostscript (Debian's groff, ghostscript and
fonts-urw-base35: the URW fonts, which no training used) and writes X.png with X.gt.txt, the
page's text in reading order.

usage: make-pages.py OUT_DIR [SEED]

Pages of 1, 2 and 3 columns, with a title and author line across the columns and a centred page
number (1) at the foot, at 200 and 300 dpi; text from the license texts in /usr/share/common-licenses
that the line sets of make-heldout.sh also use (paragraphs picked by SEED). Every page is also
written scan-degraded (X-scan.png: rotated up to 1.5 degrees, blurred, noisy, JPEG-compressed).
Hyphenation is off, so the ground truth's words are the page's words.
"""
import os, random, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from license_paragraphs import license_paragraphs

out = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
os.makedirs(out, exist_ok=True)
rng = random.Random(seed)
paragraphs = license_paragraphs()
titles = ['On the Terms of Distribution', 'A Review of Licensing Practice', 'Notes on Derivative Works',
          'What a Contributor Grants', 'Conditions and Their Limits', 'The Scope of a Patent License']
authors = ['The Editors', 'A. N. Author and B. Writer', 'The Review Board']


def page(name, columns, dpi):
    title, author = rng.choice(titles), rng.choice(authors)
    body_chars = {1: 3000, 2: 4200, 3: 4800}[columns]
    chosen, total = [], 0
    start = rng.randrange(len(paragraphs))
    while total < body_chars:
        p = paragraphs[(start + len(chosen)) % len(paragraphs)]
        chosen.append(p)
        total += len(p)
    while True:
        ms = ['.nr PS 10', '.nr VS 12', '.nr HM 0.8i', '.nr FM 0.8i', '.nr PO 0.9i', '.nr LL 6.7i',
              '.nr HY 0', '.ds CH', '.ds CF \\\\n%', '.hy 0',
              '.TL', title, '.AU', author]
        if columns == 2:
            ms.append('.2C')
        elif columns == 3:
            ms.append('.MC 2.1i 0.2i')
        for p in chosen:
            ms += ['.PP', p]
        source = '\n'.join(ms) + '\n'
        ps = subprocess.run(['groff', '-ms', '-Tps'], input=source.encode(), capture_output=True, check=True).stdout
        pages = ps.count(b'%%Page:')
        if pages == 1 or len(chosen) == 1:
            break
        chosen.pop()
    png = os.path.join(out, name + '.png')
    subprocess.run(['gs', '-q', '-dNOPAUSE', '-dBATCH', '-sDEVICE=pnggray', '-r%d' % dpi, '-sOutputFile=' + png, '-'],
                   input=ps, check=True)
    gt = '\n'.join([title, author] + chosen + ['1']) + '\n'  # ms numbers the first page 1
    for suffix in ['', '-scan']:
        with open(os.path.join(out, name + suffix + '.gt.txt'), 'w', encoding='utf-8') as f:
            f.write(gt)
    angle = rng.uniform(-1.5, 1.5)
    subprocess.run(['convert', png, '-background', 'white', '-rotate', '%.2f' % angle, '-blur', '0x0.7',
                    '-attenuate', '0.4', '+noise', 'Gaussian', '-quality', '75',
                    os.path.join(out, name + '-scan.jpg')], check=True)


n = 0
for columns in [1, 2, 3]:
    for dpi in [200, 300]:
        for k in range(2):
            n += 1
            page('p%d-col%d-%ddpi-%d' % (n, columns, dpi, k), columns, dpi)
print('wrote %d pages (and their scans) to %s' % (n, out))
