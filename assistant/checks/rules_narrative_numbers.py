"""Narrative ↔ table rules (SPEC c.6 NAR and the narrative halves of T2/T3/T4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from assistant.checks.claims import (
    QUANTITY_LABELS,
    NumberMention,
    claim_value,
    evidence_cells,
    find_claims,
    numbers,
)
from assistant.checks.engine import CheckContext, rule
from assistant.checks.findings import Finding
from assistant.report.cells import format_number
from assistant.report.derived import apply_table_id
from assistant.report.layout import NARRATIVE_SECTIONS, SectionId
from assistant.report.sentences import sentence_at, sentences

_SECTIONS: tuple[SectionId, ...] = ("preamble", *NARRATIVE_SECTIONS, "active", "apply", "review")
_PCT_TOLERANCE = Decimal("0.05")


def _texts(ctx: CheckContext) -> Iterator[tuple[SectionId, str]]:
    for sid in _SECTIONS:
        text = ctx.report.text(sid)
        if text.strip():
            yield sid, text


class _Where(TypedDict):
    quote: str
    start: int
    end: int


def _locate(text: str, start: int) -> _Where:
    s = sentence_at(text, start)
    return {"quote": s.text, "start": s.start, "end": s.end}


def _fmt(v: Decimal) -> str:
    return format_number(v.normalize() if v != v.to_integral_value() else int(v))


def _no_text(ctx: CheckContext) -> Finding:
    return ctx.unknown((), "报告中没有正文，无法核对正文中的数字。")


@rule("NAR-01", "error", "19/21", title="正文数字与表格一致", scope="narrative")
def numbers_match_tables(ctx: CheckContext) -> Iterator[Finding]:
    any_text = False
    for sid, text in _texts(ctx):
        any_text = True
        for claim in find_claims(text):
            if claim.is_delta:
                continue
            candidates = claim_value(ctx.report, claim.key, ctx.derived)
            if not candidates:
                continue
            said = claim.mention.value
            if claim.key == "admin_fees" and claim.mention.unit == "元":
                continue  # T2-03 compares 元 in prose with 万元 in the table
            loc = _locate(text, claim.mention.start)
            cells = tuple(c for cid, _ in candidates for c in evidence_cells(ctx.report, cid))
            known = [v for _, v in candidates if v is not None]
            if not known:
                yield ctx.unknown(cells, section=sid, **loc)
                continue
            if said in known or (claim.mention.approx and any(said <= v for v in known)):
                yield ctx.passed(
                    f"正文“{claim.mention.raw}”与表格一致。", cells=cells, section=sid, **loc
                )
                continue
            label = QUANTITY_LABELS[claim.key]
            yield ctx.fail(
                f"正文写“{claim.keyword}{claim.mention.raw}”，但表格中{label}为"
                f"{_fmt(known[0])}。请以表格数据为准修改正文，或核对表格。",
                cells=cells,
                expected=_fmt(known[0]),
                found=_fmt(said),
                section=sid,
                **loc,
            )
    if not any_text:
        yield _no_text(ctx)


# what opens a breakdown of the number just before it: "其中", "包括", or a colon right after it
_LIST_OPEN = re.compile(
    r"其中[：:，,]?|(?<=[\d条件个项次篇家人元])\s*[，,]?\s*(?:包括|包含)[：:]?|(?<=[条件个项次篇家人元])[：:]"
)
_ITEM_SEP = "、，,；;"
_BRACKETS = {"（": "）", "(": ")"}
# a comma-separated part that starts like this is a new clause, not one more item of the list
# ("其中主动公开政府信息120条，被市政府网站采用45条")
_CLAUSE = re.compile(
    r"^(?:被|由|向|在|通过|经|已|均|共|累计|合计|总计|另|此外|并|且|同时|全年|本年|全部|其余|"
    r"办结|答复|占|为|是|达|涉及|主要|分别|以上|上述)"
)
# "比上年增加4条": a comparison inside the list, skipped
_DELTA_PART = re.compile(r"^(?:比|较|同比|环比)")


@dataclass
class _Item:
    value: NumberMention
    nested: list[NumberMention]  # the items of a bracketed breakdown after it, if any


def _top_level(text: str) -> list[tuple[int, int]]:
    """Spans of `text` outside brackets (bracketed asides split a part, not the list)."""
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _BRACKETS:
            if depth == 0 and i > start:
                spans.append((start, i))
            depth += 1
        elif ch in _BRACKETS.values() and depth:
            depth -= 1
            if depth == 0:
                start = i + 1
    if depth == 0 and start < len(text):
        spans.append((start, len(text)))
    return spans


def _list_items(
    text: str, start: int, end: int, nums: list[NumberMention]
) -> tuple[list[_Item], bool]:
    """The items of a breakdown written in text[start:end]: "A 30条（a 3条、b 27条）、B 80条". Stops
    at the first part that is no item (a new clause); True when the list admits it is partial
    ("…等")."""
    items: list[_Item] = []
    k = start
    while k < end:
        # one part: up to the next separator outside brackets
        depth, j = 0, k
        while j < end and not (depth == 0 and text[j] in _ITEM_SEP):
            depth += text[j] in _BRACKETS
            depth -= text[j] in _BRACKETS.values() and depth > 0
            j += 1
        part = text[k:j]
        outside = [(k + a, k + b) for a, b in _top_level(part)]
        top = [m for m in nums if any(a <= m.start < b for a, b in outside)]
        label = text[k : top[0].start].strip() if top else ""
        if _DELTA_PART.match(part.strip()):
            k = j + 1
            continue
        if len(top) != 1 or not label or len(label) > 20 or _CLAUSE.match(label):
            break
        if re.search(r"\d", label):
            break
        after = text[top[0].end : j].strip()
        inner = [m for m in nums if top[0].end <= m.start < j and m not in top]
        items.append(_Item(top[0], inner))
        if after.startswith("等"):
            return items, True
        k = j + 1
    return items, False


def _breakdowns(
    text: str,
) -> Iterator[tuple[NumberMention, list[NumberMention], str, bool]]:
    """(total, parts, sentence) for each breakdown of a number written in `text`, nested ones too:
    "120条，其中政策文件30条（规范性文件3条、其他文件27条）、工作动态80条" gives 120 → 30, 80
    and 30 → 3, 27. A list that admits it is partial ("…等") gives nothing. The flag says whether
    the list claims to be complete: a 其中 list of a few named parts may leave some out (SPEC
    NAR-02) unless it says 分别为 or gives a 共; 包括, a colon and a bracketed breakdown do claim it."""
    for sent in sentences(text):
        body = sent.text
        nums = [m for m in numbers(body) if m.kind == "quantity" and not _is_delta(body, m.start)]
        for opener in _LIST_OPEN.finditer(body):
            before = [m for m in nums if m.end <= opener.start()]
            if not before:
                continue
            total = before[-1]
            if not opener.group(0).startswith("其中") and body[total.end : opener.start()].strip(
                " ，,"
            ):
                continue  # "包括" and ":" break down the number right before them only
            items, partial = _list_items(body, opener.end(), len(body), nums)
            if partial:
                continue
            listed = body[opener.end() : items[-1].value.end] if items else ""
            complete = not opener.group(0).startswith("其中") or bool(re.search(r"分别|共", listed))
            yield total, [i.value for i in items], sent.text, complete
            for item in items:
                if len(item.nested) >= 2:
                    yield item.value, item.nested, sent.text, True


@rule("NAR-02", "error", "08/19/21", title="正文列举的分项之和等于总数", scope="narrative")
def enumerations_add_up(ctx: CheckContext) -> Iterator[Finding]:
    for sid, text in _texts(ctx):
        for total, parts, quote, complete in _breakdowns(text):
            if len(parts) < 2 or any(m.approx for m in [total, *parts]):
                continue
            # the last part may leave out the measure word ("财政信息10"): it is the list's
            if any(m.unit != total.unit for m in parts[:-1]) or parts[-1].unit not in (
                total.unit,
                None,
            ):
                continue
            got = sum((m.value for m in parts), Decimal(0))
            start = text.find(quote)
            loc = {"quote": quote, "start": start, "end": start + len(quote)}
            expr = "+".join(_fmt(m.value) for m in parts)
            if got < total.value and not complete:
                continue  # "其中A、B": some parts named, not all of them
            if got == total.value:
                yield ctx.passed(
                    f"列举之和 {expr}={_fmt(got)}，与总数一致。",
                    section=sid,
                    expected=_fmt(total.value),
                    found=_fmt(got),
                    **loc,
                )
            else:
                yield ctx.fail(
                    f"正文“{total.raw}”的分项 {expr}={_fmt(got)}{total.unit or ''}，"
                    f"与总数{total.raw}不符。请核对分项或总数。",
                    section=sid,
                    expected=_fmt(total.value),
                    found=_fmt(got),
                    **loc,
                )


def _is_delta(text: str, start: int) -> bool:
    return bool(
        re.search(
            r"(增加|减少|增长|下降|上升|提高|降低|多|少)了?$", text[max(0, start - 4) : start]
        )
    )


@rule("NAR-03", "warning", "19/21", title="百分比与表格数据相符", scope="narrative")
def percentages(ctx: CheckContext) -> Iterator[Finding]:
    t = apply_table_id(ctx.report)
    denominators = {
        "办结总数": ctx.v(f"{t}.res.total.total"),
        "新收申请数": ctx.v(f"{t}.new.total"),
    }
    for sid, text in _texts(ctx):
        claims = [c for c in find_claims(text) if not c.is_delta]
        for m in numbers(text):
            if m.kind != "percent" or m.unit != "%":
                continue
            sent = sentence_at(text, m.start)
            prior = [c for c in claims if sent.start <= c.mention.start < m.start]
            if not prior:
                continue
            claim = prior[-1]
            values = [
                v for _, v in claim_value(ctx.report, claim.key, ctx.derived) if v is not None
            ]
            if not values or claim.key in ("new", "res_total", "carry_in", "carry_out"):
                continue
            loc = {"quote": sent.text, "start": sent.start, "end": sent.end}
            matched = None
            for name, den in denominators.items():
                if den:
                    pct = Decimal(values[0]) * 100 / Decimal(den)
                    if abs(pct - m.value) <= _PCT_TOLERANCE:
                        matched = name
                        break
            if matched:
                yield ctx.passed(f"百分比{m.raw}按{matched}计算相符。", section=sid, **loc)
            elif any(denominators.values()):
                den = denominators["办结总数"] or denominators["新收申请数"]
                pct = (Decimal(values[0]) * 100 / Decimal(den)).quantize(Decimal("0.01"))  # type: ignore[arg-type]
                yield ctx.fail(
                    f"正文“{m.raw}”与表格不符：{QUANTITY_LABELS[claim.key]}"
                    f"{_fmt(values[0])}件占办结总数{_fmt(Decimal(den))}件的{pct}%。",  # type: ignore[arg-type]
                    section=sid,
                    expected=f"{pct}%",
                    found=m.raw,
                    **loc,
                )


_WRONG_UNIT = re.compile(r"(申请|复议|诉讼)[^，。；\d]{0,8}?(\d+)\s*条")
# "公开申请文艺演出许可16条": items published about another kind of application (a licence, a
# subsidy), counted in 条 as published information is, not 政府信息公开 applications
_OTHER_APPLICATION = re.compile(r"许可|审批|备案|登记|证照?|资质|补贴|补助|资金|项目")
_PUBLISHED_BEFORE = re.compile(r"(?<!信息)(公开|公示|发布|公布)[^，。；]{0,4}$")


@rule("NAR-04", "warning", "19/21", title="计量单位正确（申请、案件用“件”）", scope="narrative")
def units(ctx: CheckContext) -> Iterator[Finding]:
    failed = False
    for sid, text in _texts(ctx):
        for m in _WRONG_UNIT.finditer(text):
            if m.group(1) == "申请" and (
                _OTHER_APPLICATION.search(m.group(0))
                or _PUBLISHED_BEFORE.search(text[max(0, m.start() - 8) : m.start()])
            ):
                continue
            loc = _locate(text, m.start())
            failed = True
            yield ctx.fail(
                f"“{m.group(0)}”：政府信息公开申请和复议、诉讼案件的计量单位是“件”，不是“条”。",
                section=sid,
                **loc,
            )
    if not failed and ctx.report.narrative.strip():
        yield ctx.passed("申请和案件的计量单位正确。")


_RECEIVED = re.compile(r"(共|全年|本年度?)?(收到|受理)[^，。；]{0,10}?申请(共|合计)?(?P<n>\d+)件")


@rule("NAR-05", "warning", "19/21", title="“共收到申请N件”口径明确", scope="narrative")
def received_scope(ctx: CheckContext) -> Iterator[Finding]:
    t = apply_table_id(ctx.report)
    new, carry = ctx.v(f"{t}.new.total"), ctx.v(f"{t}.carry_in.total")
    for sid, text in _texts(ctx):
        for m in _RECEIVED.finditer(text):
            if "新收" in m.group(0):
                continue  # NAR-01 binds 新收 directly
            n = Decimal(m.group("n"))
            loc = _locate(text, m.start())
            cells = (f"{t}.new.total", f"{t}.carry_in.total")
            if new is None or carry is None:
                yield ctx.unknown(cells, section=sid, **loc)
            elif n == new:
                yield ctx.passed("“收到申请”数与本年新收一致。", cells=cells, section=sid, **loc)
            elif n == new + carry and "结转" in loc["quote"]:
                yield ctx.passed(
                    "“收到申请”数为新收加上年结转，正文已说明。", cells=cells, section=sid, **loc
                )
            else:
                yield ctx.fail(
                    f"正文“{m.group(0)}”与表格不符或口径不明：本年新收{format_number(new)}件，"
                    f"上年结转{format_number(carry)}件。请写明是否包含上年结转。",
                    cells=cells,
                    section=sid,
                    found=m.group("n"),
                    **loc,
                )


_ZERO_APPLY = re.compile(
    r"未(收到|受理|接到)[^，。；]{0,8}(政府信息公开|依申请公开)?(申请|事项)|"
    r"(没有|无)(收到)?[^，。；]{0,4}依申请公开"
)
_ZERO_REVIEW = re.compile(
    r"(未|没有)(发生|出现|收到|被)?[^，。；]{0,6}?(行政复议|行政诉讼)"
    r"([、和及与或]?(行政复议|行政诉讼))?"
)
_REVIEW_GROUPS = {
    "行政复议": ("admin_review",),
    "行政诉讼": ("litigation_direct", "litigation_after_review"),
}


@rule("NAR-06", "error", "19/21", title="“未收到申请”“未发生复议诉讼”与表格一致", scope="narrative")
def zero_claims(ctx: CheckContext) -> Iterator[Finding]:
    t = apply_table_id(ctx.report)
    r = "review" if ctx.report.format == "2021" else "review19"
    for sid, text in _texts(ctx):
        for m in _ZERO_APPLY.finditer(text):
            loc = _locate(text, m.start())
            yield from _zero(ctx, (f"{t}.new.total",), m.group(0), sid, loc)
        for m in _ZERO_REVIEW.finditer(text):
            loc = _locate(text, m.start())
            named = {m.group(3), m.group(5)} - {None}
            cells = tuple(
                f"{r}.{g}.total"
                for kind in ("行政复议", "行政诉讼")
                if kind in named
                for g in _REVIEW_GROUPS[kind]
            )
            yield from _zero(ctx, cells, m.group(0), sid, loc)


def _zero(
    ctx: CheckContext, cells: tuple[str, ...], said: str, sid: SectionId, loc: _Where
) -> Iterator[Finding]:
    values = [ctx.v(c) for c in cells]
    if any(v is None for v in values):
        yield ctx.unknown(cells, section=sid, **loc)
    elif all(v == 0 for v in values):
        yield ctx.passed(f"正文“{said}”与表格一致。", cells=cells, section=sid, **loc)
    else:
        shown = "、".join(
            f"{ctx.where(c)}为{format_number(v)}" for c, v in zip(cells, values, strict=True) if v
        )
        yield ctx.fail(
            f"正文称“{said}”，但{shown}。请修改正文或核对表格。", cells=cells, section=sid, **loc
        )


_NO_NORMATIVE = re.compile(r"(无|没有|未(制发|出台|印发|制定|发布))(行政)?规范性文件")


@rule("NAR-08", "warning", "19/21", title="规范性文件表述与表二一致", scope="narrative")
def normative_claims(ctx: CheckContext) -> Iterator[Finding]:
    cid = (
        "active.normative_docs.made"
        if ctx.report.format == "2021"
        else "active19.normative_docs.new_made"
    )
    made = ctx.v(cid)
    claimed = False
    for sid, text in _texts(ctx):
        for m in _NO_NORMATIVE.finditer(text):
            claimed = True
            loc = _locate(text, m.start())
            if made is None:
                yield ctx.unknown((cid,), section=sid, **loc)
            elif made == 0:
                yield ctx.passed("正文与表二规范性文件数一致。", cells=(cid,), section=sid, **loc)
            else:
                yield ctx.fail(
                    f"正文称“{m.group(0)}”，但表二本年制发{format_number(made)}件。",
                    cells=(cid,),
                    section=sid,
                    **loc,
                )
    if not claimed and ctx.report.narrative.strip():
        yield ctx.passed("正文未见与表二规范性文件数相矛盾的表述。", cells=(cid,))


# "均获维持" "均维持原行政行为" / "均已审结" "均已结案": a claim about every case of a group
_ALL_UPHELD = re.compile(r"(?:均|全部|都)(?:获|被|予以|已被|已)?维持")
_ALL_CLOSED = re.compile(r"(?:均|全部|都)(?:已|已经)?(?:审结|结案|办结)")


def _review_groups(sentence: str) -> tuple[str, ...]:
    groups: tuple[str, ...] = ()
    if "复议" in sentence:
        groups += ("admin_review",)
    if "诉讼" in sentence:
        groups += ("litigation_direct", "litigation_after_review")
    return groups


@rule("NAR-09", "error", "19/21", title="“均获维持”“均已审结”与表四一致", scope="narrative")
def review_outcome_claims(ctx: CheckContext) -> Iterator[Finding]:
    t = "review" if ctx.report.format == "2021" else "review19"
    claimed = False
    for sid, text in _texts(ctx):
        for sent in sentences(text):
            upheld, closed = _ALL_UPHELD.search(sent.text), _ALL_CLOSED.search(sent.text)
            groups = _review_groups(sent.text) if upheld or closed else ()
            if not groups:
                continue
            claimed = True
            loc = _Where(quote=sent.text, start=sent.start, end=sent.end)
            # "均获维持" allows no case corrected, otherwise ended or still pending
            others = ("corrected", "other", "pending") if upheld else ("pending",)
            cells = tuple(f"{t}.{g}.{o}" for g in groups for o in others)
            read = {c: ctx.v(c) for c in cells}
            values = {c: v for c, v in read.items() if v is not None}
            if len(values) < len(read):
                yield ctx.unknown(cells, section=sid, **loc)
                continue
            against = [c for c, v in values.items() if v]
            said = (upheld or closed).group(0)  # type: ignore[union-attr]
            if against:
                shown = "、".join(f"{ctx.where(c)}为{format_number(values[c])}" for c in against)
                yield ctx.fail(
                    f"正文称“{said}”，但{shown}。请核对正文或表四。",
                    cells=tuple(against),
                    section=sid,
                    **loc,
                )
            else:
                yield ctx.passed(f"正文“{said}”与表四一致。", cells=cells, section=sid, **loc)
    if not claimed and ctx.report.narrative.strip():
        yield ctx.passed("正文未见关于复议、诉讼结果的概括表述。")
