"""Export the registry to a folder of Markdown and JSON files, and import one back.

Layout of an export (every file UTF-8, JSON with sorted keys, indent 2):

    categories.json  users.json  glossary.json  acknowledgments.json  questions.json
    documents/PRC-0007/document.json        the document's metadata
    documents/PRC-0007/v0003.md             front matter between `---` lines,
                                            then the exact Markdown body

Front matter lines are `key: value`, the value a JSON literal on one line
(`title: "Discount rules"`, `version: 3`). Times are ISO 8601 in UTC with
microseconds. No passwords are exported; imported people get unusable ones.

An import restores an export into a registry without documents, keeping IDs,
version numbers, dates and people. Everything is read and checked first, then
written in one transaction: a problem names the file and line and writes nothing.
Versions are re-rendered from their Markdown and sealed again (integrity.seal), so
verify_history passes; the stored HTML and hashes are not part of an export.
"""

from .exporting import export_registry
from .importing import default_actor, import_export, import_markdown
from .layout import TransferError

__all__ = [
    "TransferError",
    "default_actor",
    "export_registry",
    "import_export",
    "import_markdown",
]
