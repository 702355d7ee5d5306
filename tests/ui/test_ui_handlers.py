"""The app's handlers as plain functions, on a real workspace (SQLite in tmp_path)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.errors import ConflictError, InputError, LLMError
from assistant.service import Assistant
from tests.support.openai_stub import OpenAIStub, Reply
from ui.demo import DEMO_AGENCY, seed_demo
from ui.handlers import drafting as dh
from ui.handlers import review as rh
from ui.handlers import tables as th
from ui.handlers import workspace as ws


def test_demo_tables_pass_the_table_identities(assistant: Assistant, demo: dict[str, int]) -> None:
    report = ws.current(assistant, demo).report
    result = th.check_opened(assistant, report)
    failed_tables = [
        f for f in result.failures() if f.rule.startswith(("T3", "T4", "XY-0")) and f.cells
    ]
    assert failed_tables == []
    prior = ws.prior_of(assistant, report)
    assert prior is not None and prior.year == 2024
    # the carry-over chain of SPEC: 2025 上年结转 = 2024 结转下年度, per column
    assert report.value("apply.carry_in.total") == prior.value("apply.carry_out.total") == 2


def test_seeding_the_demo_twice_keeps_one_copy(assistant: Assistant, demo: dict[str, int]) -> None:
    assert seed_demo(assistant) == demo["id"]
    # the demo opens on offline drafts to review, each complete and with no flags
    rows = dh.section_rows(assistant, demo)
    assert [r[1] for r in rows if r[1] == "待采用"] == ["待采用"] * 3
    overview = assistant.store.draft(demo["id"], "overview")
    assert overview.author_kind == "composer" and not overview.flags
    assert "168" in overview.text  # from the staff note
    assert [label for label, _ in ws.report_choices(assistant)] == [
        f"{DEMO_AGENCY} · 2025年度（第1版）",
        f"{DEMO_AGENCY} · 2024年度（第1版）",
    ]


def test_grid_layout_follows_the_format() -> None:
    blocks = {b.key: b for b in th.edit_blocks("2021")}
    apply = blocks["2021:apply:0"]
    assert apply.headers[:3] == ("项目", "自然人", "法人或其他组织/商业企业")
    assert apply.row_labels[0] == "一、本年新收政府信息公开申请数量"
    assert "（三）不予公开 1.属于国家秘密" in apply.row_labels
    assert apply.cell_ids[0][0] == "apply.new.natural_person"
    assert blocks["2021:active:0"].caption == "第二十条第（一）项"
    assert "2021:fees:0" in blocks  # 六's fee figures are entered here too
    assert any(b.table_id == "apply19" for b in th.edit_blocks("2019"))


def test_editing_a_grid_saves_and_the_check_names_the_cells(
    assistant: Assistant, demo: dict[str, int]
) -> None:
    key = "2021:apply:0"
    block = th.blocks_by_key()[key]
    rows = th.block_rows(ws.current(assistant, demo).report, block)
    rows[0][1] = "9"  # 自然人 new: 8 → 9 breaks 一+二=三+四 in that column
    opened, shown_rows = th.edit_grid(assistant, demo, key, rows, author="张三")
    assert opened.version == demo["version"] + 1
    assert shown_rows[0][1] == "9"
    stored = assistant.store.load_report(demo["id"])
    assert stored.report.cell("apply.new.natural_person").source == th.ENTRY_SOURCE
    change = assistant.store.changes(demo["id"], "apply.new.natural_person")[-1]
    assert (change.old, change.new, change.author) == ("8", "9", "张三")

    result = th.check_opened(assistant, stored.report)
    rows_shown, findings = th.finding_rows(stored.report, result)
    t301 = next(i for i, f in enumerate(findings) if f.rule == "T3-01" and f.failed)
    assert "apply.new.natural_person" in findings[t301].cells
    # the row counts the cells per table; a click names each of them
    assert rows_shown[t301][4] == f"表三 {len(findings[t301].cells)} 格"
    assert "表三「一、本年新收政府信息公开申请数量」行「自然人」列" in th.describe_cells(
        stored.report, findings[t301].cells
    )
    assert (0, 1) in th.marked_positions(block, findings[t301].cells)

    rows[0][1] = "8"  # fixed: the failure goes away
    opened, _ = th.edit_grid(assistant, opened.state(), key, rows, author="张三")
    fixed = th.check_opened(assistant, opened.report)
    assert not [f for f in fixed.by_rule("T3-01") if f.failed]


def test_a_stale_page_cannot_overwrite_a_newer_save(
    assistant: Assistant, demo: dict[str, int]
) -> None:
    key = "2021:apply:0"
    rows = th.block_rows(ws.current(assistant, demo).report, th.blocks_by_key()[key])
    rows[0][1] = "10"
    th.edit_grid(assistant, demo, key, rows, author="甲")
    rows[0][1] = "11"
    with pytest.raises(Exception, match="为避免覆盖"):
        th.edit_grid(assistant, demo, key, rows, author="乙")  # still holds the old version


def test_text_and_slash_are_kept_as_typed(assistant: Assistant, demo: dict[str, int]) -> None:
    key = "2021:active:0"
    rows = th.block_rows(ws.current(assistant, demo).report, th.blocks_by_key()[key])
    rows[0][1], rows[0][2] = "/", "三"
    opened, shown_rows = th.edit_grid(assistant, demo, key, rows, author="张三")
    assert shown_rows[0][1:3] == ["/", "三"]
    assert opened.report.cell("active.rules.made").kind == "slash"
    assert opened.report.cell("active.rules.repealed").kind == "text"


def test_create_report_and_profile(assistant: Assistant) -> None:
    opened = ws.create_report(assistant, "某某市某某局", "2025", author="张三")
    # a new report is blank, not 0: nothing is said to be filled in that was not
    assert opened.report.year == 2025 and opened.report.cell("apply.new.total") is None
    block = th.blocks_by_key()["2021:apply:0"]
    assert all(v == "" for row in th.block_rows(opened.report, block) for v in row[1:])
    summary = th.summary(th.check_opened(assistant, opened.report), opened.report)
    assert summary.startswith("表格还没有填写") and "错误 0 项" not in summary
    again = ws.create_report(assistant, "某某市某某局", 2025, author="李四")
    assert again.id == opened.id  # opening, not a second copy
    saved = ws.save_profile(
        assistant, opened.state(), {"kind": "department", "phone": "123"}, author="张三"
    )
    assert saved.report.agency.phone == "123"
    assert assistant.store.agency("某某市某某局").kind == "department"
    with pytest.raises(InputError, match="年份"):
        ws.create_report(assistant, "某某市某某局", "明年", author="张三")
    with pytest.raises(InputError, match="机关全称"):
        ws.create_report(assistant, " ", 2025, author="张三")


def test_uploads_are_limited_by_type_and_size(assistant: Assistant, tmp_path: Path) -> None:
    exe = tmp_path / "a.exe"
    exe.write_bytes(b"MZ")
    with pytest.raises(InputError, match="类型"):
        ws.check_upload(assistant, exe)
    big = tmp_path / "big.txt"
    big.write_bytes(b"0" * (assistant.settings.ui.max_upload_mb * 1024 * 1024 + 1))
    with pytest.raises(InputError, match="超过"):
        ws.check_upload(assistant, big)
    with pytest.raises(InputError, match="还没有打开报告"):
        ws.current(assistant, None)


def test_versions_accept_reject_edit_restore(assistant: Assistant, demo: dict[str, int]) -> None:
    store, sid = assistant.store, "preamble"  # the demo has no draft of it yet
    opened = dh.edit(assistant, demo, sid, "一是解读形式单一。", author="张三")
    assert opened.report.text(sid) == "一是解读形式单一。"
    # a machine version arrives with a flag; it is pending until accepted
    flag = {
        "kind": "number",
        "message": "数字“9”找不到出处",
        "start": 2,
        "end": 3,
        "text": "9",
        "severity": "error",
    }
    store.add_draft(
        demo["id"],
        sid,
        "全年9次培训。",
        author_kind="llm",
        author="张三",
        model="stub-model",
        flags=[flag],
    )
    state = dh.section_state(assistant, ws.current(assistant, opened.state()), sid)
    assert state.pending and state.status == "pending"
    html = dh.flags_html(state.head.text, state.flags)
    assert '<span class="xxgk-flag" title="数字“9”找不到出处">9</span>' in html
    rows = dh.section_rows(assistant, opened.state())
    assert rows[0][:2] == ["引言", "待采用"]

    dh.reject(assistant, opened.state(), sid, author="张三")
    kept = dh.section_state(assistant, ws.current(assistant, opened.state()), sid)
    assert not kept.pending and kept.text == "一是解读形式单一。"

    accepted = dh.restore(assistant, opened.state(), sid, "第2版", author="张三")
    assert accepted.report.text(sid) == "全年9次培训。"
    history = dh.history_rows(assistant, accepted.state(), sid)
    assert [r[0] for r in history] == ["第4版", "第3版", "第2版", "第1版"]
    assert "大模型（stub-model）" in history[2][1]
    diff = dh.version_diff(assistant, accepted.state(), sid, 1)
    assert "<del>" in diff and "<ins>" in diff


def test_engine_is_named_plainly(assistant: Assistant) -> None:
    offline = assistant.settings.model_copy(
        update={"llm": assistant.settings.llm.model_copy(update={"base_url": None})}
    )
    assistant.settings = offline
    assert "离线撰写" in dh.engine_markdown(assistant)
    assert "XXGK_LLM_BASE_URL" in dh.engine_markdown(assistant)


def test_review_compares_with_last_year_and_records_decisions(
    assistant: Assistant, demo: dict[str, int]
) -> None:
    cmp = rh.compare(assistant, demo)
    assert cmp.years == (2024, 2025)
    headers, rows = rh.number_rows(cmp)
    assert headers[-2:] == ["变化", "变化率"]
    new_total = next(
        r for r in rows if r[0] == "表三「一、本年新收政府信息公开申请数量」行「总计」列"
    )
    assert new_total[1:] == ["7", "12", "+5", "+71.4%"]
    chart = rh.chart_html(cmp)
    assert chart.count("<polyline") >= 3 and "新收申请：12" in chart

    rows, findings = rh.findings_view(assistant, demo)
    assert rows and all(r[4] == "待处理" for r in rows)
    with pytest.raises(InputError, match="理由"):
        rh.decide(assistant, demo, findings[0].fingerprint, "dismiss", "", author="审核员")
    rh.decide(assistant, demo, findings[0].fingerprint, "dismiss", "正文另行说明", author="审核员")
    rows, _ = rh.findings_view(assistant, demo)
    assert rows[0][4:] == ["忽略", "正文另行说明"]


def _drive(gen: Any) -> tuple[list[str], dh.DraftResult]:
    tokens, result = [], None
    for item in gen:
        if isinstance(item, str):
            tokens.append(item)
        else:
            result = item
    assert result is not None
    return tokens, result


def test_offline_draft_is_stored_pending_and_says_its_engine(
    assistant: Assistant, demo: dict[str, int]
) -> None:
    assistant.configure_llm(base_url=None, model=None, api_key=None)
    _, result = _drive(dh.run_draft(assistant, demo, "other", author="张三"))
    assert result.engine == "离线撰写" and result.version.author_kind == "composer"
    state = dh.section_state(assistant, ws.current(assistant, demo), "other")
    assert state.pending and state.head.text == result.version.text
    assert "信息处理费" in result.version.text
    assert [m["role"] for m in dh.chat_messages(assistant, demo, "other")] == ["user", "assistant"]


def test_llm_draft_streams_flags_an_invented_number_and_revises(
    assistant: Assistant, demo: dict[str, int], openai_stub: OpenAIStub
) -> None:
    assistant.configure_llm(base_url=openai_stub.base_url, model="stub-model", api_key="sk-x")
    openai_stub.push(
        Reply.text("一是政策解读形式仍以文字为主。二是全年开展培训37次。", chunk_chars=4)
    )
    tokens, result = _drive(dh.run_draft(assistant, demo, "problems", author="张三"))
    assert len(tokens) > 3  # streamed piece by piece
    assert result.version.model == "stub-model" and result.version.author_kind == "llm"
    flagged = [f["text"] for f in result.version.flags if f["kind"] == "number"]
    assert flagged == ["37次"] or flagged == ["37"]
    assert "需要核对" in result.message
    engine = dh.engine_markdown(assistant)
    assert "大模型 stub-model" in engine
    # the address as code: bare, the page made it a link running on over “，已设置密钥）…”
    assert f"（`{openai_stub.base_url}`，" in engine

    openai_stub.push(Reply.text("一是政策解读形式仍以文字为主。二是全年开展培训2次。"))
    _, revised = _drive(dh.run_draft(assistant, demo, "problems", "培训改为2次", author="张三"))
    assert revised.version.number == result.version.number + 1
    assert not [f for f in revised.version.flags if f["kind"] == "number"]
    request = openai_stub.requests[-1].json
    assert "培训改为2次" in request["messages"][-1]["content"]
    opened = dh.accept(assistant, demo, "problems", author="张三")
    assert opened.report.text("problems").endswith("培训2次。")


def test_a_failing_llm_keeps_the_previous_version(
    assistant: Assistant, demo: dict[str, int], openai_stub: OpenAIStub
) -> None:
    opened = dh.edit(assistant, demo, "problems", "原有正文。", author="张三")
    state = opened.state()
    before = dh.section_state(assistant, opened, "problems").versions
    assistant.configure_llm(base_url=openai_stub.base_url, model="stub-model", api_key=None)
    openai_stub.push(Reply.error(500))
    with pytest.raises(LLMError):
        _drive(dh.run_draft(assistant, state, "problems", author="张三"))
    kept = dh.section_state(assistant, ws.current(assistant, state), "problems")
    assert kept.text == "原有正文。" and not kept.pending and kept.versions == before


def test_wording_and_last_years_problems(assistant: Assistant, demo: dict[str, int]) -> None:
    prior = ws.prior_of(assistant, ws.current(assistant, demo).report)
    copied = prior.text("problems")
    opened = dh.edit(assistant, demo, "problems", copied, author="张三")
    rows, html = rh.wording_view(assistant, opened.state())
    problems_row = next(r for r in rows if r[0] == "五、存在的主要问题及改进情况")
    assert problems_row[2].startswith("⚠")
    # side by side, last year's on the left: a copied text has nothing struck or new in 五
    assert '<div class="side"><div><b>2024年</b>' in html and "<b>2025年</b>" in html
    five = html.split("五、存在的主要问题及改进情况")[1].split("<h4>")[0]
    assert "<del>" not in five and "<ins>" not in five
    matches = rh.problems_rows(assistant, opened.state())
    assert matches and {m[1] for m in matches} == {"原样重复（2024、2025年均列出）"}


def test_a_new_year_starts_from_last_years_closing_figures(
    assistant: Assistant, demo: dict[str, int]
) -> None:
    opened = ws.create_report(assistant, DEMO_AGENCY, 2026, author="张三")
    assert opened.report.value("apply.carry_in.total") == 1  # 2025 结转下年度
    assert opened.report.cell("apply.carry_in.total").source == "上年结转"
    assert opened.report.value("active.normative_docs.valid") == 8
    assert opened.report.agency.phone == "0631-8451391"


def test_importing_last_years_published_report_prefills_carry_overs(
    assistant: Assistant, data_dir: Path
) -> None:
    opened = ws.create_report(assistant, "威海市文登区工业和信息化局", 2021, author="张三")
    sample = data_dir / "samples" / "wendeng-gxj-2020.txt"
    opened, prior, _notes, filled = ws.import_prior(
        assistant, opened.state(), sample, author="张三"
    )
    assert prior.year == 2020 and prior.format == "2019"
    assert "apply.carry_in.total" in filled
    assert opened.report.cell("apply.carry_in.total").source == "上年结转"
    assert assistant.store.find_report("威海市文登区工业和信息化局", 2020) is not None
    with pytest.raises(InputError, match="2020年度"):  # the wrong year is refused
        later = ws.create_report(assistant, "威海市文登区工业和信息化局", 2023, author="张三")
        ws.import_prior(assistant, later.state(), sample, author="张三")


def _set_in_workbook(path: Path, cell_id: str, value: object) -> None:
    """Type a figure into the workbook as a clerk would, at the address its map gives."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    rows = wb["_xxgk"].iter_rows(values_only=True)
    sheet, ref = next((r[1], r[2]) for r in rows if r and r[0] == cell_id)
    wb[sheet][ref] = value
    wb.save(path)


def test_excel_template_round_trip(
    assistant: Assistant, demo: dict[str, int], tmp_path: Path
) -> None:
    template = th.excel_template(assistant, demo)
    assert template.parent == ws.exports_dir(assistant) and template.suffix == ".xlsx"
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(template.read_bytes())
    _set_in_workbook(filled, "apply.new.natural_person", 9)
    opened, changed = th.upload_excel(assistant, demo, filled, author="张三")
    assert changed == 1 and opened.report.value("apply.new.natural_person") == 9
    failed = [f for f in th.check_opened(assistant, opened.report).by_rule("T3-01") if f.failed]
    assert failed and "apply.new.natural_person" in failed[0].cells


def test_gate_state_and_exports(assistant: Assistant, demo: dict[str, int]) -> None:
    from docx import Document

    from ui.handlers import exports as eh

    # the demo opens with drafts of 一、五、六 not yet accepted: no 正式稿 without that text
    verdict, rows, _ = eh.gate_view(eh.gate(assistant, demo, final=True))
    assert verdict.startswith("⚠") and len(rows) == 3 and all("还没有正文" in r[1] for r in rows)
    # a clerk writes the three sections (the composer's drafts still have 【待补充】 in them)
    texts = {
        "overview": "本年度主动公开政府信息，依申请公开工作依法有序开展。",
        "problems": "存在的问题：政策解读形式单一，图解不足。下一步，2026年6月前在解读专栏增加图解。",
        "other": "本年度未发出收费通知，未收取信息处理费。",
    }
    for section, text in texts.items():
        demo = dh.edit(assistant, demo, section, text, author="张三").state()
    verdict, rows, _ = eh.gate_view(eh.gate(assistant, demo, final=True))
    assert verdict.startswith("✔") and rows == []
    key = "2021:apply:0"
    grid = th.block_rows(ws.current(assistant, demo).report, th.blocks_by_key()[key])
    grid[0][1] = "9"  # breaks 表三's identities: an error blocks the 正式稿
    demo = th.edit_grid(assistant, demo, key, grid, author="张三")[0].state()
    verdict, rows, fps = eh.gate_view(eh.gate(assistant, demo, final=True))
    assert verdict.startswith("⚠") and rows and len(fps) == len(rows)
    assert any("T3-01" in r[1] for r in rows)
    with pytest.raises(InputError, match="暂不能导出正式稿") as refused:
        eh.export(assistant, demo, ["docx"], final=True, author="张三")
    assert "--" not in refused.value.message  # worded for the page, not the command line

    steps: list[str] = []
    paths = eh.export(
        assistant,
        demo,
        ["html", "docx"],
        final=False,
        author="张三",
        progress=lambda f, what: steps.append(what),
    )
    assert [p.suffix for p in paths] == [".docx", ".html"]
    assert all(p.parent == ws.exports_dir(assistant) for p in paths)
    assert steps == ["正在导出 Word（公文格式）……", "正在导出 网页 HTML……"]
    doc = Document(str(paths[0]))
    assert any("三、收到和处理政府信息公开申请情况" in p.text for p in doc.paragraphs)
    assert "征求意见稿" in paths[1].read_text(encoding="utf-8")
    log = eh.records(assistant, demo)
    assert [r[1] for r in log] == ["征求意见稿", "征求意见稿"]

    with pytest.raises(InputError, match="理由"):
        eh.allow(assistant, demo, fps[0], " ", author="审核员")
    for fp in fps:
        eh.allow(assistant, demo, fp, "已与业务科室核对", author="审核员")
    verdict, rows, _ = eh.gate_view(eh.gate(assistant, demo, final=True))
    assert rows[0][2] == "已放行：已与业务科室核对" and verdict.startswith("✔")
    final = eh.export(assistant, demo, ["html"], final=True, author="审核员")
    assert final[0].name.endswith("正式稿.html") and final[1].name.endswith("审核包.html")


@pytest.mark.slow
def test_indexing_shows_progress_and_drafts_cite_their_sources(
    demo: dict[str, int], openai_stub: OpenAIStub
) -> None:
    import time

    from assistant.config import load_settings
    from assistant.llm.embeddings import HashingEmbedder
    from assistant.service import build_assistant
    from ui.handlers.knowledge import IndexBuild

    assistant = build_assistant(load_settings(), embedder=HashingEmbedder())
    index = IndexBuild(assistant)
    assert index.status().startswith("资料库索引尚未建立") and not index.ready
    index.start()  # in the background: the caller goes on at once
    index.start()  # a second start while it runs starts nothing
    seen = {index.status()}
    while not index.finished:
        seen.add(index.status())
        time.sleep(0.05)
    assert any(s.startswith("⏳ 正在建立资料库索引") for s in seen)
    assert index.ready and index.status().startswith("资料库已就绪")
    assert index.done == index.total > 0
    assistant.configure_llm(base_url=openai_stub.base_url, model="stub-model", api_key=None)
    openai_stub.push(Reply.text("依据《条例》的要求[1]，一是政策解读形式较为单一。"))
    _, result = _drive(dh.run_draft(assistant, demo, "problems", author="张三", retrieve=True))
    assert result.passages
    sources = dh.sources_markdown(result.passages)
    assert r"- \[1\] " in sources and "《" in sources
    assert not [f for f in result.version.flags if f["kind"] == "citation"]


def test_a_2020_report_is_edited_in_the_2019_trial_format(assistant: Assistant) -> None:
    opened = ws.create_report(assistant, "某某市某某局", 2020, author="张三")
    assert opened.report.format == "2019"
    key = next(b.key for b in th.edit_blocks("2019") if b.table_id == "apply19")
    rows = th.block_rows(opened.report, th.blocks_by_key()[key])
    rows[0][1] = "3"
    saved, shown_rows = th.edit_grid(assistant, opened.state(), key, rows, author="张三")
    assert shown_rows[0][1] == "3" and saved.report.value("apply19.new.natural_person") == 3
    with pytest.raises(InputError, match="格式"):
        th.edit_grid(assistant, saved.state(), "2021:apply:0", rows, author="张三")


def test_a_slow_model_is_said_to_be_asked_and_a_quick_one_is_not(
    assistant: Assistant, demo: dict[str, int], openai_stub: OpenAIStub
) -> None:
    assistant.configure_llm(base_url=openai_stub.base_url, model="stub-model", api_key=None)
    openai_stub.push(Reply.text("一是政策解读形式仍以文字为主。", delay=0.5))
    slow = list(dh.run_draft(assistant, demo, "problems", author="张三", wait_first=0.05))
    assert isinstance(slow[0], dh.Waiting) and isinstance(slow[1], str)
    assert isinstance(slow[-1], dh.DraftResult)

    openai_stub.push(Reply.text("一是政策解读形式仍以文字为主。"))
    quick = list(dh.run_draft(assistant, demo, "problems", author="张三", wait_first=30))
    assert not any(isinstance(item, dh.Waiting) for item in quick)
    assert "".join(i for i in quick if isinstance(i, str)) == "一是政策解读形式仍以文字为主。"


def test_profile_and_publication_are_saved(assistant: Assistant) -> None:
    opened = ws.create_report(assistant, "某某市某某局", 2025, author="张三")
    values = {
        "kind": "department",
        "level": "county",
        "phone": "0631-1234567",
        "title": "某某市某某局2025年政府信息公开工作年度报告",
        "date": "2026年1月20日",
        "index_no": "11371003MB0000000X/2026-00001",
        "url": "http://127.0.0.1/nb.html",
    }
    saved = ws.save_profile(assistant, opened.state(), values, author="张三")
    report = assistant.store.load_report(saved.id).report
    assert (report.agency.kind, report.agency.level) == ("department", "county")
    assert str(report.publication.date) == "2026-01-20"
    assert report.publication.index_no == values["index_no"] and report.title == values["title"]
    assert ws.profile_values(report)[-4:] == [
        values["title"],
        "2026-01-20",
        values["index_no"],
        values["url"],
    ]
    with pytest.raises(InputError, match="发布日期"):
        ws.save_profile(assistant, saved.state(), {"date": "一月底"}, author="张三")


def test_only_a_real_conflict_is_refused(assistant: Assistant, demo: dict[str, int]) -> None:
    """One page's two events (Enter then blur, a button and a blur) carry the same version:
    the second is not a conflict unless it changes what was changed since."""
    key = "2021:apply:0"
    rows = th.block_rows(ws.current(assistant, demo).report, th.blocks_by_key()[key])
    rows[0][1] = "10"
    first, _ = th.edit_grid(assistant, demo, key, rows, author="本机用户")
    again, _ = th.edit_grid(assistant, demo, key, rows, author="本机用户")  # the same edit
    assert again.version == first.version
    rows[1][1] = "3"  # another cell, from the page that has not seen its first save yet
    merged, _ = th.edit_grid(assistant, demo, key, rows, author="本机用户")
    report = assistant.store.load_report(demo["id"]).report
    assert merged.version == first.version + 1
    assert (
        report.value("apply.new.natural_person"),
        report.value("apply.carry_in.natural_person"),
    ) == (10, 3)
    # a hand edit saved by the blur and by 保存修改: one version, no message
    one = dh.edit(assistant, merged.state(), "problems", "一是解读形式单一。", author="本机用户")
    two = dh.edit(assistant, merged.state(), "problems", "一是解读形式单一。", author="本机用户")
    assert two.version == one.version
    assert [d.text for d in assistant.store.drafts(demo["id"], "problems")].count(
        "一是解读形式单一。"
    ) == 1
    # one 保存备注 click (and the blur that comes with it) keeps one note
    th.add_note(assistant, demo, "overview", "全年培训2次", author="本机用户")
    th.add_note(assistant, demo, "overview", "全年培训2次", author="本机用户")
    assert [n.text for n in assistant.store.notes(demo["id"], "overview")].count("全年培训2次") == 1
    # another browser still showing the old grid edits another cell of it: both edits kept
    stale = th.block_rows(ws.open_report(assistant, demo["id"]).report, th.blocks_by_key()[key])
    stale[0][1] = "8"  # what that page still shows of the cell changed since
    stale[2][1] = "4"
    th.edit_grid(assistant, demo, key, stale, author="李四")
    report = assistant.store.load_report(demo["id"]).report
    assert report.value("apply.new.natural_person") == 10  # not put back to what it showed
    # another browser that changes the same cell is refused
    rows[0][1] = "12"
    with pytest.raises(Exception, match="为避免覆盖对方的修改") as refused:
        th.edit_grid(assistant, demo, key, rows, author="李四")
    assert "「自然人」列" in str(refused.value)


def test_placeholders_are_never_let_through(assistant: Assistant, demo: dict[str, int]) -> None:
    from assistant.errors import ExportError
    from assistant.export.gate import GateInput, evaluate_gate, placeholders
    from ui.handlers import exports as eh

    for section in ("overview", "problems", "other"):
        demo = dh.accept(assistant, demo, section, author="张三").state()  # 【待补充】 in them
    result = eh.gate(assistant, demo, final=True)
    marks = [b for b in result.blockers if b.kind == "placeholder"]
    assert marks and not any(b.overridable for b in marks)
    with pytest.raises(InputError, match="不能放行"):
        eh.allow(assistant, demo, marks[0].fingerprint, "领导同意", author="审核员")
    _, rows, _ = eh.gate_view(result)
    assert any(r[2] == "须填写完整（不能放行）" for r in rows)
    report = ws.current(assistant, demo).report
    inp = GateInput(report, result.input.checks, overrides={marks[0].fingerprint: "领导同意"})
    assert placeholders(report)
    with pytest.raises(ExportError, match="不能放行"):
        evaluate_gate(inp, "正式稿")
    # even a dismissal stored in the workspace does not let one through
    assistant.store.decide(demo["id"], marks[0].fingerprint, "dismiss", author="x", reason="y")
    assert marks[0] in eh.gate(assistant, demo, final=True).remaining


def test_the_review_tab_writes_the_word_review_package(
    assistant: Assistant, demo: dict[str, int]
) -> None:
    import docx

    path, note = rh.review_package(assistant, demo)
    assert path is not None and path.endswith("-审核意见.docx") and "批注" in note
    comments = docx.Document(path).comments
    report = ws.current(assistant, demo).report
    prior = ws.prior_of(assistant, report)
    failing = [f for f in assistant.check(report, prior=prior).findings if f.status != "pass"]
    assert len(comments) == len(failing)
    assert rh.review_package(assistant, None) == (None, "请先在“单位与年度”页打开一份报告。")


def test_the_chat_routes_questions_and_instructions(
    assistant: Assistant, demo: dict[str, int], openai_stub: OpenAIStub
) -> None:
    assistant.configure_llm(base_url=openai_stub.base_url, model="stub-model", api_key=None)
    before = dh.section_state(assistant, ws.current(assistant, demo), "problems").versions
    # a question is answered in the chat; no version, the text untouched
    openai_stub.push(Reply.text("上年报告列了三个问题[1]。"))
    assert dh.is_question("去年我们写了哪些问题？")
    _, answer = _drive(
        dh.run_draft(assistant, demo, "problems", "去年我们写了哪些问题？", author="张三")
    )
    assert answer.kind == "answer" and "正文没有改动" in answer.message
    assert answer.passages[0].kind == "prior"
    state = dh.section_state(assistant, ws.current(assistant, demo), "problems")
    assert state.versions == before
    shown = dh.chat_messages(assistant, demo, "problems")[-1]["content"]
    assert shown.startswith("上年报告列了三个问题") and "参考资料：\n\\[1\\] " in shown
    # 起草本节 with text: the text is the instruction, whatever its wording
    openai_stub.push(Reply.text("一是政策解读仍以文字为主。"))
    _, result = _drive(
        dh.run_draft(
            assistant, demo, "problems", "能不能突出培训？", author="张三", mode="instruction"
        )
    )
    assert result.version.number == before + 1
    assert "能不能突出培训？" in openai_stub.requests[-1].json["messages"][-1]["content"]


def test_a_rejected_version_is_no_new_writing_and_the_demo_says_it_is_a_demo(
    assistant: Assistant, demo: dict[str, int]
) -> None:
    from ui.pages.profile import banner_text

    opened = dh.reject(assistant, demo, "problems", author="张三")
    assert opened.version >= demo["version"]
    rows = dh.history_rows(assistant, opened.state(), "problems")
    assert rows[0][1] == "不采用新版，保持原文 张三"
    report = ws.current(assistant, demo).report
    assert "这是演示数据" in banner_text(report, 1)
    new = ws.create_report(assistant, "某某市某某局", 2025, author="张三")
    assert "演示数据" not in banner_text(new.report, new.version)


def test_the_chart_writes_its_values(assistant: Assistant, demo: dict[str, int]) -> None:
    chart = rh.chart_html(rh.compare(assistant, demo))
    report = ws.current(assistant, demo).report
    shown = str(report.value("apply.new.total"))
    assert f">{shown}</text>" in chart  # the figure beside its point, not only on hover


def test_citations_are_provenance_in_the_reviewer_package_never_in_the_report(
    openai_stub: OpenAIStub, tmp_path: Path
) -> None:
    from assistant.config import load_settings
    from assistant.llm.embeddings import HashingEmbedder
    from assistant.service import build_assistant
    from assistant.usecases import publishing
    from assistant.usecases.workspace import workspace_context
    from ui.demo import seed_demo

    # the knowledge base over the hashing embedder: the shipped model is for the slow tier
    assistant = build_assistant(load_settings(), embedder=HashingEmbedder())
    demo = {"id": seed_demo(assistant)}
    demo["version"] = assistant.store.load_report(demo["id"]).version
    assistant.configure_llm(base_url=openai_stub.base_url, model="stub-model", api_key=None)
    openai_stub.push(Reply.text("一是政策解读仍以文字为主[1]。"))
    _, result = _drive(
        dh.run_draft(assistant, demo, "problems", "写具体些", author="张三", retrieve=True)
    )
    assert result.version.sources and result.version.sources[0]["n"] == 1
    opened = dh.accept(assistant, demo, "problems", author="张三")
    stored = assistant.store.load_report(opened.id)
    ctx = workspace_context(
        assistant.store, stored, with_prior=True, options=assistant.check_options
    )
    label = result.version.sources[0]["label"]
    assert ctx.citations == (("problems", 1, label),)
    done = publishing.export(ctx, "md", tmp_path / "报告.md", reviewer=True)
    assert "[1]" not in (tmp_path / "报告.md").read_text(encoding="utf-8")
    package = done.package.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert "三、正文引用的资料" in package and "\\[1] " in package


def test_a_grid_resending_its_old_frame_puts_nothing_back(
    assistant: Assistant, demo: dict[str, int]
) -> None:
    """Two pages on one report: after the second page's merged save, its grid may send the old
    frame once more, with the page's new version. What the grid held at that save is no edit:
    the first page's cell stays; a cell the second page really changes is still written, and a
    cell both changed is still a conflict."""
    key = "2021:apply:0"
    block = th.blocks_by_key()[key]
    loaded = th.block_rows(ws.current(assistant, demo).report, block)
    one = [list(r) for r in loaded]
    one[0][1] = "11"
    first, _ = th.edit_grid(assistant, demo, key, one, author="甲")
    two = [list(r) for r in loaded]
    two[1][1] = "12"  # another cell, from a page that has not seen the first save
    merged, shown = th.edit_grid(assistant, demo, key, two, author="乙")
    held = th.held_values(block, two, shown)
    # the old frame once more, now with the merged version: nothing is put back
    again, _ = th.edit_grid(assistant, merged.state(), key, two, author="乙", held=held)
    report = assistant.store.load_report(demo["id"]).report
    assert again.version == merged.version
    assert (
        report.value("apply.new.natural_person"),
        report.value("apply.carry_in.natural_person"),
    ) == (11, 12)
    # without what the page held, the same frame is read as an edit (the cause of the loss)
    assert th.apply_rows(report, block, two).value("apply.new.natural_person") != 11
    # a cell this page really changes in its old frame is written, alone
    two[2][1] = "5"
    third, _ = th.edit_grid(assistant, merged.state(), key, two, author="乙", held=held)
    report = assistant.store.load_report(demo["id"]).report
    assert third.version == merged.version + 1
    assert (report.value("apply.new.natural_person"), report.value(block.cell_ids[2][0])) == (
        11,
        5,
    )
    # the same cell changed on both sides is still refused
    one[2][1] = "987"
    with pytest.raises(ConflictError, match="为避免覆盖"):
        th.edit_grid(assistant, first.state(), key, one, author="甲")
