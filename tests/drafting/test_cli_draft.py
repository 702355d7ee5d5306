"""`xxgk draft` / `xxgk revise` in-process: offline on the sample, and against the stub server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import cli
from tests.support.openai_stub import OpenAIStub, Reply

NOTES = """\
一:
  主动公开: 2020年，主动公开政府信息187条，比上年增加62条，其中政策文件及解读11条。
  监督保障: 全年开展培训2次，参训60人次。
五:
  - 一是政策解读栏目更新不及时。
六: 无。
"""


@pytest.fixture
def sample(data_dir: Path) -> Path:
    return data_dir / "samples" / "wendeng-gxj-2020.txt"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    path = tmp_path / "notes.yaml"
    path.write_text(NOTES, encoding="utf-8")
    return path


def test_offline_draft_of_the_sample_has_zero_flags(
    sample: Path, notes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "draft.md"
    code = cli(
        [
            "draft",
            str(sample),
            "--notes",
            str(notes),
            "--offline",
            "--no-retrieve",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    for heading in (
        "## 引言",
        "## 一、总体情况",
        "## 五、存在的主要问题及改进情况",
        "## 六、其他需要报告的事项",
    ):
        assert heading in text
    assert "187条" in text and "参训60人次" in text and "核对提示" not in text
    assert "核对提示0处" in err


def test_json_parity(sample: Path, notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli(
        [
            "draft",
            str(sample),
            "--notes",
            str(notes),
            "--offline",
            "--no-retrieve",
            "--section",
            "一,五",
            "--json",
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [d["section"] for d in doc["drafts"]] == ["overview", "problems"]
    assert doc["report"]["year"] == 2020 and doc["drafts"][0]["engine"] == "离线起草"
    assert all(d["flags"] == [] for d in doc["drafts"])
    assert doc["drafts"][0]["todo_count"] >= 1


def test_llm_draft_streams_and_flags_invented_numbers(
    sample: Path, notes: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with OpenAIStub() as stub:
        monkeypatch.setenv("XXGK_LLM__BASE_URL", stub.base_url)
        monkeypatch.setenv("XXGK_LLM__MODEL", "deepseek-stub")
        stub.push(
            Reply.text(
                "（一）主动公开\n主动公开政府信息[[fact:note.overview.主动公开.1]]，"
                "网站访问量达35万人次。",
                chunk_chars=4,
            )
        )
        code = cli(
            ["draft", str(sample), "--notes", str(notes), "--no-retrieve", "--section", "一"]
        )
        captured = capsys.readouterr()
        assert len(stub.requests) == 1 and stub.requests[0].json["stream"] is True
    assert code == 1
    assert "deepseek-stub 正在生成" in captured.err and "[[fact:note.overview" in captured.err
    assert "主动公开政府信息187条" in captured.out
    assert "【数字无出处】“35万人次”" in captured.out


def test_llm_failure_is_a_chinese_error(
    sample: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XXGK_LLM__MAX_RETRIES", "0")
    code = cli(["draft", str(sample), "--no-retrieve", "--section", "六"])
    err = capsys.readouterr().err
    assert code == 1 and "无法连接语言模型服务" in err and "Traceback" not in err
    assert "也可以使用 --offline（离线起草）先生成草稿。" in err


def test_cut_stream_is_marked_incomplete(
    sample: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with OpenAIStub() as stub:
        monkeypatch.setenv("XXGK_LLM__BASE_URL", stub.base_url)
        stub.push(Reply.cut("（一）存在的主要问题\n一是"))
        code = cli(["draft", str(sample), "--no-retrieve", "--section", "五", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["drafts"][0]["status"] == "incomplete"
    assert doc["drafts"][0]["text"] == "（一）存在的主要问题\n一是"


def test_revise_offline_refuses_an_instruction_it_cannot_follow(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli(
        [
            "revise",
            str(sample),
            "--section",
            "六",
            "--offline",
            "--no-retrieve",
            "-i",
            "本年度组织政府开放日活动2场。",
        ]
    )
    captured = capsys.readouterr()
    # said plainly, and the request is never pasted into the report
    assert code == 1 and "离线起草器" in captured.err and "不能按文字意见改写" in captured.err
    assert "政府开放日活动2场" not in captured.out


def test_revise_needs_one_section(sample: Path) -> None:
    assert cli(["revise", str(sample), "--section", "all", "-i", "x", "--offline"]) == 2


def test_unknown_section_is_an_input_error(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["draft", str(sample), "--section", "七", "--offline"]) == 2
    assert "不认识的部分" in capsys.readouterr().err


def test_a_data_files_remarks_reach_the_model_never_the_offline_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.config import shipped_dir

    data = shipped_dir("knowledge") / "examples" / "report-2025.yaml"  # 备注: 收费通知见…台账第19号
    assert cli(["draft", str(data), "--offline", "--no-retrieve", "--section", "六"]) == 0
    assert "台账第19号" not in capsys.readouterr().out  # working notes are not report text
    with OpenAIStub() as stub:
        monkeypatch.setenv("XXGK_LLM__BASE_URL", stub.base_url)
        stub.push(Reply.text("本年度发出收费通知[[fact:fees.notices_count]]。"))
        cli(["draft", str(data), "--no-retrieve", "--section", "六", "--json"])
        request = stub.requests[0].json
    user = request["messages"][-1]["content"]
    assert "【工作备注，不得照抄】收费通知见依申请公开台账第19号。" in user
    assert request["max_tokens"] == 2048  # the answer's length is asked for, not only cut off
