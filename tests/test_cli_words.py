"""The command line speaks Chinese in click's own words too: usage lines, help and mistakes."""

from __future__ import annotations

import re

import pytest

from assistant.cli import COMMAND_MODULES, cli

# what click prints in English unless assistant/cli/zh.py words it
ENGLISH = re.compile(
    r"Usage|Options|Commands|Show this|Error|Invalid value|Missing|No such|"
    r"Try '|Got unexpected|is not|\[OPTIONS\]|COMMAND \[ARGS\]|\bTEXT\b|INTEGER"
)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["check", "r.yaml", "--format", "2020"], "'--format' 的取值有误：'2020' 不在可选范围内"),
        (["compare", "a.yaml"], "错误：缺少参数 'PRIOR'"),
        (["check", "--bogus", "r.yaml"], "错误：没有选项 '--bogus'"),
        (["chek", "r.yaml"], "错误：没有命令 'chek'"),
        (["check", "a", "b"], "错误：多出了参数（b）"),
        (["template", "--year", "二〇二五"], "不是有效的数字，请写阿拉伯数字"),
        (["template", "--year", "1990"], "1990 不在允许的范围"),
    ],
)
def test_usage_mistakes_are_told_in_chinese(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(argv) == 2
    err = capsys.readouterr().err
    assert said in err and "用法： xxgk" in err and "查看用法" in err
    assert not ENGLISH.search(err), err


@pytest.mark.parametrize(
    "command", [[], *([c] for c in sorted(COMMAND_MODULES)), ["kb", "search"], ["report", "new"]]
)
def test_every_help_page_is_chinese(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法： xxgk") and "显示本说明并退出" in out
    assert not ENGLISH.search(out), out
