"""What an agency's full name tells about its kind and level: 威海市文登区工业和信息化局 is a
county-level department. Used when a published report carries no profile; always said aloud."""

from __future__ import annotations

import re

from assistant.report.model import AGENCY_KIND_LABELS, LEVEL_LABELS, AgencyKind, Level

# administrative units, innermost last; 市 inside 市场/城市/都市 is not a city
_UNIT = re.compile(r"(省|自治区|(?<![城都])市(?!场|容)|自治州|地区|盟|区|县|旗|镇|乡|街道)")
_LEVEL_OF = {
    "省": "province",
    "自治区": "province",
    "市": "city",
    "自治州": "city",
    "地区": "city",
    "盟": "city",
    "区": "county",
    "县": "county",
    "旗": "county",
    "镇": "township",
    "乡": "township",
    "街道": "township",
}
_DEPARTMENT_END = (
    "局",
    "委员会",
    "委",
    "厅",
    "办",
    "中心",
    "署",
    "院",
    "会",
    "部",
    "处",
    "所",
    "站",
)
# municipalities directly under the central government: their districts are county-level
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


def infer_kind_level(name: str) -> tuple[AgencyKind | None, Level | None]:
    """Kind and level from a full name, or None where the name does not say."""
    name = name.strip()
    if not name:
        return None, None
    unit_end = 0
    level: Level | None = None
    for m in _UNIT.finditer(name):
        unit_end = m.end()
        level = _LEVEL_OF[m.group(1)]  # type: ignore[assignment]
    rest = name[unit_end:]
    kind: AgencyKind | None = None
    if name.endswith("街道办事处"):
        kind, level = "township", "township"
    elif rest in ("人民政府", "") and name.endswith("人民政府"):
        kind = "township" if level == "township" else "government"
    elif rest.startswith("人民政府") and rest.endswith(("办公室", "办公厅")):
        kind = "general_office"
    elif rest.endswith(_DEPARTMENT_END):
        kind = "department"
    if level == "city" and name.startswith(_MUNICIPALITIES) and unit_end > 3:
        level = "county"
    return kind, level


def describe_inference(kind: str | None, level: str | None) -> str:
    parts = [LEVEL_LABELS[level] if level else "", AGENCY_KIND_LABELS[kind] if kind else ""]
    return "".join(parts)
