"""The running prose of the license texts in /usr/share/common-licenses (GPL-3, Apache-2.0,
MPL-2.0) that the page scripts set: paragraphs of more than 250 characters without headings,
one-word lists or ASCII art, whitespace joined, in file order."""
import re


def license_paragraphs():
    paragraphs = []
    for name in ['GPL-3', 'Apache-2.0', 'MPL-2.0']:
        text = open('/usr/share/common-licenses/' + name, encoding='utf-8').read()
        for p in text.split('\n\n'):
            p = re.sub(r'\s+', ' ', p).strip()
            if len(p) > 250 and not re.search(r'[_=*<>]{2,}|http', p):
                paragraphs.append(p)
    return paragraphs
