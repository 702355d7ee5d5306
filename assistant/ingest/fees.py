"""The 信息处理费 figures a published report states in 第六部分 (2021 format) → `fees.*` texts.

The format has no table for them, so a published report says them in a sentence ("发出收费通知
1件，总金额100元，实际收取0元"). Read only what is written as a number; a figure not written stays
absent (the checks then say it is missing), never a guessed 0.
"""

from __future__ import annotations

import re

from assistant.report.sentences import sentences

_NUMBER = r"(\d+(?:\.\d+)?|零|〇)"
_UNIT = r"\s*(万元|元)"
# figure → the pattern that states it, within one sentence about the fee
_PATTERNS: dict[str, re.Pattern[str]] = {
    "fees.notices_count": re.compile(
        r"收费通知书?[^。；;，,\d]{0,4}" + _NUMBER + r"\s*(?:件|份|次)()"
    ),
    "fees.notices_amount_yuan": re.compile(
        r"(?:总金额|通知金额|金额合计|金额)[^。；;，,\d]{0,3}" + _NUMBER + _UNIT
    ),
    "fees.collected_yuan": re.compile(
        r"(?:实际收取|实收|实际收缴)[^。；;，,\d]{0,8}" + _NUMBER + _UNIT
    ),
}
_ABOUT_FEES = re.compile(r"信息处理费|收费通知")


def fee_texts(text: str) -> dict[str, str]:
    """Cell id → the figure as written ("1", "100元", "0.5万元") for each fee figure stated in a
    sentence about the 信息处理费; the first statement of each wins."""
    out: dict[str, str] = {}
    for sent in sentences(text):
        if not _ABOUT_FEES.search(sent.text):
            continue
        for cid, pattern in _PATTERNS.items():
            if cid not in out and (m := pattern.search(sent.text)) is not None:
                number, unit = m.groups()  # the count's unit group is empty: 件 is no money unit
                out[cid] = ("0" if number in ("零", "〇") else number) + unit
    return out
