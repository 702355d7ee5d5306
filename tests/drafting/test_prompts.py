"""Prompt files: declared variables are checked at load and render; every prompt has a golden."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.drafting.prompts import FACT_REF, PromptLibrary
from assistant.errors import PromptError, PromptVariablesError
from assistant.report.markers import TODO_OPEN
from tests.drafting.conftest import assert_golden

VALUES = {
    "agency": "某某市某某局",
    "year": 2025,
    "format_notice": "《格式》（国办公开办函〔2021〕30号）",
    "profile": "地址：某路1号",
    "passages": "<<<资料[1] 开始>>>……<<<资料[1] 结束>>>",
    "rules": "- 不超过1000字",
    "subsections": "（一）主动公开",
    "char_budget": 1000,
    "facts": "[[fact:apply.new.total]] 新收 = 3件",
    "notes": "（无）",
    "findings": "（无）",
    "prior_problems": "1. 政策解读形式较为单一",
    "fee_required": "必须报告信息处理费。",
    "section_heading": "五、存在的主要问题及改进情况",
    "current_text": "原文",
    "instruction": "更具体",
    "conversation": "（无）",
}


def test_every_shipped_prompt_loads(prompts: PromptLibrary) -> None:
    names = [p.id for p in prompts.check_all()]
    assert {
        "draft_overview",
        "draft_problems",
        "draft_other",
        "draft_preamble",
        "revise",
        "system/drafter",
    } <= set(names)


@pytest.mark.parametrize(
    "name",
    [
        "draft_preamble",
        "draft_overview",
        "draft_problems",
        "draft_other",
        "draft_table_note",
        "revise",
    ],
)
def test_golden_render(prompts: PromptLibrary, name: str) -> None:
    prompt = prompts.get(name)
    messages = prompts.messages(name, **{v: VALUES[v] for v in prompt.variables})
    rendered = "\n".join(f"## {m.role}\n{m.content}" for m in messages)
    assert_golden(f"prompt_{name}.txt", rendered)


def test_sentinels_are_in_the_system_prompt(prompts: PromptLibrary) -> None:
    system = prompts.render("system/drafter")
    assert FACT_REF.format(id="apply.new.total") in system and TODO_OPEN in system


def _write(tmp_path: Path, name: str, text: str) -> PromptLibrary:
    (tmp_path / f"{name}.md").write_text(text, encoding="utf-8")
    return PromptLibrary(tmp_path)


def test_declared_but_unused_variable_names_the_file(tmp_path: Path) -> None:
    lib = _write(tmp_path, "p", "---\nid: p\nvariables: [agency, year]\n---\n{{ agency }}\n")
    with pytest.raises(PromptVariablesError, match=r"p\.md.*year"):
        lib.get("p")


def test_used_but_undeclared_variable(tmp_path: Path) -> None:
    lib = _write(tmp_path, "q", "---\nvariables: []\n---\n{{ agency }}\n")
    with pytest.raises(PromptVariablesError, match=r"q\.md.*agency"):
        lib.get("q")


def test_render_needs_exactly_the_declared_variables(tmp_path: Path) -> None:
    lib = _write(tmp_path, "r", "---\nvariables: [a]\n---\n{{ a }}\n")
    assert lib.render("r", a="甲") == "甲\n"
    with pytest.raises(PromptVariablesError, match="缺少"):
        lib.render("r")
    with pytest.raises(PromptVariablesError, match="多出"):
        lib.render("r", a=1, b=2)


def test_partials_may_not_use_variables(tmp_path: Path) -> None:
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "x.md").write_text("{{ oops }}", encoding="utf-8")
    lib = _write(tmp_path, "s", '---\nvariables: []\n---\n{% include "partials/x.md" %}\n')
    with pytest.raises(PromptVariablesError, match="x.md"):
        lib.get("s")


def test_missing_front_matter_and_missing_file(tmp_path: Path) -> None:
    lib = _write(tmp_path, "t", "no front matter")
    with pytest.raises(PromptError, match="YAML"):
        lib.get("t")
    with pytest.raises(PromptError, match="找不到提示词文件"):
        lib.get("absent")
