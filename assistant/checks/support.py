"""Which facts support a number where it stands: value and unit, and also its subject, its
direction (增加/减少), sums and shares that follow from the facts, 万/亿 rounding, the numbers of
the 条例, and the numbers that are no claim at all (12345热线, 7×24小时, 2023版, 以上两项)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from itertools import combinations

from assistant.checks.subjects import (
    Subjects,
    context_before,
    direction_of,
    fact_subjects,
    mentions_prior,
    sentence_before,
    subjects_in,
)
from assistant.config import shipped_dir
from assistant.report.facts import Fact, FactLedger
from assistant.report.numerals import NumberMention, extract_numbers, parse_chinese_numeral
from assistant.report.units import convert_money, is_money

_BIG = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_SAME_UNIT = {"个工作日": "工作日"}
# Service numbers and the like: quoted, never counted.
_SERVICE_NUMBERS = {"12345", "12315", "12369", "12388", "12366", "12333", "110", "120", "119"}
_NOT_A_CLAIM_AFTER = ("热线", "便民", "政务服务", "服务热线", "版", "年版", "×", "x", "X", "*")
_NOT_A_CLAIM_BEFORE = ("以上", "上述", "以下", "下列", "前述", "这", "该", "×", "*")
# a bare number before these is part of an address or a document's name: 7号楼14层, 301室
_ADDRESS_AFTER = ("号", "楼", "层", "室", "栋", "幢", "单元", "弄", "巷")
_POINTING_UNITS = ("项", "个", "条", "点", "类", "方面")  # 前两项, 后三个方面: the text's own items
# Chinese numerals before measure words the numeral reader does not know: 三轮, 四个专栏.
_EXTRA_UNITS = "轮|届|批次|所|座|台|套|张|组|支|处|种|位|例|节|个"
_EXTRA = re.compile(
    rf"(?<![第统同唯之逐进万单专均一])(?P<num>[二两三四五六七八九十百]+)(?P<unit>{_EXTRA_UNITS})"
    r"(?!意识|自信|维护|确立|代表|全面|务必|方面|层面|环节|结合|统筹|到位|坚持|聚焦|提升)"
)
_INTAKE = frozenset({"new", "received"})
_SOFT_COLUMNS = frozenset({"made", "repealed", "valid"})
_STOP_BIGRAMS = frozenset(
    {"全年", "本年", "年度", "开展", "组织", "工作", "政府", "信息", "公开", "今年", "共计", "累计"}
)


@dataclass(frozen=True)
class Context:
    """What the words around a number say about it."""

    rows: frozenset[str]
    columns: frozenset[str]
    direction: int | None  # +1 增加, -1 减少, 0 持平, None: not a change
    prior: bool  # names last year (上年新收申请7件)
    words: str  # the sentence before the number, for staff-note subjects
    summed: bool  # 共/合计/累计 or two subjects joined: a derived sum may be meant

    @property
    def named(self) -> bool:
        return bool(self.rows or self.columns)


def context_of(text: str, m: NumberMention) -> Context:
    narrow = context_before(text, m.start)
    wide = sentence_before(text, m.start)
    if m.unit in ("%", "个百分点") and "占" in narrow:
        narrow = narrow[: narrow.index("占")]  # 占办结总数的30%: 办结 is the denominator
    n, w = subjects_in(narrow), subjects_in(wide)
    rows = n.rows or w.rows
    cols = n.columns if (n.rows or n.columns) else w.columns
    return Context(
        frozenset(rows),
        frozenset(cols),
        direction_of(narrow),
        mentions_prior(narrow),
        wide,
        bool(re.search(r"共计?|合计|累计|总计|和|及|与", narrow))
        and len(n.rows | n.columns) >= 2
        or bool(re.search(r"(合计|共计?|累计)(占|为)?$", narrow)),
    )


def is_claim(text: str, m: NumberMention) -> bool:
    """False for numbers that state nothing to check: 12345热线, 7×24小时, 2023版, 以上两项."""
    if _in_url(text, m.start):
        return False  # a page address: art_1229_5678.html states nothing
    after, before = text[m.end : m.end + 8], text[max(0, m.start - 2) : m.start]
    raw = re.sub(r"\D", "", m.raw)
    if raw in _SERVICE_NUMBERS and (m.unit is None or "热线" in after):
        return False
    if after.startswith(_NOT_A_CLAIM_AFTER) or "热线" in after[:6] and m.unit is None:
        return False
    if before.endswith(_NOT_A_CLAIM_BEFORE):
        return False
    if re.match(r"[\d〇零一二两三四五六七八九十]+ ?个?部分(?!公开)", text[m.start : m.end + 6]):
        return False  # 等六个部分, 共7部分组成: the report's own parts, in its opening
    if before.endswith(("前", "后")) and (m.unit in _POINTING_UNITS or after.startswith("方面")):
        return False  # but 提前3天 is a claim
    # a number inside a short quoted phrase is a slogan: “一次办好”、“三公”经费
    opened, closed = text.rfind("“", 0, m.start), text.find("”", m.end)
    return not (
        opened >= 0 and closed >= 0 and "”" not in text[opened : m.start] and closed - opened <= 10
    )


def in_address(text: str, m: NumberMention) -> bool:
    """A bare number before 号/楼/层/室…: part of an address (7号楼14层), not a statistic."""
    return (
        m.kind == "quantity"
        and m.unit is None
        and text[m.end : m.end + 2].startswith(_ADDRESS_AFTER)
    )


def _in_url(text: str, pos: int) -> bool:
    i = pos
    while i > 0 and text[i - 1].isascii() and not text[i - 1].isspace():
        i -= 1
    run = text[i:pos]
    return "://" in run or run.lower().startswith("www.")


def extra_mentions(text: str, known: Collection[NumberMention]) -> list[NumberMention]:
    """Chinese numerals before measure words the numeral reader skips (三轮, 四个专栏): they are
    claims too. `known` are the mentions already found, which these never overlap."""
    taken = [(k.start, k.end) for k in known]
    out = []
    for m in _EXTRA.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        try:
            value = parse_chinese_numeral(m.group("num"))
        except ValueError:
            continue
        out.append(NumberMention(value, m.group("unit"), m.start(), m.end(), m.group()))
    return out


def effective_unit(text: str, m: NumberMention) -> str | None:
    """The unit as written, or for a number the reader found no unit for, the character after
    it when that is a Chinese measure word (3轮 → 轮): an unknown unit is still a unit."""
    if m.unit is not None:
        return _SAME_UNIT.get(m.unit, m.unit)
    nxt = text[m.end : m.end + 1]
    return nxt if nxt and "\u4e00" <= nxt <= "\u9fff" else None


@lru_cache(maxsize=2048)
def _fact_effective_unit(label: str, value: Decimal) -> str | None:
    for m in extract_numbers(label):
        if m.value == value and m.unit is None:
            return effective_unit(label, m)
    return None


def value_matches(fact: Fact, m: NumberMention, unit: str | None) -> bool:
    """Equal value in the same unit, allowing: % to the precision written, a change by its size,
    money in 元/万元/亿元 rounded to the places written, 1.36万条 for 13,612条, 60余人次 for 60–69."""
    value = abs(fact.value) if fact.source == "change" else fact.value
    f_unit = _SAME_UNIT.get(fact.unit, fact.unit) if fact.unit else None
    if unit in ("%", "个百分点") or f_unit in ("%", "个百分点"):
        return unit == f_unit and _rounds_to(value, m.value)
    if unit and f_unit and is_money(unit) and is_money(f_unit):
        converted = convert_money(value, f_unit, unit, places=None)
        if converted < value:  # to a larger unit: 59,490,912元 may be written 5949.09万元
            return _rounds_to(converted, m.value)
        value = converted
    elif f_unit is None and unit is not None and fact.source == "staff note":
        if _fact_effective_unit(fact.label, fact.value) != unit:
            return False
    elif unit != f_unit and not (unit is None and m.unit is None and f_unit is not None):
        return False
    mult = next((b for k, b in _BIG.items() if k in m.raw and not m.raw.endswith("元")), None)
    if mult is not None:
        return _rounds_to(value / mult, m.value / mult)
    if m.approx:
        step = Decimal(10) ** max(0, len(str(int(m.value))) - 1)
        return m.value <= value < m.value + step
    return value == m.value


def _rounds_to(value: Decimal, written: Decimal) -> bool:
    places = max(0, -written.as_tuple().exponent)  # type: ignore[operator]
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == written


def supporting_facts(
    mention: NumberMention, ledger: FactLedger, text: str | None = None
) -> list[Fact]:
    """The facts that support `mention`. Without `text`, by value and unit alone; with the text
    it stands in, also by subject, direction and the year it names."""
    unit = mention.unit if text is None else effective_unit(text, mention)
    candidates = [f for f in ledger if value_matches(f, mention, unit)]
    if text is None:
        return candidates
    ctx = context_of(text, mention)
    return [f for f in candidates if _fits(f, ctx, ledger)]


def _fits(fact: Fact, ctx: Context, ledger: FactLedger) -> bool:
    if fact.source == "staff note":
        said = _note_direction(fact.label, fact.value)  # “比上年增加62条” in the note itself
        if said != ctx.direction:
            return False
    else:
        is_change = fact.source == "change" or fact.id.startswith("growth.")
        if (ctx.direction is not None) != is_change:
            return False
        if is_change and ctx.direction is not None and _sign(fact, ledger) != ctx.direction:
            return False
    if (fact.source == "prior") != (ctx.prior and ctx.direction is None):
        return False
    return _same_subject(fact, ctx)


def _sign(fact: Fact, ledger: FactLedger) -> int | None:
    change = fact if fact.source == "change" else ledger.get("change." + fact.id[len("growth.") :])
    if change is None:
        return None
    return (change.value > 0) - (change.value < 0)


def _same_subject(fact: Fact, ctx: Context) -> bool:
    if not ctx.named:
        return True
    note = fact.source == "staff note"
    s: Subjects = _note_subjects(fact.label, fact.value) if note else fact_subjects(fact.id)
    if not s:
        return not note or _shares_words(fact.label, ctx.words)
    if s.rows and ctx.rows and not (s.rows & ctx.rows):
        return False
    if s.rows and not ctx.rows and ctx.columns:
        # 自然人申请8件 names no row: it means the applications received, not a result
        if not (s.columns & ctx.columns) or (s.columns - _SOFT_COLUMNS and not s.rows & _INTAKE):
            return False
    if s.columns and not note and not (s.columns & ctx.columns):
        # 规范性文件3件 may mean those made; 新收申请8件 never means the 自然人 column alone
        if ctx.columns or s.columns - _SOFT_COLUMNS:
            return False
    return not (ctx.columns and not s.columns and not note and _table_row(fact))


@lru_cache(maxsize=2048)
def _note_direction(label: str, value: Decimal) -> int | None:
    for m in extract_numbers(label):
        if m.value == value:
            return direction_of(context_before(label, m.start))
    return None


@lru_cache(maxsize=2048)
def _note_subjects(label: str, value: Decimal) -> Subjects:
    """A staff note's subject is what its own words say just before the number: in
    “办理人大代表建议4件、政协提案2件” the 2件 are 提案, not 建议."""
    for m in extract_numbers(label):
        if m.value == value:
            # no subject word before it (公告公示5条): compared by its words, not its neighbours'
            return subjects_in(context_before(label, m.start))
    return subjects_in(label)


def _table_row(fact: Fact) -> bool:
    return fact.source in ("cell", "derived", "change", "prior") and fact.id.split(".")[-1] in (
        "total",
        "subtotal",
    )


def _shares_words(label: str, words: str) -> bool:
    def grams(s: str) -> set[str]:
        s = re.sub(r"[^\u4e00-\u9fff]", " ", s)
        return {s[i : i + 2] for i in range(len(s) - 1) if " " not in s[i : i + 2]}

    return bool((grams(label) & grams(words)) - _STOP_BIGRAMS)


def derived_support(mention: NumberMention, ledger: FactLedger, text: str) -> bool:
    """A sum or share that follows from the facts the sentence names: 予以公开和部分公开共11件,
    合计占84.6%."""
    ctx = context_of(text, mention)
    # the subjects summed may stand in a list before the number: 予以公开、部分公开合计11件
    rows = ctx.rows | subjects_in(_clause(text, mention.start)).rows
    if not ctx.summed or ctx.direction is not None or len(rows) < 2:
        return False
    share = mention.unit == "%"
    levels = []
    for subject in sorted(rows):
        fact = _level_fact(ledger, subject, share=share)
        if fact is not None:
            levels.append(fact)
    unit = effective_unit(text, mention)
    for size in range(2, len(levels) + 1):
        for group in combinations(levels, size):
            if not share and any(f.unit != unit for f in group):
                continue
            total = sum((f.value for f in group), Decimal(0))
            if share and (_rounds_to(total, mention.value)):
                return True
            if share and mention.value == sum(
                (Decimal(f.render()[:-1]) for f in group), Decimal(0)
            ):
                return True
            if not share and total == mention.value:
                return True
    return False


def _clause(text: str, pos: int) -> str:
    i = pos
    while i > 0 and text[i - 1] not in "，,；;。！？!?\n":
        i -= 1
    return text[i:pos]


def _level_fact(ledger: FactLedger, subject: str, *, share: bool) -> Fact | None:
    """The one figure a subject's name stands for: its group total (不予公开 → the 小计 of all
    its reasons), or its share of the results."""
    found = []
    for f in ledger:
        if share != (f.source == "ratio" and not f.id.startswith("growth.")):
            continue
        if f.source not in ("cell", "derived", "ratio") or not (_table_row(f) or share):
            continue
        s = fact_subjects(f.id)
        if s.rows == frozenset({subject}) and not s.columns:
            found.append(f)
    return min(found, key=lambda f: len(f.id), default=None)


@cache
def statute_numbers() -> frozenset[tuple[Decimal, str]]:
    """Every number with a unit in the whole 条例 (20个工作日, 15个工作日): quoting the law is not
    inventing a figure, whether or not the article was retrieved."""
    path = shipped_dir("knowledge") / "official" / "tiaoli-2019.md"
    if not path.is_file():
        return frozenset()
    return numbers_with_units(path.read_text(encoding="utf-8"))


def numbers_with_units(text: str) -> frozenset[tuple[Decimal, str]]:
    return frozenset(
        (m.value, _SAME_UNIT.get(m.unit, m.unit))
        for m in extract_numbers(text)
        if m.checkable and m.unit
    )


_DIRECTION_WORDS = re.compile(
    r"(?:比|较|与)(?:上年|去年|上一年度?|上年度)(?:同期)?(?:相比)?[，,]?"
    r"(?:有所|略有|大幅|明显|稍有|均有)?(?P<word>增加|减少|增长|下降|上升|提高|降低|持平)"
)


def direction_conflicts(text: str, ledger: FactLedger) -> Iterator[tuple[int, int, str, Fact]]:
    """“比上年有所减少” with no number, where the subject it follows rose (or stayed level):
    (start, end, words, the change fact)."""
    for m in _DIRECTION_WORDS.finditer(text):
        if re.match(r"\s*[\d一二两三四五六七八九十百]", text[m.end() : m.end() + 2]):
            continue  # a number follows: the number's own check judges it
        said = direction_of(m.group("word"))
        subjects = subjects_in(context_before(text, m.start())) or subjects_in(
            sentence_before(text, m.start())
        )
        if said is None or not subjects.rows:
            continue
        changes = [
            f
            for f in ledger.by_source("change")
            if not fact_subjects(f.id).columns - _SOFT_COLUMNS
            and fact_subjects(f.id).rows & subjects.rows
        ]
        if changes and all((f.value > 0) - (f.value < 0) != said for f in changes):
            yield m.start(), m.end(), m.group(), changes[0]
