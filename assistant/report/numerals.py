"""Numbers in Chinese prose: Chinese-numeral parsing and number extraction with positions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

MentionKind = Literal[
    "quantity", "percent", "year", "date", "ordinal", "enum", "doc_no", "citation", "code"
]

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "壹": 1,
    "贰": 2,
    "叁": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

# Longest first, so 人次 wins over 人 and 万元 over 元.
UNITS: tuple[str, ...] = (
    "个百分点",
    "个工作日",
    "工作日",
    "亿元",
    "万元",
    "人次",
    "场次",
    "余件",
    "元",
    "件",
    "条",
    "次",
    "项",
    "个",
    "人",
    "名",
    "家",
    "场",
    "期",
    "篇",
    "份",
    "批",
    "天",
    "页",
    "户",
    "起",
    "宗",
    "类",
    "部",
    "本",
    "封",
    "个月",
    "小时",
    "%",
)
_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN = rf"[{_CN_CHARS}]+(?:点[{''.join(_DIGITS)}]+)?"
_APPROX = r"(?:余|多)?"

_MENTION = re.compile(
    rf"(?P<pct_cn>百分之(?:{_ARABIC}|{_CN}))"
    rf"|(?P<doc>[〔\[［(（] ?\d{{4}} ?[〕\]］)）] ?\d+ ?号)"  # a text layer spaces 30 号
    rf"|(?P<cite>\[\d+(?:[,，、-]\d+)*\])"
    rf"|(?P<phone>\d{{3,4}}[-—–]\d{{7,8}}(?:-\d+)?)"
    rf"|(?P<num>{_ARABIC}|{_CN})(?P<approx>{_APPROX})(?P<mult>[万亿](?!元))?(?P<approx2>{_APPROX})"
    rf"(?P<unit>{_UNIT_RE})?"
)
# "一" inside ordinary words is not a quantity: 统一、进一步、一次性、之一、一站式 …
_WORD_BEFORE_ONE = set("统同唯之逐进万第单专均")
_IDIOM_AFTER = ("次性", "件事", "条龙", "站式", "条线", "体化", "网通", "窗受理", "张网", "盘棋")


@dataclass(frozen=True)
class NumberMention:
    """A number found in text: value, unit as written ("万元", "件", "%"), position in the
    ORIGINAL text (end exclusive) and the raw characters it was read from."""

    value: Decimal
    unit: str | None
    start: int
    end: int
    raw: str
    kind: MentionKind = "quantity"
    approx: bool = False  # 余/多: "60余人次" is at least 60

    @property
    def checkable(self) -> bool:
        """Whether the guard must find a fact for it (quantities and percentages)."""
        return self.kind in ("quantity", "percent")


def parse_chinese_numeral(text: str) -> Decimal:
    """Value of a Chinese numeral: 十二 → 12, 一百零五 → 105, 两 → 2, 三千零五 → 3005,
    一百二 → 120, 二〇二一 → 2021, 三点五 → 3.5. Raises ValueError when not a numeral."""
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        raise ValueError("empty numeral")
    if "点" in s:
        whole, _, frac = s.partition("点")
        if not frac or any(ch not in _DIGITS for ch in frac):
            raise ValueError(f"not a Chinese numeral: {text!r}")
        digits = "".join(str(_DIGITS[ch]) for ch in frac)
        return (
            parse_chinese_numeral(whole) + Decimal("0." + digits)
            if whole
            else Decimal("0." + digits)
        )
    if any(ch not in _CN_CHARS for ch in s):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if len(s) > 1 and all(ch in _DIGITS for ch in s):
        # 二〇二一: digit by digit, as years are written
        return Decimal("".join(str(_DIGITS[ch]) for ch in s))
    return Decimal(_parse_big(s, text))


def _parse_big(s: str, original: str) -> int:
    total = 0
    section = ""
    for ch in s:
        if ch in _BIG_UNITS:
            if not section and total == 0:
                raise ValueError(f"not a Chinese numeral: {original!r}")
            total = (
                (total + _parse_section(section, original)) * _BIG_UNITS[ch]
                if ch == "亿"
                else total + _parse_section(section, original) * _BIG_UNITS[ch]
            )
            section = ""
        else:
            section += ch
    return total + (_parse_section(section, original) if section else 0)


def _parse_section(s: str, original: str) -> int:
    """A numeral below 10 000: 三千零五, 十二, 一百二."""
    total = 0
    digit: int | None = None
    last_unit = 0
    zero_since_unit = False
    for ch in s:
        if ch in _DIGITS:
            if digit is not None:
                raise ValueError(f"not a Chinese numeral: {original!r}")
            d = _DIGITS[ch]
            if d == 0:
                zero_since_unit = True
            else:
                digit = d
        else:
            unit = _SMALL_UNITS[ch]
            if last_unit and unit >= last_unit:
                raise ValueError(f"not a Chinese numeral: {original!r}")
            if digit is None and (total or zero_since_unit or unit != 10):
                raise ValueError(f"not a Chinese numeral: {original!r}")
            total += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
            zero_since_unit = False
    if digit is not None:
        # 一百二 means 120: a trailing digit right after a unit ≥ 百 is one order below it
        total += digit * (last_unit // 10) if last_unit >= 100 and not zero_since_unit else digit
    return total


def _normalise(text: str) -> tuple[str, list[int]]:
    """NFKC per character, with a map from each normalised index to its original index."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch)
        out.append(n)
        index.extend([i] * len(n))
    index.append(len(text))
    return "".join(out), index


def _to_decimal(raw: str) -> Decimal | None:
    if raw and raw[0].isdigit():
        try:
            return Decimal(raw.replace(",", ""))
        except InvalidOperation:
            return None
    try:
        return parse_chinese_numeral(raw)
    except ValueError:
        return None


def extract_numbers(text: str) -> list[NumberMention]:
    """Every number in `text` after NFKC, with its unit and kind; positions refer to `text`.

    Arabic numbers are always reported. Chinese numerals only with a counting unit after them
    (两次, 十二件) or after 百分之, so that 统一, 一是 and 十四五 are not numbers. Ordinals (第三十条),
    years (2020年), dates (12月31日), list markers (1. / （一）), document numbers (〔2021〕30号),
    citations ([3]) and phone numbers are reported with their kind so callers can skip them.
    """
    norm, index = _normalise(text)
    found: list[NumberMention] = []
    for m in _MENTION.finditer(norm):
        start, end = m.start(), m.end()
        mention = _classify(norm, m)
        if mention is None:
            continue
        value, unit, kind, approx, end = mention
        found.append(
            NumberMention(
                value=value,
                unit=unit,
                start=index[start],
                end=index[end],
                raw=text[index[start] : index[end]],
                kind=kind,
                approx=approx,
            )
        )
    return found


def _classify(
    norm: str, m: re.Match[str]
) -> tuple[Decimal, str | None, MentionKind, bool, int] | None:
    start, end = m.start(), m.end()
    if m.group("pct_cn"):
        value = _to_decimal(m.group("pct_cn")[3:])
        return None if value is None else (value, "%", "percent", False, end)
    if m.group("doc"):
        return Decimal(re.findall(r"\d+", m.group("doc"))[-1]), "号", "doc_no", False, end
    if m.group("cite"):
        return Decimal(re.findall(r"\d+", m.group("cite"))[0]), None, "citation", False, end
    if m.group("phone"):
        return Decimal(0), None, "code", False, end
    raw = m.group("num")
    is_cn = not raw[0].isdigit()
    unit = m.group("unit")
    mult = m.group("mult")
    approx = bool(m.group("approx") or m.group("approx2"))
    before = norm[start - 1] if start else ""
    if is_cn:
        if unit is None:  # a Chinese numeral is a quantity only with a unit of UNITS after it
            return None
        if raw in ("一", "两") and (
            before in _WORD_BEFORE_ONE or norm[m.end("num") :].startswith(_IDIOM_AFTER)
        ):
            return None
        if unit == "个" and not any(norm[end:].startswith(x) for x in ("单位", "部门", "栏目")):
            return None  # 一个、两个 are mostly idiom; counted 个 only before a named noun
    value = _to_decimal(raw)
    if value is None:
        return None
    if before == "第":
        return value, unit, "ordinal", False, end
    if unit is None:
        # a text layer spaces and wraps dates ("2023\n年 1 月 1 日至 12 月 31 日"): a year or a
        # day is known by the next character that is not a space
        ahead = norm[end : end + 3]
        gap = len(ahead) - len(ahead.lstrip(" \t\n"))
        nxt = norm[end + gap : end + gap + 1]
        four = (
            len(raw) == 4
            and raw.isdigit()
            or is_cn
            and len(raw) == 4
            and all(ch in _DIGITS for ch in raw)
        )
        if four and (nxt == "年" or nxt in ("-", "/", "〕", "]")):
            return value, "年", "year", False, end + (gap + 1 if nxt == "年" else 0)
        if nxt in ("月", "日") or (nxt == "号" and before == "月"):
            return value, nxt, "date", False, end + gap + 1
        if re.match(r":\d{2}", norm[end : end + 3]) or (
            before == ":" and re.search(r"\d{1,2}:\d{2}$", norm[max(0, start - 3) : end])
        ):
            return value, None, "date", False, end  # 8:30 (a time of day)
        if re.match(r"[-~～至到]\d{1,2}[月日]", norm[end : end + 4]) and before != "第":
            return value, None, "date", False, end  # 1-12月, 1至6月
        if (
            nxt in ("、", ".")
            and not norm[end + 1 : end + 2].isdigit()
            and (_at_item_start(norm, start) or norm[end + 1 : end + 2] > "\u2e80")
        ):
            return value, None, "enum", False, end  # 1. 主动公开 / 「1.属于国家秘密」
        if before in "(（" and nxt in ")）":
            return value, None, "enum", False, end
        if nxt == "是" and is_cn:
            return None
        if not is_cn and len(raw) >= 5 and "." not in raw and "," not in raw:
            return value, None, "code", False, end  # postcodes, numbers of a document
    if mult:
        value *= _BIG_UNITS[mult]  # 1.2万人次 = 12000人次; 万元 never reaches here (see _MENTION)
    if unit == "余件":
        unit, approx = "件", True
    kind: MentionKind = "percent" if unit in ("%", "个百分点") else "quantity"
    return value, unit, kind, approx, end


def _at_item_start(norm: str, start: int) -> bool:
    """A list marker sits at the start of a line or after a clause break."""
    i = start - 1
    while i >= 0 and norm[i] in " \t":
        i -= 1
    return i < 0 or norm[i] in "\n。；;：:"
