"""Text from people, files and models shown in the page as text: never as markup.

Markdown components render links, images and raw HTML; a name, a note or a model's reply that
carries `<img src=…>` or `![](http://…)` would make the browser fetch it (issue 16, item 5). Every
such text goes through `md_text` before it is put into Markdown; HTML components escape with
`html.escape` where they are built."""

from __future__ import annotations

import html
import re

# CommonMark lets any ASCII punctuation be escaped with a backslash; these are the ones that
# start markup anywhere in a line (links, images, emphasis, code, tables, maths)…
_MARKDOWN = re.compile(r"([\\`*_{}\[\]!|~$])")
# …and these only at the start of a line (headings, quotes, lists)
_LINE_START = re.compile(r"^(\s*\d*)([#+\-.)])", re.MULTILINE)


def md_text(text: object) -> str:
    """`text` as literal characters in Markdown: HTML escaped, Markdown punctuation escaped,
    line breaks kept."""
    escaped = html.escape("" if text is None else str(text), quote=False)
    escaped = _MARKDOWN.sub(r"\\\1", escaped)
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}", escaped)
