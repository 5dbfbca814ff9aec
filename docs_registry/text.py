"""Text as Samepage stores it: one form for the same words, whatever sent them.

A browser's textarea submits CRLF line endings, editors leave trailing spaces and
byte-order marks, and the same accented letter can arrive composed or decomposed.
None of that is a change anyone made, yet each would show in a comparison as words
removed and added again. Services normalise every body, title and summary they
store; comparisons normalise both sides, so versions stored before this rule
(append-only, never rewritten) compare clean too.
"""

import re
import unicodedata

_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


def normalise_text(text: str) -> str:
    """Line endings as \\n, no trailing spaces or tabs at line ends, no byte-order
    mark, Unicode NFC. Idempotent: normalising twice changes nothing more."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return unicodedata.normalize("NFC", _TRAILING_SPACE.sub("", text))
