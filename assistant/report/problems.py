"""Section 五 read as points: the problems it lists, the improvement measures, and what it says
about last year's problems. One splitter for compare, the checks (XY-07) and drafting, so a
sentence is "a problem" in the same sense everywhere (SPEC e.5 (b) and (c)).

Reports write 五 in every shape: 一是/二是, （一）/(1), 1./1、, ①, unnumbered sentences, and
problems inside one "存在一些不足，如A、B等" sentence. Structure comes first (a heading or an
intro such as "存在的问题：" / "改进措施：" / "下一步，" sets what the following points are);
where there is none, the wording of each point decides (a shortcoming word makes a problem, a
leading "将/加强/建立…" a measure).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

PointKind = Literal["problem", "measure", "rectification"]

_CN = "一二三四五六七八九十"
_CIRCLED = {chr(0x2460 + i): f"({i + 1})" for i in range(20)}  # ①…⑳, which NFKC makes bare digits

# Intros: what the points after them are. They end a little after the key words (at most a few
# characters up to a colon or comma), so "但仍存在以下问题：" and "存在的主要问题" both match.
_PROBLEMS_INTRO = re.compile(
    r"(?:(?:仍|还|也|但)?(?:存在|有)(?:的|一些|一定的?|以下|如下|着|不少)?(?:主要)?"
    r"(?:问题|不足|差距|短板|薄弱环节)|问题和不足|不足之处|主要表现(?:在|为)|具体表现(?:在|为)|"
    r"^(?:主要)?问题$)"
    r"[^。；：:]{0,12}?(?:[：:。，,]|$)"
)
_MEASURES_INTRO = re.compile(
    r"(?:改进(?:情况|措施|举措|方向|计划)|整改措施|工作(?:打算|计划|安排|思路)|努力方向|"
    r"下一步(?:工作)?(?:打算|计划)?|今后|下一年度?|"
    r"针对(?:上述|以上|存在的|这些)(?:问题|不足)[^。：:，,]{0,6}|"
    r"(?:19|20)\d\d年(?:度)?[，,]?(?=[^。]{0,10}将)|"
    r"(?:我|本)\w{0,6}将(?:采取|从|重点做好)以下[^。：:]{0,8})"
    r"[^。；：:，,]{0,4}?(?:[：:，,。]|$)"
)
_RECTIFICATION_INTRO = re.compile(
    r"^(?:对)?(?:上一?年度?|去年|\d{4}年度?)(?:报告)?(?:所列|提出|指出)?的?(?:问题)?的?整改(?:情况|落实情况)?"
    r"[：:，,]?$"
)
# "针对…问题，已…": what was done about a problem (a plan, "针对…问题，将…", is a measure).
_ABOUT_A_PROBLEM = re.compile(r"^针对[^，,。；]{0,40}(?:问题|不足|短板)")
# A point that speaks about last year's problems ("针对上年度提出的…问题，已…").
_RECTIFICATION = re.compile(r"(?:上一?年度?|去年|上一年度?|\d{4}年度?报告)[^。；]{0,30}?问题")

_SHORTCOMING = re.compile(
    r"不够|不足|有待|欠缺|不到位|单一|滞后|不及时|不高|不强|不规范|较少|偏少|偏低|较低|薄弱|差距|"
    r"不完善|不全面|不深入|不平衡|尚未|尚不|缺乏|缺少|未能|不明显|不充分|较弱|还不|不统一|不合理|"
    r"未(?:及时)?更新|不便|不精准|不细|短板|不多|不严|不准确|不一致|不健全|不畅|不理想|"
    r"(?:待|需要?|仍需|还需|亟需|亟待)(?:进一步)?(?:加强|提高|提升|完善|改进|规范|增强|优化)"
)
_MEASURE_VERB = (
    r"(?:加强|完善|建立|健全|推进|推出|推动|落实|提升|提高|加大|强化|做好|坚持|优化|统一|丰富|"
    r"拓展|扩大|开展|组织|定期|严格|规范|创新|深化|畅通|及时|修订|制定|编制|增加|加快|改进|"
    r"整合|梳理|更新|开设|设立|配备|压实|抓好|用好|发挥|建设|督促|指导|培训|增强|实行|实施|"
    r"探索|聚焦|围绕|严把|把好|注重|重视|利用|借助|通过|结合|依托|认真|切实|全面|积极|不断|着力|"
    r"进一步|继续|持续)"
)
# A measure starts with what will be done: "下一步将…", "针对…问题，建立…", "加强培训".
_MEASURE_LEAD = re.compile(
    rf"^(?:针对[^，,。]{{0,30}}[，,])?(?:下一步|今后|明年|(?:19|20)\d\d年度?)?[，,]?"
    rf"(?:我们|我局|本局|我单位|本单位|我办|我委|我院|本机关|我镇|我县|我区|我市|我厅|我中心)?"
    rf"(?:将|要|拟|计划)?{_MEASURE_VERB}"
)
_FUTURE = re.compile(rf"(?:将|拟|计划|要)(?:进一步|继续|持续)?{_MEASURE_VERB}")
_MEASURE_CLAUSE = re.compile(
    rf"[，,](?=(?:下一步|今后|我们|我局|本局|我单位|本单位)?[，,]?(?:将|拟|计划){_MEASURE_VERB})"
)

# 如A、B等(问题): the problems of an unnumbered 五 often stand in one such clause.
_SUCH_AS = re.compile(
    r"(?:^|(?<=[，,：:]))(?:例如|比如|诸如|如)(?P<items>[^。；]+?)等(?:问题|方面|不足|情况|现象|短板)?"
    r"(?=[。；，,]|$)"
)
_LIST_SEP = re.compile(r"[、，,；;]")

_ENUM = re.compile(
    rf"(?:(?P<cn>[{_CN}]{{1,2}})是|第(?P<nth>[{_CN}]{{1,2}})[，,、]|"
    rf"[（(](?P<paren>[{_CN}]{{1,2}}|\d{{1,2}})[）)]|(?<![\d.])(?P<num>\d{{1,2}})[.、．](?!\d)|"
    rf"(?P<word>首先|其次|再次|最后|此外)[，,]?)"
)
# An enumerator counts only where a point can start (so "统一是" or "2.5" is no mark).
_MARK_BEFORE = frozenset("，,；;：:。！!？?\n \t")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SECTION_HEADING = re.compile(rf"^\s*[{_CN}]、[^。\n]{{0,30}}$", re.MULTILINE)
_IMAGE = re.compile(r"\[image:[^\]]*\]")
_PLACEHOLDER = re.compile(r"【[^】]*】|待补充|XX|××")

# What makes a sentence about a problem an account of rectification: an action taken or a
# result. Not a plan, not a placeholder, not a sentence saying the problem is still there.
_DONE = re.compile(
    r"已|完成|得到(?:解决|改善|提升|加强)|建成|上线|实现|取得|整改到位|落实到位|明显(?:改善|提升|提高)|"
    r"(?<!为)(?<!除)了(?!解)|\d+(?:\.\d+)?(?:期|次|篇|条|件|个|场|人次|项|万?元|%)"
)
_PERSISTS = re.compile(
    r"仍|依然|依旧|尚未|尚不|未能|还(?:不|没|未|存在|有待|需|要|是|较|比较|有)|没有(?:得到)?(?:解决|改善|整改)"
)
_PLAN_ONLY = re.compile(r"将|拟|计划|争取|力争|下一步|今后|明年")

_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
_HALF_NEXT_TO_CJK = re.compile(r"(?<=[\u4e00-\u9fff])[,;:()!?]|[,;:()!?](?=[\u4e00-\u9fff])")
_TRIM = " \t\n，,；;。：:、"
MIN_CJK = 4  # shorter than this a piece is a fragment, not a point
REFERENCED = 0.35  # share of a problem's distinctive character pairs that makes a sentence name it


@dataclass(frozen=True)
class Point:
    """One problem, measure or rectification statement; start/end index the text given."""

    kind: PointKind
    text: str  # trimmed, enumerator removed, full-width punctuation as written
    start: int
    end: int


@dataclass(frozen=True)
class _Piece:
    start: int  # in the normalized text
    end: int
    marked: bool  # begins at an enumerator


class _Normalized:
    """NFKC text with a map back to the original offsets (NFKC can change lengths)."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            out = _CIRCLED.get(ch) or unicodedata.normalize("NFKC", ch)
            chars.append(out)
            origin += [i] * len(out)
        self.text = "".join(chars)
        self._origin = origin
        self._length = len(text)

    def span(self, start: int, end: int) -> tuple[int, int]:
        if start >= end:
            at = self._origin[start] if start < len(self._origin) else self._length
            return at, at
        return self._origin[start], self._origin[end - 1] + 1


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


def _pieces(text: str) -> list[_Piece]:
    """Sentences cut again at each enumerator that can start a point."""
    out = []
    for s in _SENTENCE.finditer(text):
        cuts = [s.start()]
        for m in _ENUM.finditer(text, s.start(), s.end()):
            if m.start() == s.start() or text[m.start() - 1] in _MARK_BEFORE:
                if m.start() > cuts[-1] or m.start() == s.start():
                    cuts.append(m.start())
        cuts = sorted(set(cuts))
        for a, b in zip(cuts, [*cuts[1:], s.end()], strict=True):
            mark = _ENUM.match(text, a)
            marked = mark is not None and (a == s.start() or text[a - 1] in _MARK_BEFORE)
            out.append(_Piece(a, b, marked))
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the enumerator and the trimmed characters at either end."""
    m = _ENUM.match(text, start)
    if m and (start == 0 or text[start - 1] in _MARK_BEFORE):
        start = m.end()
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _cjk(text: str) -> int:
    return len(_CJK.findall(text))


def _wording_kind(text: str) -> PointKind | None:
    if _RECTIFICATION.search(text) or (_ABOUT_A_PROBLEM.match(text) and states_progress(text)):
        return "rectification"
    lead = _MEASURE_LEAD.match(text)
    if lead and not (_SHORTCOMING.search(text) and not _FUTURE.search(text)):
        return "measure"
    if _SHORTCOMING.search(text):
        return "problem"
    if _FUTURE.search(text):
        return "measure"
    return None


def _intro(text: str, start: int, end: int, marked: bool) -> tuple[PointKind | None, int]:
    """The kind an intro at the start of this piece announces, and where the rest begins."""
    seg = text[start:end]
    m = _RECTIFICATION_INTRO.match(seg.strip(_TRIM))
    if m:
        return "rectification", end
    for kind, pattern in (("measure", _MEASURES_INTRO), ("problem", _PROBLEMS_INTRO)):
        m = pattern.search(seg)
        if m is None:
            continue
        if m.start() <= 2 or seg[m.end() - 1 : m.end()] in "：:":
            return kind, start + m.end()  # type: ignore[return-value]
        # further in, only an unnumbered sentence leading into what follows is an intro
        # ("…取得一定成效，但仍存在一些不足，主动公开的内容不够全面"); "二是…与需求存在一定的
        # 差距" and "政策解读不够多样，存在…问题" are problems themselves
        rest = seg[m.end() :]
        if (
            kind == "problem"
            and not marked
            and (_cjk(rest) >= MIN_CJK or _SUCH_AS.match(rest))
            and not _SHORTCOMING.search(seg[: m.start()])
        ):
            return kind, start + m.end()  # type: ignore[return-value]
    return None, start


def _such_as(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The items of a "如A、B等" clause, or nothing."""
    m = _SUCH_AS.search(text, start, end)
    if m is None:
        return []
    out: list[tuple[int, int]] = []
    a = m.start("items")
    for sep in [*_LIST_SEP.finditer(text, a, m.end("items")), None]:
        b = sep.start() if sep else m.end("items")
        if _cjk(text[a:b]) >= MIN_CJK or not out:
            out.append((a, b))
        else:  # "缺少多角度、多形式的解读": a short piece belongs to the one before
            out[-1] = (out[-1][0], b)
        a = sep.end() if sep else b
    return [s for s in out if _cjk(text[s[0] : s[1]]) >= MIN_CJK]


def split_points(text: str) -> list[Point]:
    """Every problem, measure and rectification statement of a section 五, in order."""
    norm = _Normalized(text)
    work = _IMAGE.sub(_blank, _SECTION_HEADING.sub(_blank, norm.text))
    raw: list[tuple[PointKind, int, int]] = []
    mode: PointKind | None = None
    listing = False  # the last point began at an enumerator: unmarked text may continue it

    def add(kind: PointKind, a: int, b: int) -> None:
        a, b = _strip(work, a, b)
        if _cjk(work[a:b]) < MIN_CJK:
            return
        seg = work[a:b]
        if kind == "problem":
            cut = _MEASURE_CLAUSE.search(seg)
            if cut:  # "…不够多样，下一步将推出图解": the problem, then a measure
                add("problem", a, a + cut.start())
                add("measure", a + cut.end(), b)
                return
            items = _such_as(work, a, b)
            if items:
                for ia, ib in items:
                    add_plain("problem", ia, ib)
                return
        add_plain(kind, a, b)

    def add_plain(kind: PointKind, a: int, b: int) -> None:
        a, b = _strip(work, a, b)
        if _cjk(work[a:b]) >= MIN_CJK and not _PROBLEMS_INTRO.fullmatch(work[a:b]):
            raw.append((kind, a, b))

    for piece in _pieces(work):
        a, b = _strip(work, piece.start, piece.end)
        if _cjk(work[a:b]) == 0:
            continue
        announced, rest = _intro(work, a, piece.end, piece.marked)
        if announced is not None:
            mode, listing = announced, False
            if _cjk(work[rest:b]) >= MIN_CJK:
                add(announced, rest, b)
            continue
        seg = work[a:b]
        wording = _wording_kind(seg)
        if not piece.marked and listing and raw and wording in (None, raw[-1][0]):
            kind, ra, _ = raw.pop()  # a further sentence of the point before
            raw.append((kind, ra, _strip(work, a, b)[1]))
            continue
        listing = piece.marked
        if mode == "problem":
            kind = "measure" if wording == "measure" and not _SHORTCOMING.search(seg) else "problem"
            kind = "rectification" if wording == "rectification" else kind
        elif mode == "measure":
            kind = wording if wording in ("problem", "rectification") else "measure"
            if kind == "problem" and (_MEASURE_LEAD.match(seg) or _FUTURE.search(seg)):
                kind = "measure"
        elif mode == "rectification":
            kind = "rectification"
            if (wording == "problem" or wording == "measure") and not piece.marked:
                kind = wording
        elif wording is None:
            continue  # no structure and no telling words: not a point
        else:
            kind = wording
        add(kind, a, b)

    out = []
    for kind, a, b in raw:
        start, end = norm.span(a, b)
        out.append(Point(kind, _clean(work[a:b]), start, end))
    return out


def _clean(item: str) -> str:
    """Trimmed, with the full-width punctuation NFKC took away given back for reading."""
    item = item.strip(_TRIM)
    return _HALF_NEXT_TO_CJK.sub(lambda m: _FULL_WIDTH[m.group()], item)


def split_problems(text: str) -> list[str]:
    """The problems a section 五 lists (not its measures, not its account of last year's)."""
    return [p.text for p in split_points(text) if p.kind == "problem"]


def split_measures(text: str) -> list[str]:
    """The improvement measures a section 五 lists."""
    return [p.text for p in split_points(text) if p.kind == "measure"]


def is_placeholder(sentence: str) -> bool:
    return bool(_PLACEHOLDER.search(sentence))


def states_progress(sentence: str) -> bool:
    """Whether a sentence states an action taken or a result (整改): not a placeholder, not a
    plan only, not a sentence saying the problem persists (仍/还/依然…)."""
    s = unicodedata.normalize("NFKC", sentence)
    if is_placeholder(s) or _PERSISTS.search(s):
        return False
    if not _DONE.search(s):
        return False
    # "将于明年完成": a plan with a result word in it; "已完成…，下一步将…" still states one
    return not (_PLAN_ONLY.search(s) and not re.search(r"已|了(?!解)|\d", s))


# Words of the genre that every 五 uses: sharing them says nothing about which problem is meant.
_STOP_BIGRAMS = frozenset(
    "政府 府信 信息 息公 公开 政务 务公 工作 进一 一步 加强 存在 问题 不足 有待 待提 提高 不够 "
    "一是 二是 三是 四是 五是 我局 本局 单位 方面 主要 需要 仍然 还需 进行 相关 开展 今后 下一 "
    "部门 全面 持续 继续 年度 本年 上年 情况 改进 措施 还有 有所 水平 能力 较为 比较 不断 "
    "依申 申请 请公 主动 动公".split()
)


# Pairs of the words that say what is wrong, not what it is about: two problems sharing only
# "不及时" are not the same problem ("栏目更新不及时", "留言回复不及时").
_VERDICT_WORDS = (
    "不够 不足 有待 欠缺 不到位 单一 滞后 不及时 不高 不强 不规范 较少 偏少 偏低 较低 薄弱 差距 "
    "不完善 不全面 不深入 不平衡 尚未 尚不 缺乏 缺少 未能 不明显 不充分 较弱 不统一 不合理 不便 "
    "不精准 短板 不准确 不一致 不健全 不畅 不理想 加强 提高 提升 改进 增强 优化 进一步 比较 较为 "
    "还要 更加 多样 丰富 需要 仍需 还需 亟需 亟待 部分 一些 存在 没有 未能 不严 运用 不多 更新"
).split()
_VERDICT_BIGRAMS = frozenset(w[i : i + 2] for w in _VERDICT_WORDS for i in range(len(w) - 1))


def topic_bigrams(text: str) -> frozenset[str]:
    """The pairs that name what a problem is about (政策解读, 栏目, 答复文书…)."""
    return key_bigrams(text) - _VERDICT_BIGRAMS


def bigrams(text: str) -> frozenset[str]:
    chars = "".join(_CJK.findall(text))
    return frozenset(chars[i : i + 2] for i in range(len(chars) - 1))


def key_bigrams(text: str) -> frozenset[str]:
    """The character pairs that say which problem is meant (the genre's stock words removed)."""
    return (bigrams(text) - _STOP_BIGRAMS) or bigrams(text)


def reference_overlap(problem: str, sentence: str) -> float:
    """Share of a problem's distinctive character pairs found in a sentence: 1.0 when the
    sentence names everything the problem names."""
    keys = key_bigrams(problem)
    return len(keys & bigrams(sentence)) / len(keys) if keys else 0.0


def states_persisting(sentence: str) -> bool:
    """Whether a sentence says a problem is still there (仍/还/依然/尚未…)."""
    return bool(_PERSISTS.search(unicodedata.normalize("NFKC", sentence)))
