"""Clerk phrasing → the words of the regulations: “年报什么时候公布” finds 第四十九条's “每年1月31日前
…公布…年度报告”. The expansion is appended to the question, never replaces it."""

from __future__ import annotations

import re

# A clerk's word (regex) → the words the 条例, the format notices and the guides use for it.
_EXPANSIONS: tuple[tuple[str, str], ...] = (
    (r"年报", "年度报告"),
    (r"什么时候|何时|哪天|几月几[号日]|截止|最晚|时间|日期|多久", "每年 月 日前 期限"),
    (r"公布|发布|挂网|晒出", "公布 公开"),
    (r"报送|上报|报给", "报送 报告 主管部门"),
    (r"第几条|哪一?条|哪个条款|什么条款|依据", "条例 规定"),
    (r"多长时间|几天|多少天|几个工作日", "工作日 期限 日内"),
    # not 收取 too: added to 信息处理费的收费标准 it pushed 第四条 out of the real model's top 5
    (r"收钱|收费|要钱", "信息处理费"),
    (r"不给|不公开|拒绝", "不予公开"),
    (r"不理|不管|不处理", "不予处理"),
)
_COMPILED = tuple((re.compile(p), words) for p, words in _EXPANSIONS)


def expand_query(query: str) -> str:
    """The question with the regulation's words for its clerk phrasing appended (once each)."""
    extra = [words for pattern, words in _COMPILED if pattern.search(query)]
    if not extra:
        return query
    seen = dict.fromkeys(w for words in extra for w in words.split() if w not in query)
    return f"{query} {' '.join(seen)}" if seen else query
