"""Making names from the inputs safe to show in every report format.

Task, model, filter and metric names, doc ids and file paths come from files
anyone can write. Shown verbatim they can reorder text on screen (bidirectional
controls), break a table row (newlines), become spreadsheet formulas
(``=HYPERLINK(...)`` in CSV) or live HTML and links in a pull-request comment
(Markdown). These helpers neutralise each case for one format:

* :func:`visible` (all formats): bidirectional and other control characters
  are shown as ``\\u202e``-style escapes, newlines and tabs as ``\\n``/``\\t``;
* :func:`csv_cell` / :func:`neutralise_csv`: OWASP's rule against CSV
  injection, a leading ``'`` on cells that start with ``= + - @``, tab or
  carriage return, unless the cell is a number;
* :func:`markdown_text`: HTML and inline Markdown syntax escaped, so a name is
  always plain text.
"""

from __future__ import annotations

import csv
import io
import re

#: Unicode bidirectional formatting characters (Trojan Source, CVE-2021-42574)
#: plus the Arabic letter mark.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0 and C1 controls, DEL, the bidi controls, and the line / paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + "".join(sorted(BIDI_CONTROLS)) + "]")
_UNSAFE_KEEP_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029" + "".join(sorted(BIDI_CONTROLS)) + "]"
)


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    return _NAMED.get(char) or f"\\u{ord(char):04x}"


def visible(text: object) -> str:
    """``text`` on one line with every control and bidi character shown escaped.

    Examples
    --------
    >>> visible("evil\\u202ename")
    'evil\\\\u202ename'
    >>> visible("two\\nlines")
    'two\\\\nlines'
    """
    return _UNSAFE.sub(_escape_char, str(text))


def visible_lines(text: str) -> str:
    """Like :func:`visible` for a whole multi-line report: newlines are kept."""
    return _UNSAFE_KEEP_NEWLINE.sub(_escape_char, text)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_cell(text: str) -> str:
    """One CSV cell made inert: a formula-like start gets a leading ``'``.

    Examples
    --------
    >>> csv_cell("=HYPERLINK(\\"http://evil\\")")
    '\\'=HYPERLINK("http://evil")'
    >>> csv_cell("-0.25")
    '-0.25'
    """
    if text.startswith(_FORMULA_START) and not _is_number(text):
        text = "'" + text
    return _UNSAFE.sub(_escape_char, text)


def neutralise_csv(document: str) -> str:
    """Every cell of a CSV document passed through :func:`csv_cell`."""
    rows = list(csv.reader(io.StringIO(document, newline="")))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([[csv_cell(cell) for cell in row] for row in rows])
    return out.getvalue()


# Inline Markdown syntax (GitHub-flavoured): emphasis, code, links and images
# (no link without brackets), table cells, strikethrough, escapes; HTML is
# handled by entities below. An underscore inside a word (demo_mc) never starts
# emphasis, so it stays as is. Names are never at the start of a line, so block
# syntax (#, -, +, 1.) needs no escape.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")


def markdown_text(text: object) -> str:
    """A name as plain Markdown text: no HTML, links, emphasis or table breaks.

    Examples
    --------
    >>> markdown_text("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> markdown_text("[link](http://evil)")
    '\\\\[link\\\\](http://evil)'
    """
    plain = visible(text)
    plain = plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\g<0>", plain)


_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")


def markdown_code(text: object) -> str:
    """A name as a Markdown code span, which no content can break out of: the
    fence is one backtick longer than any run of backticks inside, and ``|`` is
    escaped so the span can sit in a table cell.

    Examples
    --------
    >>> markdown_code("a`b")
    '`` a`b ``'
    >>> markdown_code("<img src=x>")
    '`<img src=x>`'
    """
    plain = visible(text).replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", plain)), default=0)
    if longest == 0:
        return f"`{plain}`"
    fence = "`" * (longest + 1)
    return f"{fence} {plain} {fence}"


def html_bidi(document: str) -> str:
    """An HTML document with bidi controls shown as visible escapes (already escaped HTML)."""
    return _BIDI.sub(_escape_char, document)


__all__ = [
    "BIDI_CONTROLS",
    "csv_cell",
    "html_bidi",
    "markdown_code",
    "markdown_text",
    "neutralise_csv",
    "visible",
    "visible_lines",
]
