"""From a file's text (plain or HTML) to an article: header facts and the body paragraphs.

What is dropped is what a coder skips: page furniture ("Skip to content", "Read more: ..."),
photo captions and their credits, headings, the author-initials trailer. What is kept keeps its
character offsets into `Article.text` (the file's own text, or the text of an HTML page with its
tags stripped), so each extracted field can point at the sentence it came from.

Public API: `read_article(raw, *, published=None, source=None, url=None, name="") -> Article`.
Raises `ArticleError` (a ConflictkitError) for input that is not an article: binary data or text
far beyond any news report's length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlparse

from conflictkit.builders.extract._data import table, words
from conflictkit.builders.extract.dates import parse_date
from conflictkit.builders.extract.sentences import Sentence, split_sentences
from conflictkit.errors import ConflictkitError

MAX_TEXT_CHARS = 300_000  # a long feature is ~30,000; beyond this it is not one article
MAX_HTML_CHARS = 20_000_000  # pages carry scripts and styles; the text inside is what counts
HEADER_KEYS = {
    "title": "title", "headline": "title", "date": "date", "published": "date",
    "publication date": "date", "pubdate": "date", "url": "url", "link": "url",
    "source_url": "url", "outlet": "outlet", "source": "outlet", "publisher": "outlet",
    "site": "outlet", "author": "author", "byline": "author", "language": "language",
}
_HEADER_LINE = re.compile(r"^\s*([A-Za-z_ ]{2,20})\s*:\s*(.*\S)\s*$")
_HTML_HINT = re.compile(r"<(?:!doctype|html|head|body|p|div|article|span|br|a|section)\b",
                        re.I)
_ENGLISH = words("the of and to in a was were is are said on by for with at has had from "
                     "that it as an their they he she after who been")
_DATE_LINE = re.compile(r"^(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?[\w ,./:-]+$")
_BULLET = re.compile(r"^(?:[-•*·–]|\d{1,2}[.)])\s+")


class ArticleError(ConflictkitError):
    """The input cannot be read as a news article (binary, or far too long)."""


@dataclass(frozen=True)
class Paragraph:
    text: str
    start: int  # offset of text[0] in Article.text


@dataclass
class Article:
    """A cleaned article: the text offsets refer to, header facts, and body paragraphs."""

    text: str
    paragraphs: list[Paragraph]
    title: str | None = None
    published: date | None = None
    url: str | None = None
    outlet: str | None = None
    outlet_scale: str | None = None
    agencies: list[str] = field(default_factory=list)
    dateline: str | None = None  # the place the dateline names ("KABUL"), as written
    dateline_span: tuple[int, int] | None = None
    name: str = ""
    warnings: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)


@cache
def _patterns() -> dict[str, object]:
    data = table("text")
    agencies: dict[str, str] = {}
    for canonical, spellings in data["agencies"].items():
        for spelling in spellings:
            agencies[spelling.lower()] = canonical
    return {
        "drop": [re.compile(p, re.I) for p in data["drop_lines"]],
        "photo_credit": re.compile(data["photo_credit"], re.I),
        "credit_trailer": re.compile(data["credit_trailer"]),
        "dateline": re.compile(data["dateline"]),
        "agencies": agencies,
        "outlets": [
            {**o, "markers": [re.compile(m) for m in o.get("markers", [])]}
            for o in data["outlets"]
        ],
    }


class _TextOfHtml(HTMLParser):
    """Visible text of a page, one block per paragraph; captions, menus and scripts skipped."""

    SKIP = words("script style noscript nav footer header aside figure figcaption form "
                     "button svg iframe template select option")
    BLOCK = words("p div br li h1 h2 h3 h4 h5 h6 tr section article blockquote ul ol "
                      "table dd dt pre hr main")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.title = ""
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip_depth += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "meta":
            values = {k.lower(): (v or "") for k, v in attrs}
            key = (values.get("property") or values.get("name") or values.get("itemprop")
                   or "").lower()
            if key and values.get("content"):
                self.meta.setdefault(key, values["content"])
        elif tag == "link":
            values = {k.lower(): (v or "") for k, v in attrs}
            if values.get("rel", "").lower() == "canonical" and values.get("href"):
                self.meta.setdefault("canonical", values["href"])
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "title":
            self.in_title = False
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        elif not self.skip_depth:
            self.parts.append(data)


def _html_to_text(raw: str) -> tuple[str, dict[str, str]]:
    parser = _TextOfHtml()
    parser.feed(raw)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v\u00a0]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    meta = dict(parser.meta)
    if parser.title.strip():
        meta.setdefault("title", unescape(parser.title.strip()))
    return text, meta


def _outlet_of_url(url: str) -> tuple[str, str] | None:
    host = urlparse(url if "//" in url else f"//{url}").netloc.lower()
    host = host.removeprefix("www.")
    for outlet in _patterns()["outlets"]:  # type: ignore[attr-defined]
        for domain in outlet["domains"]:
            if host == domain or host.endswith("." + domain):
                return outlet["name"], outlet["scale"]
    return None


def _outlet_by_name(name: str) -> tuple[str, str] | None:
    low = name.strip().lower()
    for outlet in _patterns()["outlets"]:  # type: ignore[attr-defined]
        if outlet["name"].lower() == low or low in (d.split(".")[0] for d in outlet["domains"]):
            return outlet["name"], outlet["scale"]
    return None


def _agencies_in(text: str) -> list[str]:
    known: dict[str, str] = _patterns()["agencies"]  # type: ignore[assignment]
    found: list[str] = []
    for part in re.split(r"\s*(?:,|/|;|\band\b|&)\s*", text):
        canonical = known.get(part.strip().lower())
        if canonical and canonical not in found:
            found.append(canonical)
    return found


def looks_english(text: str) -> bool:
    """Whether a text reads as English (share of common function words), for a clear warning."""
    words = re.findall(r"[A-Za-z]+", text[:20_000].lower())
    if len(words) < 8:
        return True
    return sum(w in _ENGLISH for w in words) / len(words) >= 0.08


def _lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _is_heading(line: str) -> bool:
    """A headline or cross-head: short, no closing punctuation."""
    stripped = line.strip().rstrip("\"'”’")
    words = stripped.split()
    if len(stripped) >= 140 or len(words) > 16 or not words:
        return False
    if stripped.endswith("?"):
        capitalised = sum(w[:1].isupper() for w in words)
        return capitalised >= 0.6 * len(words)
    return not re.search(r"[.!:;,)]$", stripped)


def read_article(raw: str, *, published: date | None = None, source: str | None = None,
                 url: str | None = None, name: str = "") -> Article:
    """Clean an article and gather what its header says; options win over the header."""
    label = name or "<input>"
    if "\x00" in raw[:10_000]:
        raise ArticleError(f"{label}: binary data, not an article (a NUL byte in the first 10 kB)")
    meta: dict[str, str] = {}
    if _HTML_HINT.search(raw[:5000]) and len(_HTML_HINT.findall(raw[:50_000])) >= 2:
        if len(raw) > MAX_HTML_CHARS:
            raise ArticleError(f"{label}: {len(raw):,} characters of HTML is not one article "
                               f"(limit {MAX_HTML_CHARS:,})")
        text, meta = _html_to_text(raw)
    else:
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_TEXT_CHARS:
        raise ArticleError(
            f"{label}: {len(text):,} characters of text is not one news article (limit "
            f"{MAX_TEXT_CHARS:,}); pass each article as its own file")
    patterns = _patterns()
    lines = _lines(text)
    header: dict[str, str] = {}
    i = 0
    while i < len(lines) and not lines[i][1].strip():
        i += 1
    if i < len(lines) and lines[i][1].strip() == "---":  # YAML-style front matter
        i += 1
    while i < len(lines):
        match = _HEADER_LINE.match(lines[i][1])
        key = HEADER_KEYS.get(match.group(1).strip().lower()) if match else None
        if not match or (not key and not header):
            break
        if key:  # other keys of a header block (license:, tags:) are read past, not kept
            header.setdefault(key, match.group(2))
        i += 1
    if header and i < len(lines) and lines[i][1].strip() == "---":
        i += 1
    body_lines = lines[i:] if header else lines

    article = Article(text=text, paragraphs=[], name=name)
    article.title = header.get("title") or meta.get("og:title") or meta.get("title")
    article.url = url or header.get("url") or meta.get("og:url") or meta.get("canonical")
    for candidate in (header.get("date"), meta.get("article:published_time"),
                      meta.get("datepublished"), meta.get("date"), meta.get("pubdate")):
        if candidate and parse_date(candidate):
            article.published = parse_date(candidate)
            break

    drop = patterns["drop"]
    kept: list[tuple[int, str]] = []
    for pos, line in body_lines:
        stripped = line.strip()
        if not stripped:
            kept.append((pos, ""))
            continue
        if any(p.search(stripped) for p in drop):  # type: ignore[attr-defined]
            if patterns["photo_credit"].search(stripped) and kept:  # type: ignore[attr-defined]
                # the caption is the short line above the credit
                j = len(kept) - 1
                while j >= 0 and not kept[j][1].strip():
                    j -= 1
                if j >= 0 and _is_heading(kept[j][1]):
                    kept[j] = (kept[j][0], "")
            kept.append((pos, ""))
            continue
        trailer = patterns["credit_trailer"].match(stripped)  # type: ignore[attr-defined]
        if trailer:
            article.agencies.extend(a for a in _agencies_in(trailer.group(2))
                                    if a not in article.agencies)
            kept.append((pos, ""))
            continue
        if len(stripped) < 60 and _DATE_LINE.match(stripped) and parse_date(stripped):
            if article.published is None and published is None:  # a date line, not body text
                article.published = parse_date(stripped)
            kept.append((pos, ""))
            continue
        kept.append((pos, line))

    # Paragraphs: blocks of non-empty lines. Headings stay out of the body (a headline repeats
    # the lead; cross-heads are not events) but the first one becomes the title when none is set.
    block: list[tuple[int, str]] = []
    blocks: list[list[tuple[int, str]]] = []
    for pos, line in [*kept, (len(text), "")]:
        if line.strip() and not _BULLET.match(line.strip()):
            block.append((pos, line))
            continue
        if block:
            blocks.append(block)
            block = []
        if line.strip():  # a bullet item is a paragraph of its own
            block.append((pos, line))
    headings: list[Paragraph] = []
    for block in blocks:
        start = block[0][0] + len(block[0][1]) - len(block[0][1].lstrip())
        end = block[-1][0] + len(block[-1][1].rstrip())
        piece = text[start:end]
        bullet = _BULLET.match(piece)
        if bullet:
            start += bullet.end()
            piece = piece[bullet.end():]
        if len(block) == 1 and _is_heading(piece):
            if article.title is None:
                article.title = piece.strip()
            else:
                headings.append(Paragraph(piece.replace("\n", " "), start))
            continue
        article.paragraphs.append(Paragraph(piece.replace("\n", " "), start))
    if not article.paragraphs and headings:
        # nothing but short unpunctuated lines (a fragment, tag soup): read them as the text
        article.paragraphs = headings

    outlet = None
    if source:
        outlet = _outlet_by_name(source) or (source, "")
    elif article.url:
        outlet = _outlet_of_url(article.url)
    if outlet is None and header.get("outlet"):
        outlet = _outlet_by_name(header["outlet"]) or (header["outlet"], "")
    if outlet is None and meta.get("og:site_name"):
        outlet = _outlet_by_name(meta["og:site_name"]) or (meta["og:site_name"], "")
    if outlet is None:
        furniture = "\n".join(line for _, line in lines[:12] + lines[-12:])
        for candidate in patterns["outlets"]:  # type: ignore[attr-defined]
            if any(m.search(furniture) for m in candidate["markers"]):
                outlet = (candidate["name"], candidate["scale"])
                break
    if outlet:
        article.outlet, article.outlet_scale = outlet[0], outlet[1] or None
    if published is not None:
        article.published = published

    if article.paragraphs:
        first = article.paragraphs[0]
        match = patterns["dateline"].match(first.text)  # type: ignore[attr-defined]
        if match and (match["agency"] or match["place"].isupper()):
            place = match["place"].strip()
            if place.isupper() and len(place) > 2:
                article.dateline = place.title()
                article.dateline_span = (first.start + match.start("place"),
                                         first.start + match.end("place"))
            if match["agency"]:
                for agency in _agencies_in(match["agency"]):
                    if agency not in article.agencies:
                        article.agencies.append(agency)
            # the dateline is a place, not part of the first sentence (its date is the filing's)
            article.paragraphs[0] = Paragraph(first.text[match.end():],
                                              first.start + match.end())
    if article.outlet in article.agencies:
        article.agencies.remove(article.outlet)
    index = 0
    for number, paragraph in enumerate(article.paragraphs):
        found = split_sentences(paragraph.text, paragraph.start, number, index)
        article.sentences.extend(found)
        index += len(found)
    body = " ".join(p.text for p in article.paragraphs)
    if body and not looks_english(body):
        article.warnings.append("the text does not read as English; the rule-based extractor "
                                "reads English only")
    return article
