"""What a number in a sentence is about: the subject words before it, the facts' subjects, and
the direction words (增加/减少/持平) that make it a year-on-year change.

The guard matches a number to a fact only when the sentence names the fact's subject
(“培训3次” is not supported by “季度通报3次”), and a change only when the direction agrees."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Subject words → subject keys. Longest first when compiled, so 上年结转 wins over 结转.
_ROW_TERMS: dict[str, tuple[str, ...]] = {
    "新收": ("new",),
    "新增申请": ("new",),
    "收到": ("new", "received"),
    "受理": ("new", "received"),
    "上年结转": ("carry_in",),
    "上年度结转": ("carry_in",),
    "结转下年": ("carry_out",),
    "结转下一年": ("carry_out",),
    "结转至下": ("carry_out",),
    "结转到下": ("carry_out",),
    "继续办理": ("carry_out",),
    "办结": ("res_total",),
    "办理完毕": ("res_total",),
    "作出答复": ("res_total",),
    "答复申请": ("res_total",),
    "办理结果": ("res_total",),
    "予以公开": ("granted",),
    "部分公开": ("partial",),
    "不予公开": ("denied",),
    "无法提供": ("unavailable",),
    "不予处理": ("not_processed",),
    "其他处理": ("other_processing",),
    "行政复议": ("admin_review",),
    "复议": ("admin_review",),
    "行政诉讼": ("litigation",),
    "诉讼": ("litigation",),
    "起诉": ("litigation",),
    "规范性文件": ("normative",),
    "规章": ("rules",),
    "行政许可": ("licensing",),
    "许可": ("licensing",),
    "行政处罚": ("penalty",),
    "处罚": ("penalty",),
    "行政强制": ("coercion",),
    "强制": ("coercion",),
    "行政事业性收费": ("admin_fees",),
    "收费通知": ("fee_notice",),
    "通知金额": ("fee_notice",),
    "信息处理费": ("fee",),
    "实际收取": ("fee_collected",),
    "实收": ("fee_collected",),
    "培训": ("training",),
    "参训": ("training",),
    "授课": ("training",),
    "解读": ("interpretation",),
    "主动公开": ("active_info",),
    "发布信息": ("active_info",),
    "公开信息": ("active_info",),
    "公开政府信息": ("active_info",),
    "人大代表建议": ("npc",),
    "代表建议": ("npc",),
    "建议": ("npc",),
    "政协提案": ("cppcc",),
    "提案": ("cppcc",),
    "超期": ("overdue",),
    "逾期": ("overdue",),
    "通报": ("bulletin",),
    "检查": ("inspection",),
    "督查": ("inspection",),
    "发布会": ("press",),
    "专栏": ("column",),
    "栏目": ("column",),
    "网站": ("website",),
    "新媒体": ("new_media",),
    "公众号": ("new_media",),
    "微博": ("new_media",),
    "政府公报": ("gazette",),
    "公报": ("gazette",),
    "查阅": ("reading_room",),
    "投诉": ("complaint",),
    "举报": ("complaint",),
    "考核": ("assessment",),
    "评议": ("assessment",),
    "追究": ("accountability",),
    "会议": ("meeting",),
    "会商": ("meeting",),
    "目录": ("catalogue",),
    "指南": ("catalogue",),
    "访问": ("visits",),
    "浏览": ("visits",),
    "留言": ("messages",),
    "咨询": ("messages",),
}
# Words that only narrow a row: 自然人 of 新收, 维持 of 行政复议.
_COLUMN_TERMS: dict[str, tuple[str, ...]] = {
    "自然人": ("natural_person",),
    "法人或其他组织": ("legal",),
    "法人": ("legal",),
    "商业企业": ("commercial",),
    "企业": ("commercial",),
    "科研机构": ("research",),
    "社会公益组织": ("social_welfare",),
    "法律服务机构": ("legal_service",),
    "律师": ("legal_service",),
    "维持": ("upheld",),
    "纠正": ("corrected",),
    "尚未审结": ("pending",),
    "未审结": ("pending",),
    "制发": ("made",),
    "印发": ("made",),
    "制定": ("made",),
    "出台": ("made",),
    "新制作": ("made",),
    "废止": ("repealed",),
    "现行有效": ("valid",),
}
_ROW_RE = re.compile("|".join(sorted(map(re.escape, _ROW_TERMS), key=len, reverse=True)))
_COL_RE = re.compile("|".join(sorted(map(re.escape, _COLUMN_TERMS), key=len, reverse=True)))

# fact id (after prefixes such as change./ratio.) → (row subjects, column subjects)
_ID_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("apply.new.", ("new",)),
    ("apply.carry_in.", ("carry_in",)),
    ("apply.received.", ("received",)),
    ("apply.res.total.", ("res_total",)),
    ("apply.res.leaf_sum.", ("res_total",)),
    ("apply.res.granted.", ("granted",)),
    ("apply.res.partial.", ("partial",)),
    ("apply.res.denied.", ("denied",)),
    ("apply.res.unavailable.", ("unavailable",)),
    ("apply.res.not_processed.", ("not_processed",)),
    ("apply.res.other.", ("other_processing",)),
    ("apply.carry_out.", ("carry_out",)),
    ("review.admin_review.", ("admin_review",)),
    ("review.litigation", ("litigation",)),
    ("active.normative_docs.", ("normative",)),
    ("active.rules.", ("rules",)),
    ("active.licensing.", ("licensing",)),
    ("active.penalty.", ("penalty",)),
    ("active.coercion.", ("coercion",)),
    ("active.admin_fees.", ("admin_fees",)),
    ("fees.notices_count", ("fee_notice", "fee")),
    ("fees.notices_amount", ("fee_notice", "fee")),
    ("fees.collected", ("fee_collected", "fee")),
)
_ID_COLUMNS: tuple[tuple[str, str], ...] = (
    (".natural_person", "natural_person"),
    (".legal.subtotal", "legal"),
    (".legal.commercial", "commercial"),
    (".legal.research", "research"),
    (".legal.social_welfare", "social_welfare"),
    (".legal.legal_service", "legal_service"),
    (".legal.other", "legal_other"),
    (".upheld", "upheld"),
    (".corrected", "corrected"),
    (".pending", "pending"),
    ("review.admin_review.other", "review_other"),
    ("litigation_direct.other", "review_other"),
    ("litigation_after_review.other", "review_other"),
    ("normative_docs.made", "made"),
    ("normative_docs.new_made", "made"),
    ("normative_docs.repealed", "repealed"),
    ("normative_docs.valid", "valid"),
    ("rules.made", "made"),
    ("rules.repealed", "repealed"),
    ("rules.valid", "valid"),
)
_KIND_PREFIXES = ("change.", "growth.", "ratio.", "prior.")

_CLAUSE_BREAKS = "，,；;。！？!?\n、：:（("
_SENTENCE_BREAKS = "；;。！？!?\n"
DIRECTION = re.compile(
    r"(?:(?:比|较|与)(?:上年|去年|上一年度?|上年度)(?:同期)?|同比)?"
    r"(?P<word>增加|减少|增长|下降|上升|提高|降低|减|增|多|少|持平)了?$"
)
_UP, _DOWN = ("增加", "增长", "上升", "提高", "增", "多"), ("减少", "下降", "降低", "减", "少")
# 上年结转 is this year's figure (carried in), not last year's
_PRIOR_WORDS = re.compile(r"(?:上年|去年|上一年)度?(?!度?结转)")


@dataclass(frozen=True)
class Subjects:
    rows: frozenset[str]
    columns: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.rows or self.columns)


def subjects_in(text: str) -> Subjects:
    """The subject words a piece of text names."""
    return _subjects_in(text)


@lru_cache(maxsize=4096)
def _subjects_in(text: str) -> Subjects:
    rows = {k for m in _ROW_RE.finditer(text) for k in _ROW_TERMS[m.group()]}
    cols = {k for m in _COL_RE.finditer(text) for k in _COLUMN_TERMS[m.group()]}
    return Subjects(frozenset(rows), frozenset(cols))


@lru_cache(maxsize=4096)
def fact_subjects(fact_id: str) -> Subjects:
    """A table fact's subjects, from its id (staff notes have theirs in their own words)."""
    base = fact_id
    while base.startswith(_KIND_PREFIXES):
        base = base.split(".", 1)[1]
    base = base.replace("apply19.", "apply.").replace("review19.", "review.")
    base = base.replace("active19.", "active.")
    rows = next((r for prefix, r in _ID_ROWS if base.startswith(prefix)), ())
    cols = {c for frag, c in _ID_COLUMNS if frag in base}
    return Subjects(frozenset(rows), frozenset(cols))


def context_before(text: str, pos: int, *, since: int = 0) -> str:
    """The clause before `pos` (back to a comma, 、 or colon), not before `since`."""
    i = pos
    while i > since and text[i - 1] not in _CLAUSE_BREAKS:
        i -= 1
    return text[i:pos]


def sentence_before(text: str, pos: int) -> str:
    i = pos
    while i > 0 and text[i - 1] not in _SENTENCE_BREAKS:
        i -= 1
    return text[i:pos]


def direction_of(context: str) -> int | None:
    """+1, -1 or 0 when the words just before a number (or at a clause end) state a change."""
    m = DIRECTION.search(context)
    if m is None:
        return None
    word = m.group("word")
    if word in ("多", "少") and not m.group(0).startswith(("比", "较", "与", "同比")):
        return None  # 多/少 alone are not a change: 较多, 60多人次
    if word == "持平":
        return 0
    return 1 if word in _UP else -1 if word in _DOWN else None


def mentions_prior(context: str) -> bool:
    return bool(_PRIOR_WORDS.search(context))
