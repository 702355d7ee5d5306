"""`kb add` takes regular files of supported types only, and says why it refuses the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.retrieval.corpus import Library

REPORTS = Path(__file__).resolve().parents[1] / "data" / "reports"


def test_a_link_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "passwd.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    link = tmp_path / "规定.txt"
    link.symlink_to(secret)
    library = Library(tmp_path / "kb")
    with pytest.raises(InputError, match="链接"):
        library.add_file(link)
    assert library.documents() == []


@pytest.mark.parametrize("name", ["a.exe", "b.sh", "c", "d.doc"])
def test_other_types_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes("政府信息公开".encode())
    with pytest.raises(InputError, match="不收"):
        Library(tmp_path / "kb").add_file(path)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.txt").mkdir()
    with pytest.raises(InputError, match="不是普通文件"):
        Library(tmp_path / "kb").add_file(tmp_path / "x.txt")


def test_broken_docx_and_password_pdf_give_a_message(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    broken = tmp_path / "broken.docx"
    broken.write_bytes((REPORTS / "known-2025.docx").read_bytes()[:3000])
    with pytest.raises(InputError, match="Word"):
        Library(tmp_path / "kb").add_file(broken, kind="local")
    writer = PdfWriter(clone_from=PdfReader(REPORTS / "known-2025.pdf"))
    writer.encrypt(user_password="open-me", owner_password="owner", algorithm="AES-128")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    with pytest.raises(InputError, match="打开密码"):
        Library(tmp_path / "kb").add_file(locked, kind="local")


def test_a_text_file_is_added(tmp_path: Path) -> None:
    path = tmp_path / "规定.md"
    path.write_text("# 某市政府信息公开规定\n\n第一条 为了规范……\n", encoding="utf-8")
    doc = Library(tmp_path / "kb").add_file(path)
    assert doc.title == "某市政府信息公开规定"


def test_the_limits_of_the_settings_apply(tmp_path: Path) -> None:
    from assistant.config import LimitSettings
    from assistant.errors import LimitError

    path = tmp_path / "规定.md"
    path.write_text("# 规定\n\n" + "第一条 内容。\n" * 20_000, encoding="utf-8")
    with pytest.raises(LimitError, match="知识库资料的上限 0.1 MB"):
        Library(tmp_path / "kb").add_file(path, limits=LimitSettings(knowledge_mb=0.1))
