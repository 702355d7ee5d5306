"""Text copied from a browser showing Word's HTML (each cell a paragraph): a line with only a tab
between blank lines separates cells, several blank lines end a row. The shape Chromium gives is
tested on real pages in test_routes (browser tier); this is its quick unit check."""

from __future__ import annotations

from assistant.ingest.text import untangle_copied_tables


def _copied(rows: list[list[str]]) -> str:
    return "\n\n\n\n\n".join("\n\n\t\n\n".join(row) for row in rows)


def test_rows_come_back_as_tab_separated_lines() -> None:
    text = "二、主动公开政府信息情况\n\n" + _copied(
        [["信息内容", "本年制发件数"], ["规\n\n章", "3"], ["行政许可", "12"]]
    )
    assert untangle_copied_tables(text).split("\n")[-3:] == [
        "信息内容\t本年制发件数",
        "规章\t3",  # a label printed in pieces is one cell
        "行政许可\t12",
    ]


def test_a_heading_between_two_tables_is_kept_apart() -> None:
    text = "行政事业性收费\n\n\t\n\n1.5\n\n三、收到和处理政府信息公开申请情况\n\n（本列说明）\n\n\t\n\n申请人情况"
    assert untangle_copied_tables(text).split("\n") == [
        "行政事业性收费\t1.5",
        "三、收到和处理政府信息公开申请情况",
        "（本列说明）\t申请人情况",
    ]


def test_tab_led_cells_of_another_copy_style_are_left_alone() -> None:
    text = "\t规章\n\t0\n\t\n\n\t行政许可\n\t3\n"
    assert untangle_copied_tables(text) == text
