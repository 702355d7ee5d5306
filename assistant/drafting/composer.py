"""The offline composer: deterministic drafts from facts, notes and retrieved guidance, no model.

Every number is written as a `[[fact:ID]]` reference (the drafter substitutes the values), and
whatever only a person can supply becomes a 【待补充：…】 marker, so the guard has nothing to flag.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from assistant.report.facts import FactLedger
from assistant.report.layout import SectionId
from assistant.report.markers import todo
from assistant.report.model import Report
from assistant.report.numerals import extract_numbers
from assistant.report.problems import split_points, split_problems

OVERVIEW_SUBS = ("主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障")
_CN = "一二三四五六七八九十"
_RESULTS = (
    ("res.granted", "予以公开"),
    ("res.partial", "部分公开"),
    ("res.denied", "不予公开"),
    ("res.unavailable", "无法提供"),
    ("res.not_processed", "不予处理"),
    ("res.other", "其他处理"),
)
_OTHER_SHARE_LIMIT = Decimal(20)  # SPEC T3-07 [H]
_REVIEW_GROUPS = (
    ("admin_review", "行政复议"),
    ("litigation_direct", "未经复议直接提起的行政诉讼"),
    ("litigation_after_review", "复议后提起的行政诉讼"),
)


class Guidance(Protocol):
    """A retrieved passage as the composer sees it (a retrieval `Hit` is one)."""

    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def article(self) -> str | None: ...


@dataclass(frozen=True)
class ComposeInput:
    report: Report
    ledger: FactLedger
    notes: Mapping[SectionId, Mapping[str, str]]  # section → sub-heading ("" = whole) → text
    passages: Sequence[Guidance]
    prior: Report | None = None


def compose(section: str, data: ComposeInput) -> str:
    """The draft of one section, with `[[fact:ID]]` references and [n] citations."""
    writer = {
        "preamble": _preamble,
        "overview": _overview,
        "problems": _problems,
        "other": _other,
        "active": _active_note,
        "apply": _apply_note,
        "review": _review_note,
    }[section]
    return writer(data)


def _table_note(data: ComposeInput, section: SectionId, lines: list[str]) -> str:
    note = _note(data, section, "")
    return "".join([*lines, _end(note)] if note else lines)


def _active_note(data: ComposeInput) -> str:
    """二: why 规章 is 0 for a body without rule-making power (SPEC e.2, T2-01)."""
    t = "active" if data.report.format == "2021" else "active19"
    rules = [
        data.ledger.value(f.id)
        for f in data.ledger.by_source("cell")
        if f.id.startswith(f"{t}.rules.")
    ]
    lines = []
    if data.report.agency.kind == "department" and rules and not any(rules):
        lines.append("本机关不具有规章制定权，规章相关数据均为0。")
    return _table_note(data, "active", lines)


def _apply_note(data: ComposeInput) -> str:
    """三: ask for the reasons behind a high 其他处理 share (T3-07)."""
    other_id = (
        "apply.res.other.other.total" if data.report.format == "2021" else "apply.res.other.total"
    )
    share, total = _val(data, f"ratio.{other_id}"), _val(data, "apply.res.total.total") or 0
    lines = []
    if share is not None and share > _OTHER_SHARE_LIMIT and total >= 10:
        lines.append(
            f"“其他处理”{_ref(data, other_id)}，"
            + todo("说明这些申请的具体情形和未按法定方式处理的原因")
        )
    return _table_note(data, "apply", lines)


def _review_note(data: ComposeInput) -> str:
    """四: what went wrong in corrected cases, and pending ones (T4-05, XY-08)."""
    lines = []
    for group, name in _REVIEW_GROUPS:
        if _val(data, f"review.{group}.corrected"):
            lines.append(
                f"{name}结果纠正{_ref(data, f'review.{group}.corrected')}，"
                + todo("纠正的原因及整改情况")
            )
        if _val(data, f"review.{group}.pending"):
            lines.append(
                f"{name}尚未审结{_ref(data, f'review.{group}.pending')}，" + todo("目前进展")
            )
    return _table_note(data, "review", lines)


def _ref(data: ComposeInput, fact_id: str) -> str | None:
    return f"[[fact:{fact_id}]]" if fact_id in data.ledger else None


def _val(data: ComposeInput, fact_id: str) -> Decimal | None:
    return data.ledger.value(fact_id)


def _cite(
    data: ComposeInput, *, kind: str, article: str | None = None, title_has: str | None = None
) -> str:
    """[n] for the first retrieved passage of that kind (and article), or nothing."""
    for n, p in enumerate(data.passages, start=1):
        if (
            p.kind == kind
            and (article is None or p.article == article)
            and (title_has is None or title_has in p.title)
        ):
            return f"[{n}]"
    return ""


def _note(data: ComposeInput, section: SectionId, sub: str) -> str:
    return data.notes.get(section, {}).get(sub, "").strip()


def _end(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in "。！？；】" else text + "。"


def _preamble(data: ComposeInput) -> str:
    r = data.report
    agency = r.agency.name or todo("机关全称")
    notice = "国办公开办函〔2021〕30号" if r.format == "2021" else "国办公开办函〔2019〕60号"
    fmt_title = (
        "《中华人民共和国政府信息公开工作年度报告格式》"
        if r.format == "2021"
        else "《中华人民共和国政府信息公开工作年度报告格式（试行）》"
    )
    art50 = _cite(data, kind="regulation", article="第五十条")
    basis = f"，按照《条例》第五十条{art50}规定的内容" if art50 else ""
    fmt_cite = _cite(data, kind="format")
    where = site_root(r.agency.website) or todo("电子版发布网站名称及网址")
    contact = "；".join(
        f"{label}：{value or todo(label)}"
        for label, value in (
            ("通讯地址", r.agency.address),
            ("邮编", r.agency.postcode),
            ("联系电话", r.agency.phone),
        )
    )
    y = r.year
    return (
        f"本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{fmt_title}"
        f"（{notice}）{fmt_cite}要求{basis}，由{agency}编制。全文包括总体情况、主动公开政府信息情况、"
        f"收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、"
        f"其他需要报告的事项。本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
        f"本报告电子版可在{where}查阅或下载。如对本报告有疑问，请与{agency}联系（{contact}）。"
    )


def _overview(data: ComposeInput) -> str:
    parts = []
    writers = (_active, _apply, _management, _platform, _supervision)
    for i, (sub, writer) in enumerate(zip(OVERVIEW_SUBS, writers, strict=True)):
        parts.append(f"（{ordinal(i)}）{sub}\n{writer(data)}")
    general = _note(data, "overview", "")
    return "\n".join(([_end(general)] if general else []) + parts)


def _active(data: ComposeInput) -> str:
    out = [_end(_note(data, "overview", "主动公开"))] if _note(data, "overview", "主动公开") else []
    t = "active" if data.report.format == "2021" else "active19"
    made = "made" if t == "active" else "new_made"
    doc_label = "行政规范性文件" if t == "active" else "规范性文件"
    if _val(data, f"{t}.normative_docs.{made}"):
        line = f"本年制发{doc_label}{_ref(data, f'{t}.normative_docs.{made}')}"
        if t == "active" and _val(data, "active.normative_docs.valid") is not None:
            line += f"，现行有效{_ref(data, 'active.normative_docs.valid')}"
        out.append(line + "。")
    decisions = [
        f"{name}决定{_ref(data, f'{t}.{row}.decisions')}"
        for row, name in (
            ("licensing", "行政许可"),
            ("penalty", "行政处罚"),
            ("coercion", "行政强制"),
        )
        if _val(data, f"{t}.{row}.decisions")
    ]
    if decisions:
        out.append("本年作出" + "、".join(decisions) + "，均按规定纳入统计。")
    if not out:
        out.append(
            todo(
                "本年度主动公开政府信息的总条数及比上年增减、按类别的条数，"
                "重点领域信息公开和政策解读情况"
            )
        )
    out.append("第二十条规定的法定主动公开事项的数据详见第二部分表格。")
    return "".join(out)


def _apply(data: ComposeInput) -> str:
    out = []
    new, carry_in = _val(data, "apply.new.total"), _val(data, "apply.carry_in.total")
    if new is None or carry_in is None:
        out.append(todo("本年新收和上年结转的政府信息公开申请数量（表三数据不完整）"))
    elif new == 0 and carry_in == 0:
        out.append("本年度未收到政府信息公开申请，也无上年结转的申请。")
    else:
        line = f"本年度新收政府信息公开申请{_ref(data, 'apply.new.total')}"
        change = _val(data, "change.apply.new.total")
        if change is not None:
            line += (
                "，与上年持平"
                if change == 0
                else f"，比上年{'增加' if change > 0 else '减少'}{_ref(data, 'change.apply.new.total')}"
            )
        line += (
            f"；上年结转{_ref(data, 'apply.carry_in.total')}"
            if carry_in
            else "；无上年结转的申请"  # not “上年结转0件”
        )
        if _val(data, "apply.new.legal.subtotal"):
            line += (
                f"。新收申请中，自然人申请{_ref(data, 'apply.new.natural_person')}，"
                f"法人或其他组织申请{_ref(data, 'apply.new.legal.subtotal')}"
            )
        out.append(line + "。")
        if _val(data, "apply.res.total.total") is not None:
            results = [
                f"{name}{_ref(data, f'apply.{key}.total')}"
                for key, name in _RESULTS
                if _val(data, f"apply.{key}.total")
            ]
            line = f"全年办结{_ref(data, 'apply.res.total.total')}"
            if results:
                line += "，其中" + "、".join(results)
            line += (
                f"；结转下年度继续办理{_ref(data, 'apply.carry_out.total')}。"
                if _val(data, "apply.carry_out.total")
                else "，无结转下年度继续办理的申请。"
            )
            out.append(line)
    note = _note(data, "overview", "依申请公开")
    out.append(_end(note) if note else todo("申请渠道、按期答复和答复文书规范化等情况"))
    out.append(_review_sentence(data))
    return "".join(out)


def _review_sentence(data: ComposeInput) -> str:
    admin, lit = _val(data, "review.admin_review.total"), _val(data, "review.litigation.total")
    if admin is None or lit is None:
        return todo("因政府信息公开工作被申请行政复议、提起行政诉讼的情况（表四数据不完整）")
    if admin == 0 and lit == 0:
        return "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    return (
        f"因政府信息公开工作被申请行政复议{_ref(data, 'review.admin_review.total')}、"
        f"被提起行政诉讼{_ref(data, 'review.litigation.total')}，具体情况见第四部分表格。"
    )


def _management(data: ComposeInput) -> str:
    out = []
    note = _note(data, "overview", "政府信息管理")
    if data.report.format == "2021" and _val(data, "active.normative_docs.repealed"):
        out.append(
            f"结合规范性文件清理，本年废止行政规范性文件"
            f"{_ref(data, 'active.normative_docs.repealed')}。"
        )
    out.append(
        _end(note)
        if note
        else todo(
            "公文公开属性源头认定、保密审查、不予公开信息动态调整、政府信息公开指南和目录更新等情况"
        )
    )
    return "".join(out)


def _platform(data: ComposeInput) -> str:
    note = _note(data, "overview", "政府信息公开平台建设")
    return (
        _end(note)
        if note
        else todo("政府网站政府信息公开专栏、政务新媒体、政府公报和查阅场所等平台建设情况")
    )


def _supervision(data: ComposeInput) -> str:
    note = _note(data, "overview", "监督保障")
    out = [_end(note)] if note else [todo("组织领导、制度建设、业务培训和考核评估等监督保障情况")]
    if data.report.agency.kind in ("government", "township") and not all(
        w in note for w in ("考核", "评议", "追究")
    ):
        out.append(todo("工作考核、社会评议和责任追究结果情况（人民政府报告必须载明）"))
    return "".join(out)


def _problems(data: ComposeInput) -> str:
    problems: list[str] = []
    measures: list[str] = []
    other_id = (
        "apply.res.other.other.total" if data.report.format == "2021" else "apply.res.other.total"
    )
    share = _val(data, f"ratio.{other_id}")
    total = _val(data, "apply.res.total.total") or 0
    if share is not None and share > _OTHER_SHARE_LIMIT and total >= 10:
        problems.append(
            f"依申请公开办理中“其他处理”{_ref(data, other_id)}，占办结总数的"
            f"{_ref(data, f'ratio.{other_id}')}，比例偏高，部分申请未按法定处理方式作出处理"
        )
        measures.append(
            "对“其他处理”的申请逐件复核处理依据，在办理流程中增加法定处理类型的审核环节，"
            "今后按《条例》规定的处理方式作出答复"
        )
    # Corrected cases of every kind are one problem (the same shortcoming, said once).
    corrected = [
        f"{name}中结果被纠正{_ref(data, f'review.{group}.corrected')}"
        for group, name in _REVIEW_GROUPS
        if _val(data, f"review.{group}.corrected")
    ]
    if corrected:
        problems.append("、".join(corrected) + "，依申请公开答复的规范性还有不足")
        measures.append(
            "逐案分析被纠正的原因，完善答复文书模板和法制审核流程，并将有关案例纳入业务培训"
        )
    # The staff's own words: their problems and their plans, each in its list (a plan written
    # in the notes is a measure, never a problem).
    note = _note(data, "problems", "")
    points = split_points(note) if note else []
    problems += [p.text for p in points if p.kind == "problem"]
    measures += [p.text for p in points if p.kind == "measure"]
    out = []
    prior_items = [p for p in _prior_problems(data.prior)]
    if prior_items:
        out.append(
            "（一）上年度问题的整改情况\n"
            + "".join(
                f"{ordinal(i)}是针对上年度报告提出的“{p}”问题，{todo('采取的整改措施及成效')}。"
                for i, p in enumerate(prior_items)
            )
        )
    lines = [f"{ordinal(i)}是{_strip_end(p)}。" for i, p in enumerate(problems)]
    if not lines:
        lines.append(
            todo(
                "本机关本年度存在的主要问题，结合评估检查、投诉举报和工作实际写二至四条，"
                "避免“意识有待提高”一类笼统表述"
            )
        )
    head = "（二）" if prior_items else "（一）"
    out.append(f"{head}存在的主要问题\n" + "".join(lines))
    mlines = [f"{ordinal(i)}是{_strip_end(m)}。" for i, m in enumerate(measures)]
    mlines.append(todo("针对上述问题的其他具体改进举措，写明对象、做法和完成时限"))
    out.append(f"{'（三）' if prior_items else '（二）'}改进情况\n" + "".join(mlines))
    return "\n".join(out)


def _strip_end(text: str) -> str:
    return text.strip().rstrip("。；;，, ")


def ordinal(i: int) -> str:
    """一, 二 … 十, 十一 … for the i-th point (from 0): a list never runs out of numerals."""
    n = i + 1
    if n <= 10:
        return _CN[n - 1]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else _CN[tens - 1]}十{_CN[ones - 1] if ones else ''}"


def _prior_problems(prior: Report | None) -> list[str]:
    """Last year's listed problems, as the one splitter reads them (number-free ones: a number
    of last year's is no fact of this year's ledger)."""
    if prior is None:
        return []
    return [p for p in split_problems(prior.text("problems")) if not extract_numbers(p)]


def site_root(url: str | None) -> str | None:
    """The site a report is published on, not the page it was read from: the scheme and host."""
    if not url:
        return None
    m = re.match(r"(https?://[^/\s]+)", url.strip())
    return m.group(1) if m else url.strip()


def _other(data: ComposeInput) -> str:
    out = []
    if data.report.format == "2021":
        cite = _cite(data, kind="fees")
        basis = f"依据《政府信息公开信息处理费管理办法》{cite}，"
        ids = ("fees.notices_count", "fees.notices_amount_yuan", "fees.collected_yuan")
        if all(i in data.ledger for i in ids):
            out.append(
                f"{basis}本年度发出收费通知{_ref(data, ids[0])}，收费通知总金额"
                f"{_ref(data, ids[1])}，实际收取信息处理费{_ref(data, ids[2])}。"
            )
        else:
            out.append(
                f"{basis}本年度收取信息处理费的情况："
                + todo("发出收费通知的件数、收费通知总金额和实际收取的金额，未收取的写0")
            )
    note = _note(data, "other", "")
    out.append(
        _end(note)
        if note
        else todo(
            "人大代表建议和政协提案办理结果公开、落实上级年度政务公开工作要点等其他需要报告的事项；"
            "没有的写“无”"
        )
    )
    return "".join(out)
