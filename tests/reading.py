"""Reading level of what a patient reads on a page (textstat's Flesch-Kincaid grade)."""

import html
import re

import textstat

MAIN = '<main class="container py-3" id="main">'


def sentences_of(page_html: str) -> list[str]:
    """The text of each paragraph, list item, legend and heading in the page's main part
    (the red-flag box left out: it is checked on its own)."""
    main = page_html.split(MAIN)[1].split('<section class="stop-box"')[0]
    blocks = re.findall(r"<(p|li|legend|h1|h2)\b[^>]*>(.*?)</\1>", main, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", block)).split()) for _, block in blocks]


def above_grade_6(texts: list[str]) -> list[str]:
    """The sentences (more than five words: not names, labels or links) above grade 6."""
    return [
        text for text in texts if len(text.split()) > 5 and textstat.flesch_kincaid_grade(text) > 6
    ]
