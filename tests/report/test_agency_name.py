"""Kind and level read from an agency's full name."""

from __future__ import annotations

import pytest

from assistant.report.agency_name import infer_kind_level


@pytest.mark.parametrize(
    ("name", "kind", "level"),
    [
        ("威海市文登区工业和信息化局", "department", "county"),
        ("平潭综合实验区管理委员会", "department", "county"),
        ("青岚县市场监督管理局", "department", "county"),
        ("某市城市管理局", "department", "city"),
        ("山东省人民政府", "government", "province"),
        ("威海市人民政府办公室", "general_office", "city"),
        ("文登区人民政府", "government", "county"),
        ("某县某某镇人民政府", "township", "township"),
        ("某区龙山街道办事处", "township", "township"),
        ("上海市浦东新区民政局", "department", "county"),
        ("上海市民政局", "department", "city"),
        ("", None, None),
    ],
)
def test_infer(name: str, kind: str | None, level: str | None) -> None:
    assert infer_kind_level(name) == (kind, level)
