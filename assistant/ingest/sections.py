"""The six section headings of SPEC b.7 (any numbering style, accepted variants) and the
preamble read as metadata: title, agency, year, statistical period, contact, the 条例 basis."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
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
# a report of the 2007 条例's time (up to 2018) has its own sections, numbered as it liked
# ("四、政府信息公开的收费及减免情况", "五、因政府信息公开申请提起行政复议、诉讼的情况"): the
# first match wins, in this order
_KEYWORDS_2008: tuple[tuple[SectionId, tuple[str, ...]], ...] = (
    ("review", ("复议", "诉讼")),
    ("problems", ("问题", "改进")),
    ("other", ("其他", "其它", "收费", "减免")),
    ("apply", ("依申请", "申请公开", "公开申请")),
    ("active", ("主动公开",)),
    ("overview", ("概述", "总体情况", "基本情况")),
)
_OLD_HEADING = re.compile(
    r"^\s*(?:第\s*(?P<n1>[一二三四五六七八九十])\s*部分\s*[、.．:：]?|"
    r"(?P<n3>[一二三四五六七八九十])\s*[、.．,，])\s*(?P<title>.*?)\s*[。：:]?\s*$"
)
_TEN = "一二三四五六七八九十"


@dataclass(frozen=True)
class Heading:
    section: SectionId
    text: str  # as printed, stripped
    number: int = 0  # the printed 一…十 as 1…10 (old reports number sections their own way)


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@cache
def _canonical() -> dict[str, SectionId]:
    out: dict[str, SectionId] = {}
    for s in load_sections():
        for h in (s.heading, *s.info_variants, *s.warning_variants):
            out[_plain(h)] = s.id
    return out


def match_heading(line: str, *, era: str = "") -> Heading | None:
    """The section `line` opens, if it is a heading: numbered 一…六 in any style with a title
    of that section, or (Word's automatic numbering is lost in .docx) an exact official title.
    `era="2008"`: a report from before the 2019 format, its sections told by their words."""
    text = line.strip()
    if not text or len(text) > _MAX_HEADING:
        return None
    if era == "2008":
        m = _OLD_HEADING.match(text)
        if not m:
            return None
        title = _plain(m.group("title"))
        printed = _TEN.index(m.group("n1") or m.group("n3")) + 1
        for section, words in _KEYWORDS_2008:
            if any(w in title for w in words) and len(title) >= 2:
                return Heading(section, text, printed)
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

_YEAR = r"(?:19|20)\d{2}"
# a title with its spaces gone: the year (with or without 年/年度), then the kind of report;
# "年报" and "2023政府信息公开…" are printed too
_TITLE = re.compile(rf"({_YEAR})(?:年度|年)?.{{0,24}}?(?:年度报告|工作报告|年报)")
# a title without its year ("青禾县文化和旅游局政府信息公开工作年度报告"): the year is elsewhere
_BARE_TITLE = re.compile(r"信息公开.{0,12}?(?:年度报告|工作报告|年报)")
_TITLE_MAX = 60
_WRAPPED_MIN = 10  # characters of a title's first line when the title wraps
_PERIOD = re.compile(
    rf"(?P<y1>{_YEAR})年(?P<m1>\d{{1,2}})月(?P<d1>\d{{1,2}})日(?:起)?"
    rf"(?:至|到|-|—|－|~|～)(?:(?P<y2>{_YEAR})年)?(?P<m2>\d{{1,2}})月(?P<d2>\d{{1,2}})日"
)
# page furniture a copied page puts above the report: "标题：…" carries the title, the rest is
# not the report's text ("发布时间: 2024-01-20 09:30", "来源：…")
_TITLE_LABEL = re.compile(r"^\s*(?:标\s*题|题\s*名|文章标题|名\s*称)\s*[:：]\s*(.+)$")
_PAGE_LABEL = re.compile(
    r"^\s*(?:发布(?:时间|日期|机构|单位)|发文(?:时间|日期|机关)|成文日期|生成日期|来\s*源|"
    r"索\s*引\s*号|作\s*者|浏览次数|点击(?:数|量|率)|字\s*号|文\s*号|主题分类|信息分类|"
    r"分\s*类|信息来源|公开方式|公开范围|时\s*效|有效性)\s*[:：]"
)
# "本局" "我局" "本机关": an introduction naming the agency by pronoun, not by name
_PRONOUN = re.compile(
    r"^(?:本|我)(?:局|委|办|院|厅|署|部|会|所|站|队|单位|机关|部门|中心|府|镇|乡|区|县|市)?$"
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


def _year_phrase(text: str, at: int) -> int:
    """The end of "2023" "2023年" "2023年度" starting at `at`."""
    m = re.compile(rf"{_YEAR}(?:年度|年)?").match(text, at)
    return m.end() if m else at


def _name_before_subject(text: str) -> str:
    """The agency in front of the report's subject: "青禾县文化和旅游局政府信息公开工作年度报告"."""
    for word in ("政府信息公开", "信息公开", "政务公开"):
        k = text.find(word)
        if k >= 0:
            name = text[:k]
            # "…人民政府信息公开": the agency's own 政府 ran into the subject
            return name + "政府" if name.endswith("人民") else name
    m = re.search(r"(?:年度报告|工作报告|年报)", text)
    return text[: m.start()] if m else ""


def _clean_agency(name: str) -> str | None:
    name = re.sub(r"^关于", "", name.strip("《》〈〉“”\"'、，,:：()（）"))
    name = re.sub(r"关于$", "", name)
    return name or None


def split_title(title: str) -> tuple[str | None, int | None]:
    """ "平潭综合实验区2021年度政府信息公开工作年度报告" → ("平潭综合实验区", 2021). The year may
    come first ("2023年青禾县…报告"), be printed without 年, or be absent (None)."""
    text = _plain(title)
    m = _TITLE.search(text)
    if m is None:
        if not _BARE_TITLE.search(text):
            return None, None
        return _clean_agency(_name_before_subject(text)), None
    before = _clean_agency(text[: m.start()])
    if before is not None:
        return before, int(m.group(1))
    rest = text[_year_phrase(text, m.start()) :]
    return _clean_agency(_name_before_subject(rest)), int(m.group(1))


def _title_text(line: str) -> str | None:
    """`line` as a report title, or None: short, no sentence, ending with the kind of report."""
    text = _plain(line).rstrip("。")
    if len(text) > _TITLE_MAX or re.search(r"[。，；,;]|根据|依据|现公布|现予公布", text):
        return None
    m = _TITLE.search(text) or _BARE_TITLE.search(text)
    if m is None or len(text) - m.end() > 8:  # "…年度报告（全文）" at most
        return None
    return text


def looks_like_agency(line: str) -> bool:
    text = _plain(line)
    return (
        2 <= len(text) <= 30
        and bool(_AGENCY_END.search(text))
        and not re.search(r"[，。；：,;:]|\d", text)
    )


def _title_block(lines: list[str]) -> tuple[str, str | None, int | None, int, int] | None:
    """The title as printed (a title wrapped over two lines joined, a "标题：" label dropped), its
    agency and year, and the first and last line of the block (an agency line above or below a
    title that has none). A title naming neither agency nor year ("政府信息公开年报", a menu of
    the page) gives way to a fuller one further down."""
    found = None
    for block in _title_blocks(lines):
        if block[1] is not None or block[2] is not None:
            return block
        found = found or block
    return found


def _title_blocks(lines: list[str]) -> Iterator[tuple[str, str | None, int | None, int, int]]:
    shown = [i for i, x in enumerate(lines) if x.strip() and not _PAGE_LABEL.match(x)]
    for pos, i in enumerate(shown):
        raw = lines[i].strip()
        if m := _TITLE_LABEL.match(raw):
            raw = m.group(1)
        first = last = i
        title = _title_text(raw)
        # a title wrapped by a PDF or a narrow page: a long first line (a menu entry is short)
        if title is None and pos + 1 < len(shown) and len(_plain(raw)) >= _WRAPPED_MIN:
            nxt = lines[shown[pos + 1]].strip()
            if len(_plain(nxt)) <= 20:
                title = _title_text(raw + nxt)
                last = shown[pos + 1]
        if title is None:
            continue
        agency, year = split_title(title)
        if agency is None:  # "2023年政府信息公开工作年度报告" under or over the agency's own line
            above = next((lines[k] for k in reversed(shown[:pos])), "")
            below_at = next((k for k in shown if k > last), None)
            below = lines[below_at] if below_at is not None else ""
            if looks_like_agency(above) and not _TITLE_LABEL.match(above):
                agency = _plain(above)
                first = shown[pos - 1]
            elif looks_like_agency(below):
                agency = _plain(below)
                last = below_at  # type: ignore[assignment]
            if agency is not None:
                title = agency + title if not title.startswith(agency) else title
        # the same title printed again under the page's own heading
        for k in shown:
            if k > last and (
                _plain(lines[k]) in (title, _plain(raw))
                or ((t := _TITLE_LABEL.match(lines[k])) is not None and _plain(t[1]) == title)
            ):
                last = k
            elif k > last:
                break
        yield title, agency, year, first, last


# the body names the report it introduces: "现公布我局2023年政府信息公开工作年度报告"
_BODY_TITLE = re.compile(rf"({_YEAR})年度?(?:政府)?信息公开(?:工作)?(?:年度报告|年报|工作报告)")


def read_preamble(lines: list[str], *, title_hint: str | None = None) -> Preamble:
    """Metadata from the lines before 一、总体情况 (title lines included, when present)."""
    info = Preamble()
    body = "\n".join(lines)
    block = _title_block(lines)
    if block is not None:
        info.title, info.agency, info.year, first, last = block
        head = [i for i, x in enumerate(lines[:first]) if x.strip() and not _PAGE_LABEL.match(x)]
        if len(head) <= 3:  # a title block on top, not a title quoted further down
            info.body_start = last + 1
    if info.title is None and title_hint:
        info.title = title_hint.strip()
        info.agency, info.year = split_title(info.title)
    text = "\n".join(x for x in lines if not _PAGE_LABEL.match(x))
    flat = _plain(text)
    if m := _PERIOD.search(flat):
        start = _date(m["y1"], m["m1"], m["d1"])
        end = _date(m["y2"] or m["y1"], m["m2"], m["d2"])
        if start and end and start <= end:
            info.period = (start, end)
    if info.year is None and info.period is not None:
        info.year = info.period[1].year
    if info.year is None and (m := _BODY_TITLE.search(flat)):
        info.year = int(m.group(1))
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
        # "现公布XXX2020年度政府信息公开工作报告"; "现公布我局…" names no one
        if m := re.search(rf"现(?:予)?公布(.{{2,30}}?){_YEAR}年", flat):
            if not _PRONOUN.match(m.group(1)):
                info.agency = m.group(1)
    return info
