"""The layering of ARCHITECTURE.md and STYLE.md §3, checked by parsing every import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

_CORE = (
    "assistant.report",
    "assistant.ingest",
    "assistant.checks",
    "assistant.compare",
    "assistant.export",
)
_MODEL_SIDE = (
    "assistant.llm",
    "assistant.retrieval",
    "assistant.drafting",
    "openai",
    "langchain",
    "langchain_core",
    "langchain_openai",
    "langchain_chroma",
    "chromadb",
    "gradio",
)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    **{pkg: _MODEL_SIDE for pkg in _CORE},
    "assistant": ("ui", "gradio"),
}
# where a third-party package may appear at all (STYLE §3)
ONLY_IN = {
    "openai": ("assistant.llm",),
    "langchain_openai": ("assistant.llm",),
    "chromadb": ("assistant.retrieval",),
    "langchain_chroma": ("assistant.retrieval",),
    "gradio": ("ui",),
}


# ARCHITECTURE.md's "may import" column for the deterministic core, within assistant/ (errors,
# config and limits are the foundation every package stands on). The file formats that a reader
# and a writer share (report.dataschema, report.workbook) live in report so that ingest and export
# both reach them from below.
MAY_IMPORT = {
    "assistant.report": (),
    "assistant.ingest": ("assistant.report",),
    "assistant.checks": ("assistant.report",),
    "assistant.compare": ("assistant.report", "assistant.checks"),
    "assistant.export": ("assistant.report", "assistant.checks"),
    "assistant.store": ("assistant.report",),
}
_FOUNDATION = ("assistant.errors", "assistant.config", "assistant.limits")

# Edges that launch the UI: `xxgk ui` is the same entry point as `xxgk-ui` (ui.app:main).
ALLOWED = {("assistant.cli.ui", "ui.app")}


def _modules() -> list[tuple[str, Path]]:
    out = []
    for base in ("assistant", "ui"):
        for path in sorted((REPO / base).rglob("*.py")):
            rel = path.relative_to(REPO).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out.append((".".join(parts), path))
    return out


def _imports(path: Path, module: str) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                pkg = module.split(".")
                base = ".".join(
                    pkg[: len(pkg) - node.level + (1 if path.name == "__init__.py" else 0)]
                )
                names.append(f"{base}.{node.module}" if node.module else base)
            elif node.module:
                names.append(node.module)
    return names


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations() -> list[str]:
    found = []
    for module, path in _modules():
        for imported in _imports(path, module):
            if (module, imported) in ALLOWED:
                continue
            for owner, banned in FORBIDDEN.items():
                if _within(module, owner):
                    for b in banned:
                        if _within(imported, b):
                            found.append(
                                f"{module} imports {imported}: {owner} must not import {b}"
                            )
            for owner, allowed_pkgs in MAY_IMPORT.items():
                if (
                    _within(module, owner)
                    and _within(imported, "assistant")
                    and not any(_within(imported, p) for p in (owner, *allowed_pkgs, *_FOUNDATION))
                ):
                    found.append(
                        f"{module} imports {imported}: {owner} may import only "
                        f"{', '.join(allowed_pkgs) or 'itself'}"
                    )
            for pkg, allowed in ONLY_IN.items():
                if _within(imported, pkg) and not any(_within(module, a) for a in allowed):
                    found.append(f"{module} imports {imported}: {pkg} belongs only in {allowed}")
    return sorted(set(found))


def test_layering_holds() -> None:
    assert violations() == []


def test_checker_catches_a_violation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = REPO / "assistant" / "checks" / "_arch_probe.py"
    bad.write_text("import chromadb\n", encoding="utf-8")
    try:
        assert any("assistant.checks._arch_probe imports chromadb" in v for v in violations())
    finally:
        bad.unlink()


def test_checker_catches_a_core_package_reaching_sideways() -> None:
    bad = REPO / "assistant" / "export" / "_arch_probe.py"
    bad.write_text("from assistant.ingest import read_report\n", encoding="utf-8")
    try:
        assert (
            "assistant.export._arch_probe imports assistant.ingest: assistant.export may "
            "import only assistant.report, assistant.checks" in violations()
        )
    finally:
        bad.unlink()


def test_every_cli_command_is_listed_once_with_its_module() -> None:
    # `xxgk` imports a command's module only when it runs: the list must match the modules
    import importlib
    import pkgutil

    import assistant.cli as cli_pkg

    defined = {}
    for info in pkgutil.iter_modules(cli_pkg.__path__):
        module = importlib.import_module(f"assistant.cli.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            defined[command.name] = info.name
    assert defined == cli_pkg.COMMAND_MODULES
