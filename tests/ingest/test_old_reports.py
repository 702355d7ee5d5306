"""Reports from before the 2019 format (the 2007 条例's time): recognised as such, read by their
own sections, not judged by the 2019/2021 tables; the narrative rules that still apply run."""

from __future__ import annotations

from pathlib import Path

from assistant.checks import run_checks
from assistant.ingest import read_report

OLD = """示例市水务局2016年政府信息公开工作年度报告
本报告统计期限自2016年1月1日起至2016年12月31日止。
一、概述
2016年，我局扎实推进政府信息公开工作。
二、主动公开政府信息的情况
全年主动公开政府信息90条，其中机构职能10条、业务动态70条、财政信息15条。
三、依申请公开政府信息的情况
全年受理申请2件，均已答复。
四、政府信息公开的收费及减免情况
本年度未收取任何费用。
五、因政府信息公开申请提起行政复议、行政诉讼的情况
无。
六、政府信息公开工作存在的主要问题和改进措施
栏目更新不及时，将建立更新台账。
七、其他需要报告的事项
无。
附：政府信息公开情况统计表 指标名称 计量单位 本年度 主动公开信息数 条 90 其中：1、网站公开 条 85
"""


def test_an_old_report_is_read_as_its_era(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_text(OLD, encoding="utf-8")
    r = read_report(path)
    assert (r.year, r.format, r.agency.name) == (2016, "2008", "示例市水务局")
    assert set(r.sections) == {
        "preamble",
        "overview",
        "active",
        "apply",
        "review",
        "problems",
        "other",
    }
    other = r.sections["other"]  # 收费及减免 and 其他事项, both kept
    assert "收费及减免" in other.heading and "其他需要报告的事项" in other.text
    assert r.cells == {}
    result = run_checks(r)
    ran = {f.rule for f in result.findings}
    assert not ran & {"FMT-01", "FMT-04", "FMT-05", "FMT-06", "FMT-07", "S6-01", "T3-01"}
    # the narrative sum still checked: 10 + 70 + 15 ≠ 90; the flattened 统计表 is no list
    nar02 = [f for f in result.findings if f.rule == "NAR-02"]
    assert [f.status for f in nar02] == ["fail"] and "90" in nar02[0].message
    assert not result.errors or {f.rule for f in result.errors} == {"NAR-02"}
