"""The marker a text carries for a person: 【待补充：…】, what only the agency can supply.

The offline composer and the prompts write it, the number guard passes over its words, the
publish gate refuses a 正式稿 that still has one; all of them use these definitions."""

from __future__ import annotations

import re

TODO_OPEN, TODO_CLOSE = "【待补充：", "】"
# as people type it too: with a half-width colon
TODO_PATTERN = re.compile(r"【待补充[:：][^】]*】")


def todo(what: str) -> str:
    """The marker asking a person for `what`."""
    return f"{TODO_OPEN}{what}{TODO_CLOSE}"
