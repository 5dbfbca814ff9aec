"""One form for every text that is stored or compared."""

import re
import unicodedata

_TRAILING_SPACE = re.compile(r"[ \t\f\v]+$", re.MULTILINE)


def normalise_text(text: str) -> str:
    """`text` with line endings as \\n, no whitespace at the end of a line, no
    byte-order mark and in Unicode NFC: a browser's CRLF, an editor's stray
    spaces or a decomposed accent then never count as a change."""
    text = text.replace("\ufeff", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TRAILING_SPACE.sub("", text)
    return unicodedata.normalize("NFC", text)
