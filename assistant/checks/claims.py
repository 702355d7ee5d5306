"""Numbers in the narrative bound to table quantities: "予以公开5件" → apply.res.granted.total.

A number is bound only when a quantity keyword stands in the same clause shortly before it and
no other number sits between them, so free prose ("开展培训2次") is never mistaken for a table
figure. Deltas ("比上年增加4条") are kept apart: they are year-on-year claims (XY-04)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from assistant.report.model import Report
from assistant.report.numerals import NumberMention, extract_numbers

_CLAUSE_BREAK = "，,。；;：:！？\n"
_DELTA = re.compile(
    r"(比上年|较上年|同比|比去年|较去年)?(增加|减少|增长|下降|上升|提高|降低|多|少)了?$"
)
_REACH = 14  # how far before a number its keyword may stand, in characters

# keyword (regex, matched at the END of the text before the number) → quantity key
_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"上年结转(政府信息公开)?(申请)?(数量)?(为|共)?", "carry_in"),
    (r"结转(至|到)?下(一)?年度?(继续办理)?(的?申请)?(为|共)?", "carry_out"),
    (r"(本年度?|全年)?新收(到)?(政府信息公开)?(申请)?(数量)?(为|共)?", "new"),
    (r"(办结|办理完毕|答复|作出答复|办理)(政府信息公开)?(申请)?(共|为)?", "res_total"),
    # "予以公开及部分公开8件": one figure for the two results together
    (r"(予以)?公开(及|和|与|、|或)部分公开(的)?(申请)?(共|为)?", "granted_partial"),
    (r"予以公开(的)?(申请)?", "granted"),
    (r"部分公开(的)?(申请)?", "partial"),
    (r"不予公开(的)?(申请)?", "denied"),
    (r"无法提供(的)?(申请)?", "unavailable"),
    (r"不予处理(的)?(申请)?", "not_processed"),
    (r"(被申请|申请|发生|收到)?行政复议(案件)?(共|为)?", "admin_review"),
    (r"(被提起|提起|发生|收到)?行政诉讼(案件)?(共|为)?", "litigation"),
    (r"(制发|印发|出台|制定|发布|新制作)(行政)?规范性文件(共|为)?", "normative_made"),
    (r"废止(行政)?规范性文件(共|为)?", "normative_repealed"),
    (r"现行有效(的)?(行政)?规范性文件(共|为)?", "normative_valid"),
    (r"(作出|办理|受理)?行政许可(决定)?(共|为)?", "licensing"),
    (r"(作出|实施)?行政处罚(决定)?(共|为)?", "penalty"),
    (r"(作出|实施|采取)?行政强制(决定|措施)?(共|为)?", "coercion"),
    (r"行政事业性收费(金额|总额)?(共|为)?", "admin_fees"),
)
_KEYWORD_RES = tuple((re.compile(f"(?:{p})$"), key) for p, key in _KEYWORDS)

# quantity key → the cells or derived values it may denote, per format (any may match)
_TARGETS: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {
        "new": ("apply.new.total",),
        "carry_in": ("apply.carry_in.total",),
        "carry_out": ("apply.carry_out.total",),
        "res_total": ("apply.res.total.total",),
        "granted": ("apply.res.granted.total",),
        "granted_partial": ("apply.res.granted_partial.total",),
        "partial": ("apply.res.partial.total",),
        "denied": ("apply.res.denied.total",),
        "unavailable": ("apply.res.unavailable.total",),
        "not_processed": ("apply.res.not_processed.total",),
        "admin_review": ("review.admin_review.total",),
        "litigation": ("review.litigation.total",),
        "normative_made": ("active.normative_docs.made",),
        "normative_repealed": ("active.normative_docs.repealed",),
        "normative_valid": ("active.normative_docs.valid",),
        "licensing": ("active.licensing.decisions",),
        "penalty": ("active.penalty.decisions",),
        "coercion": ("active.coercion.decisions",),
        "admin_fees": ("active.admin_fees.amount_wan",),
    },
    "2019": {
        "new": ("apply19.new.total",),
        "carry_in": ("apply19.carry_in.total",),
        "carry_out": ("apply19.carry_out.total",),
        "res_total": ("apply19.res.total.total",),
        "granted": ("apply19.res.granted.total",),
        "granted_partial": ("apply19.res.granted_partial.total",),
        "partial": ("apply19.res.partial.total",),
        "denied": ("apply19.res.denied.total",),
        "unavailable": ("apply19.res.unavailable.total",),
        "not_processed": ("apply19.res.not_processed.total",),
        "admin_review": ("review19.admin_review.total",),
        "litigation": ("review19.litigation.total",),
        "normative_made": (
            "active19.normative_docs.new_made",
            "active19.normative_docs.new_published",
        ),
        "licensing": ("active19.licensing.decisions",),
        "penalty": ("active19.penalty.decisions",),
        "coercion": ("active19.coercion.decisions",),
    },
}
QUANTITY_LABELS = {
    "new": "本年新收申请",
    "carry_in": "上年结转申请",
    "carry_out": "结转下年度申请",
    "res_total": "办结申请（总计）",
    "granted": "予以公开",
    "granted_partial": "予以公开与部分公开之和",
    "partial": "部分公开",
    "denied": "不予公开",
    "unavailable": "无法提供",
    "not_processed": "不予处理",
    "admin_review": "行政复议",
    "litigation": "行政诉讼",
    "normative_made": "制发规范性文件",
    "normative_repealed": "废止规范性文件",
    "normative_valid": "现行有效规范性文件",
    "licensing": "行政许可决定",
    "penalty": "行政处罚决定",
    "coercion": "行政强制决定",
    "admin_fees": "行政事业性收费",
}
_UNITS_OK = {"admin_fees": ("万元", "元")}
_COUNT_UNITS = ("件", "条", "个", "项", "宗", "起")


@dataclass(frozen=True)
class Claim:
    key: str  # quantity key, e.g. "granted"
    mention: NumberMention
    keyword: str  # the words that bound it, as written
    is_delta: bool  # "比上年增加4件": a change, not a level


def clause_before(text: str, pos: int) -> str:
    i = pos
    while i > 0 and text[i - 1] not in _CLAUSE_BREAK:
        i -= 1
    return text[i:pos]


@lru_cache(maxsize=1024)
def numbers(text: str) -> tuple[NumberMention, ...]:
    """extract_numbers, memoised: several rules read the same sections in one run, and a
    reviewer's batch checks the same boilerplate sentences again and again."""
    return tuple(extract_numbers(text))


@lru_cache(maxsize=512)
def find_claims(text: str) -> tuple[Claim, ...]:
    return tuple(_find_claims(text))


def _find_claims(text: str) -> list[Claim]:
    mentions = numbers(text)
    claims: list[Claim] = []
    prev_end = 0
    for m in mentions:
        window_start = max(prev_end, m.start - _REACH)
        prev_end = m.end
        if m.kind != "quantity":
            continue
        before = text[window_start : m.start]
        cut = max(before.rfind(ch) for ch in _CLAUSE_BREAK)
        before = before[cut + 1 :] if cut >= 0 else before
        delta = _DELTA.search(before)
        stem = before[: delta.start()] if delta and delta.group(0) else before
        for pattern, key in _KEYWORD_RES:
            hit = pattern.search(stem)
            if hit and hit.group(0):
                if m.unit not in _UNITS_OK.get(key, _COUNT_UNITS):
                    break
                claims.append(Claim(key, m, hit.group(0), bool(delta and delta.group(0))))
                break
    return claims


# claim targets that are the sum of table values: target → its parts (same table)
_SUMS_OF: dict[str, tuple[str, ...]] = {
    f"{t}.{name}": parts
    for t, name, parts in (
        *(
            (t, "res.granted_partial.total", ("res.granted.total", "res.partial.total"))
            for t in ("apply", "apply19")
        ),
        *(
            (t, "litigation.total", ("litigation_direct.total", "litigation_after_review.total"))
            for t in ("review", "review19")
        ),
    )
}


def _sum_cells(cid: str) -> tuple[str, ...]:
    t = cid.split(".")[0]
    return tuple(f"{t}.{p}" for p in _SUMS_OF[cid])


def claim_value(
    report: Report, key: str, derived: Mapping[str, object]
) -> list[tuple[str, Decimal | None]]:
    """The table values a claim may denote: (cell id, value or None when unknown)."""
    out: list[tuple[str, Decimal | None]] = []
    for cid in _TARGETS.get(report.format, {}).get(key, ()):
        if cid in _SUMS_OF:
            values = [derived.get(c, report.value(c)) for c in _sum_cells(cid)]
            total = (
                None
                if any(v is None for v in values)
                else sum((Decimal(str(v)) for v in values), Decimal(0))
            )
            out.append((cid, total))
            continue
        v = derived.get(cid, report.value(cid))
        out.append((cid, None if v is None else Decimal(v)))  # type: ignore[arg-type]
    return out


def evidence_cells(report: Report, cid: str) -> tuple[str, ...]:
    """The real table cells behind a claim target (a derived subtotal names its leaves)."""
    if cid in _SUMS_OF:
        return tuple(c for part in _sum_cells(cid) for c in evidence_cells(report, part))
    if report.layout.has_cell(cid):
        return (cid,)
    prefix, col = cid.rsplit(".", 1)
    return tuple(
        c for c in report.layout.cell_ids if c.startswith(prefix + ".") and c.endswith("." + col)
    )
