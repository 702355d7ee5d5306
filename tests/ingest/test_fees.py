"""第六部分's 信息处理费 sentence → fees.* cells: only figures written as numbers are taken."""

from __future__ import annotations

import pytest

from assistant.checks import run_checks
from assistant.ingest.fees import fee_texts
from assistant.ingest.html import read_html


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "本年度发出收费通知1件，总金额100元，实际收取0元。",
            {
                "fees.notices_count": "1",
                "fees.notices_amount_yuan": "100元",
                "fees.collected_yuan": "0元",
            },
        ),
        (
            "依据《政府信息公开信息处理费管理办法》，发出收费通知书2份，收费通知总金额为360元，"
            "实际收取信息处理费240元。",
            {
                "fees.notices_count": "2",
                "fees.notices_amount_yuan": "360元",
                "fees.collected_yuan": "240元",
            },
        ),
        (
            "发出收费通知零件，金额零元，实际收取零元。",
            {
                "fees.notices_count": "0",
                "fees.notices_amount_yuan": "0元",
                "fees.collected_yuan": "0元",
            },
        ),
        ("本年度未收取信息处理费。", {}),  # no figure written: nothing guessed
        ("人大代表建议办理12件，总金额不涉及。本年收到提案3件。", {}),  # not about the fee
    ],
)
def test_fee_figures_are_read_from_the_sentence(text: str, want: dict[str, str]) -> None:
    assert fee_texts(text) == want


def test_a_published_report_gets_its_fee_cells_and_the_fee_rules_judge_them() -> None:
    page = (
        "<html><body><h1>某县教育局2025年政府信息公开工作年度报告</h1>"
        "<p>本报告统计期限自2025年1月1日起至2025年12月31日止。</p>"
        "<p>一、总体情况</p><p>本年度主动公开信息30条。</p>"
        "<p>六、其他需要报告的事项</p>"
        "<p>本年度发出收费通知1件，总金额105元，实际收取105元。</p></body></html>"
    )
    r = read_html(page, source="x.html")
    assert {k: r.value(k) for k in r.cells if k.startswith("fees.")} == {
        "fees.notices_count": 1,
        "fees.notices_amount_yuan": 105,
        "fees.collected_yuan": 105,
    }
    assert any("信息处理费数字取自正文" in n.message for n in r.notes)
    by_rule = {f.rule: f for f in run_checks(r, only=["S6-02", "S6-03"]).findings}
    assert by_rule["S6-02"].status == "pass"
    assert by_rule["S6-03"].status == "fail"  # 105元 is not a multiple of 10元
