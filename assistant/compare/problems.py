"""Problems carried over: last year's 五 split into problems, each traced in this year's 五."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from assistant.report.similarity import char_ngrams

Status = Literal["addressed", "repeated", "silent"]
STATUS_LABELS: dict[str, str] = {
    "addressed": "已说明整改",
    "repeated": "原样重复",
    "silent": "未提及",
}

_CN = "一二三四五六七八九十"
# Where the list of problems starts and where the measures begin (SPEC e.5 (b) and (c)).
_PROBLEMS_START = re.compile(
    r"(?:存在(?:的|一些|一定的?|以下|如下|着)?(?:主要)?(?:问题|不足)|问题和不足|不足之处|仍存在)[^。]{0,12}?[：:。，,]?"
)
_MEASURES_START = re.compile(
    rf"(?:[（(][{_CN}][）)])?\s*(?:改进情况|改进措施|整改措施|改进举措|工作打算|下一步|今后|"
    rf"针对(?:上述|以上|存在的|这些)?(?:问题|不足)|(?:19|20)\d\d年[，,]?(?:我|本)\w{{0,8}}将)"
)
_ENUM = re.compile(
    rf"(?:[{_CN}]是|[（(](?:[{_CN}]|\d{{1,2}})[）)]|(?<![\d.])\d{{1,2}}[.、．](?!\d)|首先|其次|再次|此外)"
)
_SENTENCE = re.compile(r"[^。；！？\n]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Words of the genre that every 五 uses: sharing them says nothing about which problem is meant.
_STOP_BIGRAMS = frozenset(
    "政府 府信 信息 息公 公开 政务 务公 工作 进一 一步 加强 存在 问题 不足 有待 待提 提高 不够 "
    "一是 二是 三是 四是 五是 我局 本局 单位 方面 主要 需要 仍然 还需 进行 相关 开展 今后 下一 "
    "部门 全面 持续 继续 年度 本年 上年 情况 改进 措施 还有 有所 水平 能力 进行 较为 比较 不断".split()
)
_PROGRESS = re.compile(
    r"已|完成|整改|解决|得到|建成|上线|实现了|提升了|完善了|建立了|落实了|明显|有效改善|取得"
)
REFERENCED = 0.35  # share of a problem's distinctive bigrams found in one sentence of this year
VERBATIM = 0.6  # 3-gram similarity of a problem and a sentence: stated again as it was


@dataclass(frozen=True)
class ProblemMatch:
    problem: str  # as last year's report listed it
    status: Status
    evidence: str | None  # this year's sentence that refers to it
    overlap: float  # share of the problem's distinctive bigrams in the evidence
    similarity: float

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


_SECTION_HEADING = re.compile(rf"^\s*[{_CN}]、[^。\n]{{0,30}}$", re.MULTILINE)
_IMAGE = re.compile(r"\[image:[^\]]*\]")


def _problems_part(text: str) -> str:
    text = _IMAGE.sub("", _SECTION_HEADING.sub("", text))
    start = _PROBLEMS_START.search(text)
    begin = start.end() if start else 0
    end = _MEASURES_START.search(text, begin)
    part = text[begin : end.start()] if end else text[begin:]
    return part if len(_CJK.findall(part)) >= 6 else text


_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
_HALF_NEXT_TO_CJK = re.compile(r"(?<=[\u4e00-\u9fff])[,;:()!?]|[,;:()!?](?=[\u4e00-\u9fff])")


def _clean(item: str) -> str:
    """Trimmed, with the full-width punctuation NFKC took away given back for reading."""
    item = item.strip(" \t\n，,；;。：:、")
    return _HALF_NEXT_TO_CJK.sub(lambda m: _FULL_WIDTH[m.group()], item)


def split_problems(text: str) -> list[str]:
    """The problems a 五 lists: its enumerated items (一是…二是…, （一）…, 1.…) in the part before
    the measures, or its sentences when it does not enumerate."""
    part = _problems_part(unicodedata.normalize("NFKC", text))
    marks = list(_ENUM.finditer(part))
    if len(marks) >= 2:
        items = [
            part[m.end() : n.start() if n else len(part)]
            for m, n in zip(marks, [*marks[1:], None], strict=True)
        ]
    else:
        items = _SENTENCE.findall(part)
    out = []
    for raw in items:
        item = _clean(raw)
        # a heading ("存在的主要问题") or a fragment is not a problem
        if len(_CJK.findall(item)) >= 6 and not _PROBLEMS_START.fullmatch(item):
            out.append(item)
    return out


def _bigrams(text: str) -> set[str]:
    chars = "".join(_CJK.findall(text))
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def _key_bigrams(text: str) -> set[str]:
    return _bigrams(text) - _STOP_BIGRAMS


@dataclass(frozen=True)
class _Candidate:
    sentence: str
    bigrams: frozenset[str]
    grams: frozenset[str]


def _candidates(text: str) -> list[_Candidate]:
    """This year's sentences, cut also at enumerators so one sentence is one point."""
    norm = unicodedata.normalize("NFKC", text)
    out = []
    for sentence in _SENTENCE.findall(norm):
        for part in _ENUM.split(sentence):
            if len(_CJK.findall(part)) >= 4:
                part = _clean(part)
                out.append(
                    _Candidate(part, frozenset(_bigrams(part)), frozenset(char_ngrams(part)))
                )
    return out


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _match(problem: str, candidates: list[_Candidate]) -> ProblemMatch:
    keys = _key_bigrams(problem) or _bigrams(problem)
    grams = frozenset(char_ngrams(problem))
    best: tuple[float, float, str] | None = None
    for c in candidates:
        overlap = len(keys & c.bigrams) / len(keys) if keys else 0.0
        # the same measure as `similarity(problem, sentence, strip=False)`, sets precomputed
        sim = _jaccard(grams, c.grams)
        if best is None or (overlap, sim) > best[:2]:
            best = (overlap, sim, c.sentence)
    if best is None or (best[0] < REFERENCED and best[1] < VERBATIM):
        return ProblemMatch(
            problem,
            "silent",
            None,
            round(best[0], 3) if best else 0.0,
            round(best[1], 3) if best else 0.0,
        )
    overlap, sim, sentence = best
    progressed = sim < VERBATIM and bool(_PROGRESS.search(sentence))
    return ProblemMatch(
        problem,
        "addressed" if progressed else "repeated",
        sentence,
        round(overlap, 3),
        round(sim, 3),
    )


def match_problem(problem: str, this_text: str) -> ProblemMatch:
    """One problem of last year's 五 with what this year's 五 says about it."""
    return _match(problem, _candidates(this_text))


def match_problems(prior_text: str, this_text: str) -> list[ProblemMatch]:
    """Each problem of last year's 五 with what this year's 五 says about it."""
    candidates = _candidates(this_text)
    return [_match(p, candidates) for p in split_problems(prior_text)]
