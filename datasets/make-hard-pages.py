#!/usr/bin/env python3
"""Lays out the hardest pages we can make, in the URW fonts (Debian's fonts-urw-base35, which no
training used), and writes X.png with X.gt.txt, the page's text in reading order.

usage: make-hard-pages.py OUT_DIR [SEED]

Six layouts, each at 200 and 300 dpi (US letter), text from the license texts in
/usr/share/common-licenses (paragraphs picked by SEED), justified without hyphenation:
- columns4: a running head, a 28 pt title and byline across four 9 pt columns with rules
  between them and under the title, a page number at the foot;
- photo: two columns, a photo at the top of the first with an 8 pt italic caption under it;
- wrap: one column whose first lines run beside a photo in the top right corner;
- dropcap: a 40 pt headline over two columns, each column's first paragraph opening with a
  drop capital three lines tall
  (the headline as large as fits, up to 40 pt) (the ground truth reads the capital as the word's first letter);
- table: paragraphs above and below a ruled table of 5 rows by 3 columns (read row by row);
- border: two columns with a black scanner border along two edges and uneven light.
Every page is also written scan-degraded (X-scan.jpg: rotated up to 2 degrees, light falling off
across the page, blurred, noisy, JPEG-compressed). Photos are smooth random gray pictures with
edges and texture, not text; the ground truth leaves them out.
"""
import os, random, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from license_paragraphs import license_paragraphs
from PIL import Image, ImageDraw, ImageFilter, ImageFont
import numpy as np

out = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
os.makedirs(out, exist_ok=True)
rng = random.Random(seed)
nrng = np.random.default_rng(seed)
FONTS = '/usr/share/fonts/opentype/urw-base35/'
families = [('NimbusRoman-Regular', 'NimbusRoman-Bold', 'NimbusRoman-Italic'),
            ('C059-Roman', 'C059-Bold', 'C059-Italic'),
            ('P052-Roman', 'P052-Bold', 'P052-Italic'),
            ('NimbusSans-Regular', 'NimbusSans-Bold', 'NimbusSans-Italic')]
paragraphs = license_paragraphs()
titles = ['On the Terms of Distribution', 'A Review of Licensing Practice', 'Notes on Derivative Works',
          'What a Contributor Grants', 'Conditions and Their Limits', 'The Scope of a Patent License']
authors = ['The Editors', 'A. N. Author and B. Writer', 'The Review Board']
captions = ['Figure 1. The archive where the licenses were kept.',
            'Figure 2. A contributor at work, as seen by the editors.',
            'Plate 3. The reading room after the review.']


class Page:
    def __init__(self, dpi):
        self.dpi = dpi
        self.w, self.h = int(8.5 * dpi), int(11 * dpi)
        self.img = Image.new('L', (self.w, self.h), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.family = rng.choice(families)
        self.pars = []
        self.next_par = rng.randrange(len(paragraphs))

    def px(self, inches):
        return int(round(inches * self.dpi))

    def font(self, points, style=0):
        return ImageFont.truetype(FONTS + self.family[style] + '.otf', max(6, int(round(points * self.dpi / 72))))

    def paragraph(self):
        p = paragraphs[self.next_par % len(paragraphs)]
        self.next_par += 1
        return p

    def text(self, x, y, s, font):
        self.draw.text((x, y), s, font=font, fill=0)

    def lines_of(self, words, font, width_at):
        """Greedy line breaking: lists of words, each line as wide as width_at(k) allows."""
        lines, cur = [], []
        for word in words:
            trial = cur + [word]
            if cur and self.draw.textlength(' '.join(trial), font=font) > width_at(len(lines)):
                lines.append(cur)
                cur = [word]
            else:
                cur = trial
        if cur:
            lines.append(cur)
        return lines

    def first_line(self, words, font, width):
        """The words that fit on a line `width` wide (at least one)."""
        n = 1
        while n < len(words) and self.draw.textlength(' '.join(words[:n + 1]), font=font) <= width:
            n += 1
        return words[:n]

    def justified(self, x, y, width, words, font, last):
        """One line of words set flush left and right (the last line of a paragraph flush left)."""
        if last or len(words) == 1:
            self.text(x, y, ' '.join(words), font)
            return
        widths = [self.draw.textlength(w, font=font) for w in words]
        gap = (width - sum(widths)) / (len(words) - 1)
        pos = x
        for w, ww in zip(words, widths):
            self.text(int(round(pos)), y, w, font)
            pos += ww + gap

    def flow(self, columns, top, bottom, points, paragraphs_text, indent_first=True, obstacle=None):
        """Sets paragraphs into `columns` [(x, width)] from `top` to `bottom`, column after column;
        returns the text set (whole paragraphs until the space runs out; the last one cut at a
        line's end) and where the last column ended. `obstacle(y) -> (x, width)` narrows lines."""
        font = self.font(points)
        lead = int(round(points * 1.22 * self.dpi / 72))
        col, y = 0, top
        set_text = []
        for p in paragraphs_text:
            words = p.split()
            indent = self.px(0.2) if indent_first else 0
            done = []
            while words:
                cx, cw = columns[col]
                if obstacle:
                    cx, cw = obstacle(y, lead, cx, cw)
                avail = cw - indent
                line = self.first_line(words, font, avail)
                words = words[len(line):]
                self.justified(cx + indent, y, avail, line, font, last=not words)
                done.extend(line)
                indent = 0
                y += lead
                if y + lead > bottom:
                    col += 1
                    y = top
                    if col == len(columns):
                        set_text.append(' '.join(done))
                        return set_text, bottom
            set_text.append(' '.join(done))
            y += lead // 3
        return set_text, y

    def photo(self, x, y, w, h):
        """A smooth random gray picture with a few shapes: not text, but dense dark ink."""
        small = nrng.random((max(2, h // 40), max(2, w // 40))) * 200 + 20
        pic = Image.fromarray(small.astype(np.uint8)).resize((w, h), Image.BICUBIC)
        d = ImageDraw.Draw(pic)
        for _ in range(6):
            cx, cy, r = rng.randrange(w), rng.randrange(h), rng.randrange(min(w, h) // 10 + 1, min(w, h) // 3 + 2)
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=rng.randrange(0, 256))
        noise = nrng.normal(0, 18, (h, w))
        pic = Image.fromarray(np.clip(np.asarray(pic, dtype=np.float32) + noise, 0, 255).astype(np.uint8))
        self.img.paste(pic, (x, y))

    def rule(self, x0, y0, x1, y1, thickness):
        self.draw.rectangle([x0, y0, x1 + thickness - 1 if x0 == x1 else x1, y1 + thickness - 1 if y0 == y1 else y1], fill=0)


def body_paragraphs(page, chars):
    chosen = []
    while sum(map(len, chosen)) < chars:
        chosen.append(page.paragraph())
    return chosen


def columns4(page):
    m = page.px(0.6)
    gt = []
    head = 'JOURNAL OF LICENSING PRACTICE  Vol. %d' % rng.randrange(2, 40)
    page.text(m, page.px(0.35), head, page.font(8, 2))
    gt.append(head)
    title, author = rng.choice(titles), rng.choice(authors)
    tf = page.font(28, 1)
    page.text((page.w - page.draw.textlength(title, font=tf)) / 2, page.px(0.7), title, tf)
    af = page.font(11, 2)
    page.text((page.w - page.draw.textlength(author, font=af)) / 2, page.px(1.25), author, af)
    gt += [title, author]
    page.rule(m, page.px(1.55), page.w - m, page.px(1.55), max(2, page.dpi // 100))
    gutter = page.px(0.22)
    cw = (page.w - 2 * m - 3 * gutter) // 4
    cols = [(m + k * (cw + gutter), cw) for k in range(4)]
    text, _ = page.flow(cols, page.px(1.75), page.h - page.px(0.9), 9, body_paragraphs(page, 9000))
    for k in range(1, 4):
        x = m + k * (cw + gutter) - gutter // 2
        page.rule(x, page.px(1.75), x, page.h - page.px(0.95), max(1, page.dpi // 150))
    gt += text
    number = str(rng.randrange(2, 300))
    nf = page.font(9)
    page.text((page.w - page.draw.textlength(number, font=nf)) / 2, page.h - page.px(0.6), number, nf)
    return gt + [number]


def photo(page):
    m = page.px(0.8)
    gutter = page.px(0.3)
    cw = (page.w - 2 * m - gutter) // 2
    gt = []
    title = rng.choice(titles)
    tf = page.font(22, 1)
    page.text(m, page.px(0.7), title, tf)
    gt.append(title)
    top = page.px(1.3)
    ph = page.px(rng.uniform(2.2, 3.2))
    page.photo(m, top, cw, ph)
    caption = rng.choice(captions)
    cf = page.font(8, 2)
    cap_lines = page.lines_of(caption.split(), cf, lambda k: cw)
    y = top + ph + page.px(0.08)
    for line in cap_lines:
        page.text(m, y, ' '.join(line), cf)
        y += int(8 * 1.25 * page.dpi / 72)
    gt.append(caption)
    below = y + page.px(0.2)
    bottom = page.h - m
    pars = body_paragraphs(page, 7000)
    # The first column below the photo, then the whole second column.
    font_points = 10
    text1, _ = page.flow([(m, cw)], below, bottom, font_points, pars)
    used = len(text1)
    # The last paragraph of column 1 may be cut: column 2 goes on with its rest.
    rest = pars[used - 1][len(text1[-1]):].strip()
    more = ([rest] if rest else []) + pars[used:]
    text2, _ = page.flow([(m + cw + gutter, cw)], top, bottom, font_points, more, indent_first=not rest)
    gt += text1 + text2
    return gt


def wrap(page):
    m = page.px(0.9)
    width = page.w - 2 * m
    gt = []
    title = rng.choice(titles)
    tf = page.font(20, 1)
    page.text(m, page.px(0.75), title, tf)
    gt.append(title)
    top = page.px(1.35)
    pw, ph = int(width * rng.uniform(0.35, 0.45)), page.px(rng.uniform(2.5, 3.5))
    page.photo(page.w - m - pw, top, pw, ph)
    margin = page.px(0.2)

    def obstacle(y, lead, x, w):
        return (x, w - pw - margin) if y < top + ph + margin else (x, w)
    text, _ = page.flow([(m, width)], top, page.h - m, 11, body_paragraphs(page, 5000), obstacle=obstacle)
    return gt + text


def dropcap(page):
    m = page.px(0.75)
    gutter = page.px(0.3)
    cw = (page.w - 2 * m - gutter) // 2
    head = rng.choice(titles)
    size = 40
    hf = page.font(size, 1)
    while page.draw.textlength(head, font=hf) > page.w - 2 * m:
        size -= 2
        hf = page.font(size, 1)
    page.text(m, page.px(0.6), head, hf)
    gt = [head]
    points = 10
    lead = int(round(points * 1.22 * page.dpi / 72))
    top = page.px(1.6)
    bottom = page.h - m
    font = page.font(points)
    for k in range(2):
        x = m + k * (cw + gutter)
        p = page.paragraph()
        letter, rest = p[0], p[1:]
        # The capital: three lines tall, its top at the first line's cap height.
        capf = page.font(points * 1.22 * 3 * 0.95, 0)
        box = page.draw.textbbox((0, 0), letter, font=capf)
        ascent = page.draw.textbbox((0, 0), 'H', font=font)[1]
        page.text(x - box[0], top + ascent - box[1], letter, capf)
        capw = box[2] - box[0] + page.px(0.06)

        def obstacle(y, lead_, cx, w, t=top, cw_=capw):
            return (cx + cw_, w - cw_) if y < t + 3 * lead else (cx, w)
        text, _ = page.flow([(x, cw)], top, bottom, points, [rest] + body_paragraphs(page, 2800), indent_first=False,
                            obstacle=obstacle)
        text[0] = letter + text[0]
        gt += text
    return gt


def table(page):
    m = page.px(1.0)
    width = page.w - 2 * m
    gt = []
    title = rng.choice(titles)
    page.text(m, page.px(0.8), title, page.font(18, 1))
    gt.append(title)
    text, y = page.flow([(m, width)], page.px(1.4), page.px(4.6), 11, body_paragraphs(page, 900))
    gt += text
    rows = [['Licence', 'Version', 'Year']] + [[rng.choice(['GPL', 'Apache', 'MPL', 'LGPL', 'BSD', 'MIT']),
                                                 '%d.%d' % (rng.randrange(1, 4), rng.randrange(0, 10)),
                                                 str(rng.randrange(1989, 2024))] for _ in range(4)]
    tf = page.font(11)
    row_h = page.px(0.36)
    y0 = y + page.px(0.25)
    cell_w = width // 3
    t = max(1, page.dpi // 150)
    for r in range(len(rows) + 1):
        page.rule(m, y0 + r * row_h, m + 3 * cell_w, y0 + r * row_h, t)
    for c in range(4):
        page.rule(m + c * cell_w, y0, m + c * cell_w, y0 + len(rows) * row_h, t)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            page.text(m + c * cell_w + page.px(0.1), y0 + r * row_h + page.px(0.07), cell, page.font(11, 1 if r == 0 else 0))
        gt.append(' '.join(row))
    text, _ = page.flow([(m, width)], y0 + len(rows) * row_h + page.px(0.35), page.h - m, 11, body_paragraphs(page, 3000))
    return gt + text


def border(page):
    m = page.px(0.8)
    gutter = page.px(0.3)
    cw = (page.w - 2 * m - gutter) // 2
    gt = []
    title, author = rng.choice(titles), rng.choice(authors)
    page.text(m, page.px(0.75), title, page.font(24, 1))
    page.text(m, page.px(1.2), author, page.font(11, 2))
    gt += [title, author]
    text, _ = page.flow([(m, cw), (m + cw + gutter, cw)], page.px(1.7), page.h - m, 10, body_paragraphs(page, 6500))
    gt += text
    # The scanner's lid: black bands along the left and the bottom edge, ragged inside.
    bw = page.px(rng.uniform(0.15, 0.3))
    for y in range(page.h):
        page.draw.line([(0, y), (bw + rng.randrange(-3, 4), y)], fill=rng.randrange(0, 40))
    for x in range(page.w):
        page.draw.line([(x, page.h - bw + rng.randrange(-3, 4)), (x, page.h)], fill=rng.randrange(0, 40))
    return gt


def degrade(img):
    """A scan: light falling off across the page, a turn of up to 2 degrees, blur, noise, JPEG."""
    a = np.asarray(img, dtype=np.float32)
    h, w = a.shape
    gx = np.linspace(0, 1, w)[None, :]
    gy = np.linspace(0, 1, h)[:, None]
    light = 1 - 0.35 * (rng.uniform(0.5, 1) * gx + rng.uniform(0, 0.5) * gy)
    a = 255 - (255 - a) * 0.9
    a = a * light
    turned = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).rotate(rng.uniform(-2, 2), resample=Image.BICUBIC,
                                                                         fillcolor=int(a[0, w // 2]))
    turned = turned.filter(ImageFilter.GaussianBlur(0.8))
    a = np.asarray(turned, dtype=np.float32) + nrng.normal(0, 8, (h, w))
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


layouts = [('columns4', columns4), ('photo', photo), ('wrap', wrap), ('dropcap', dropcap), ('table', table),
           ('border', border)]
n = 0
for name, make in layouts:
    for dpi in [200, 300]:
        n += 1
        page = Page(dpi)
        gt = make(page)
        stem = 'h%d-%s-%ddpi' % (n, name, dpi)
        page.img.save(os.path.join(out, stem + '.png'))
        text = '\n'.join(gt) + '\n'
        for suffix in ['', '-scan']:
            with open(os.path.join(out, stem + suffix + '.gt.txt'), 'w', encoding='utf-8') as f:
                f.write(text)
        degrade(page.img).save(os.path.join(out, stem + '-scan.jpg'), quality=75)
print('wrote %d pages (and their scans) to %s' % (n, out))
