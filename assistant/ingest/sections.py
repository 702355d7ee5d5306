"""The six section headings of SPEC b.7 (any numbering style, accepted variants) and the
preamble read as metadata: title, agency, year, statistical period, contact, the 条例 basis."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from assistant.report.layout import SectionId, load_sections

_NUMERALS = "一二三四五六"
# "一、" "（一）" "(一)" "一." "第一部分" — with any width of bracket or dot
_HEADING = re.compile(
    r"^\s*(?:第\s*(?P<n1>[一二三四五六])\s*部分\s*[、.．:：]?|[(（]\s*(?P<n2>[一二三四五六])\s*[)）]"
    r"|(?P<n3>[一二三四五六])\s*[、.．,，])\s*(?P<title>.*?)\s*[。：:]?\s*$"
)
# words a heading of each section must contain (the official wording and every variant seen)
_KEYWORDS: dict[SectionId, tuple[str, ...]] = {
    "overview": ("总体情况", "概述", "基本情况"),
    "active": ("主动公开",),
    "apply": ("申请",),
    "review": ("复议", "诉讼"),
    "problems": ("问题", "改进"),
    "other": ("其他需要报告", "其它需要报告", "其他事项", "其它事项", "其他报告事项", "其他需报告"),
}
_MAX_HEADING = 40


@dataclass(frozen=True)
class Heading:
    section: SectionId
    text: str  # as printed, stripped


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@cache
def _canonical() -> dict[str, SectionId]:
    out: dict[str, SectionId] = {}
    for s in load_sections():
        for h in (s.heading, *s.info_variants, *s.warning_variants):
            out[_plain(h)] = s.id
    return out


def match_heading(line: str) -> Heading | None:
    """The section `line` opens, if it is a heading: numbered 一…六 in any style with a title
    of that section, or (Word's automatic numbering is lost in .docx) an exact official title."""
    text = line.strip()
    if not text or len(text) > _MAX_HEADING:
        return None
    m = _HEADING.match(text)
    if m:
        number = m.group("n1") or m.group("n2") or m.group("n3")
        section = load_sections()[_NUMERALS.index(number)].id
        title = _plain(m.group("title"))
        if any(k in title for k in _KEYWORDS[section]):
            return Heading(section, text)
        return None
    section_id = _canonical().get(_plain(text).rstrip("。：:"))
    return Heading(section_id, text) if section_id else None


# ------------------------------------------------------------------ preamble metadata

_TITLE = re.compile(r"((?:19|20)\d{2})\s*年度?.{0,20}?(?:年度报告|工作报告)")
_PERIOD = re.compile(
    r"(?P<y1>(?:19|20)\d{2})\s*年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日\s*(?:起)?\s*"
    r"(?:至|到|-|—|－|~)\s*(?P<y2>(?:19|20)\d{2})\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日"
)
_ADDRESS = re.compile(r"(?:联系)?地址\s*[:：]\s*([^，,；;）)。\n]+)")
_POSTCODE = re.compile(r"邮(?:政)?编(?:码)?\s*[:：]?\s*(\d{6})")
_PHONE = re.compile(
    r"(?:电话|联系电话|电话/传真|电话、传真)\s*[:：]?\s*([\d\-—－()（）\s]{7,20}\d)"
)
_WEBSITE = re.compile(r"(https?://[\w./\-?=&%]+|www\.[\w\-]+(?:\.[\w\-]+)+)")
_NOTICES = ("国办公开办函〔2021〕30号", "国办公开办函〔2019〕60号")
_AGENCY_END = re.compile(
    r"(?:局|委员会|委|办公室|办公厅|办|院|政府|中心|街道办事处|街道|镇|乡|"
    r"厅|署|部|会|所|站|队|区|县|市|管理处|公司)$"
)


@dataclass
class Preamble:
    """What the opening of a report says about itself (SPEC FMT-10, 11, 13)."""

    title: str | None = None
    agency: str | None = None
    year: int | None = None
    period: tuple[dt.date, dt.date] | None = None
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    website: str | None = None
    cites_regulation: bool = False  # names 《中华人民共和国政府信息公开条例》
    notices: list[str] = field(default_factory=list)  # format notices cited
    body_start: int = 0  # lines before this are the title block, not preamble text

    def as_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "period": [d.isoformat() for d in self.period] if self.period else None,
            "address": self.address,
            "postcode": self.postcode,
            "phone": self.phone,
            "website": self.website,
            "cites_regulation": self.cites_regulation,
            "notices": self.notices,
        }


def _date(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def split_title(title: str) -> tuple[str | None, int | None]:
    """ "平潭综合实验区2021年度政府信息公开工作年度报告" → ("平潭综合实验区", 2021)."""
    text = _plain(title)
    m = _TITLE.search(text)
    if not m:
        return None, None
    agency = text[: m.start()].strip("《》〈〉“”\"'、，,:：")
    agency = re.sub(r"关于$", "", agency)
    return (agency or None), int(m.group(1))


def looks_like_agency(line: str) -> bool:
    text = _plain(line)
    return (
        2 <= len(text) <= 30
        and bool(_AGENCY_END.search(text))
        and not re.search(r"[，。；：,;:]|\d", text)
    )


def read_preamble(lines: list[str], *, title_hint: str | None = None) -> Preamble:
    """Metadata from the lines before 一、总体情况 (title lines included, when present)."""
    info = Preamble()
    body = "\n".join(lines)
    for i, line in enumerate(lines):
        text = line.strip()
        if len(text) <= 60 and _TITLE.search(_plain(text)) and "根据" not in text:
            agency, year = split_title(text)
            if agency is None:  # "2020年政府信息公开工作年度报告" under the agency's own line
                prev = next((x.strip() for x in reversed(lines[:i]) if x.strip()), "")
                if looks_like_agency(prev):
                    agency, text = _plain(prev), _plain(prev) + text
            info.title, info.agency, info.year = text, agency, year
            if i <= 3:  # a title block on top, not a title quoted further down
                info.body_start = i + 1
            break
    if info.title is None and title_hint:
        info.title = title_hint.strip()
        info.agency, info.year = split_title(info.title)
    flat = _plain(body)
    if m := _PERIOD.search(flat):
        start = _date(m["y1"], m["m1"], m["d1"])
        end = _date(m["y2"], m["m2"], m["d2"])
        if start and end:
            info.period = (start, end)
            if info.year is None:
                info.year = end.year
    if m := _ADDRESS.search(body):
        info.address = m.group(1).strip()
    if m := _POSTCODE.search(flat):
        info.postcode = m.group(1)
    if m := _PHONE.search(body):
        info.phone = unicodedata.normalize("NFKC", m.group(1)).strip()
    if m := _WEBSITE.search(body):
        info.website = m.group(1)
    info.cites_regulation = "政府信息公开条例" in flat
    info.notices = [n for n in _NOTICES if _plain(n) in flat]
    if "格式(试行)" in flat:
        info.notices.append("格式（试行）")
    if info.agency is None:
        # "现公布XXX2020年度政府信息公开工作报告" / "请与XXX办公室联系"
        if m := re.search(r"现(?:予)?公布(.{2,30}?)(?:19|20)\d{2}年", flat):
            info.agency = m.group(1)
    return info
