#!/usr/bin/env python3
"""Word boxes of two hOCR files of the same page compared: the words aligned by their text (difflib),
the IoU of each pair that agrees, its median and 10th percentile.

usage: python3 Benchmarks/hocr_word_iou.py OURS.hocr THEIRS.hocr"""
import re, sys, difflib, statistics
def words(path):
    s = open(path, encoding='utf-8').read()
    out = []
    for m in re.finditer(r"<span class=['\"]ocrx_word['\"][^>]*title=['\"]bbox (\d+) (\d+) (\d+) (\d+)[^>]*>(.*?)</span>(?=\s*(?:<span class=['\"]ocrx_word|\s*</span>))", s, re.S):
        text = re.sub(r'<[^>]+>', '', m.group(5))
        text = text.replace('&amp;', '&').replace('&lt;', '<').replace('&gt;', '>').replace('&quot;', '"').replace('&apos;', "'").replace('&#39;', "'")
        out.append((text.strip(), tuple(int(m.group(i)) for i in range(1, 5))))
    return out
def iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0])); iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    u = (a[2]-a[0])*(a[3]-a[1]) + (b[2]-b[0])*(b[3]-b[1]) - ix*iy
    return ix*iy/u if u else 0
ours, theirs = words(sys.argv[1]), words(sys.argv[2])
sm = difflib.SequenceMatcher(a=[w for w, _ in ours], b=[w for w, _ in theirs], autojunk=False)
vals = []
for blk in sm.get_matching_blocks():
    for k in range(blk.size):
        vals.append(iou(ours[blk.a + k][1], theirs[blk.b + k][1]))
print(f"{sys.argv[1]}: ours {len(ours)} words, tesseract {len(theirs)}, matched {len(vals)}, median IoU {statistics.median(vals):.3f}, 10th pct {sorted(vals)[len(vals)//10]:.3f}")
