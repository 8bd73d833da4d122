#!/bin/sh
# Makes the TIFF and PNM fixtures from two patterns (ImageMagick's convert, libtiff's tiffcp):
#   bilevel: 37x21, pixel (x, y) black when (x * 3 + y * 5) % 7 < 3;
#   gray:    37x21, value (x * 7 + y * 11) % 256;
#   colour:  37x21, (r, g, b) = (x * 7 % 256, y * 12 % 256, (x + y) * 5 % 256);
#   palette: 37x21, (r, g, b) = (x % 4 * 80, y % 3 * 120, (x + y) % 2 * 200): 24 colours.
set -e
cd "$(dirname "$0")"
python3 - <<'PY'
w, h = 37, 21
bits = [[1 if (x * 3 + y * 5) % 7 < 3 else 0 for x in range(w)] for y in range(h)]
gray = [[(x * 7 + y * 11) % 256 for x in range(w)] for y in range(h)]
rgb = [[(x * 7 % 256, y * 12 % 256, (x + y) * 5 % 256) for x in range(w)] for y in range(h)]
open('pattern_bilevel.pbm', 'wb').write(b'P4\n%d %d\n' % (w, h) + bytes(
    sum(bits[y][x + k] << (7 - k) for k in range(8) if x + k < w) for y in range(h) for x in range(0, w, 8)))
open('pattern_bilevel_plain.pbm', 'w').write('P1\n# a comment\n%d %d\n' % (w, h) + '\n'.join(''.join(str(b) for b in row) for row in bits) + '\n')
open('pattern_gray.pgm', 'wb').write(b'P5\n%d %d\n255\n' % (w, h) + bytes(v for row in gray for v in row))
open('pattern_gray_plain.pgm', 'w').write('P2\n%d %d\n255\n' % (w, h) + '\n'.join(' '.join(str(v) for v in row) for row in gray) + '\n')
open('pattern_gray16.pgm', 'wb').write(b'P5\n%d %d\n65535\n' % (w, h) + b''.join((v * 257).to_bytes(2, 'big') for row in gray for v in row))
pal = [[(x % 4 * 80, y % 3 * 120, (x + y) % 2 * 200) for x in range(w)] for y in range(h)]
open('pattern_palette.ppm', 'wb').write(b'P6\n%d %d\n255\n' % (w, h) + bytes(c for row in pal for p in row for c in p))
open('pattern_colour.ppm', 'wb').write(b'P6\n%d %d\n255\n' % (w, h) + bytes(c for row in rgb for p in row for c in p))
open('pattern_colour_plain.ppm', 'w').write('P3\n%d %d\n255\n' % (w, h) + '\n'.join(' '.join('%d %d %d' % p for p in row) for row in rgb) + '\n')
PY
for c in Fax Group4 RLE LZW Zip; do
  convert pattern_bilevel.pbm -density 300 -units PixelsPerInch -compress $c "bilevel_$c.tif"
done
convert pattern_bilevel.pbm -define quantum:polarity=min-is-black -compress LZW bilevel_min_is_black.tif
convert pattern_bilevel.pbm -define quantum:polarity=min-is-black -compress Group4 bilevel_Group4_min_is_black.tif
convert pattern_gray.pgm -density 118.11 -units PixelsPerCentimeter -compress LZW gray8_cm.tif
convert pattern_gray.pgm -depth 16 -compress Zip gray16.tif
convert pattern_colour.ppm -compress LZW rgb8.tif
convert pattern_palette.ppm -type Palette -compress LZW palette.tif
tiffcp bilevel_Group4.tif gray8_cm.tif rgb8.tif three_pages.tif
