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
# Settings are read at the edges (the command line, the web app) and passed in typed; no package
# below reads them itself.
_READS_SETTINGS = ("assistant.config.load_settings",)
_SURFACES = ("assistant.cli", "ui")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    **{pkg: (*_MODEL_SIDE, *_READS_SETTINGS) for pkg in _CORE},
    "assistant": ("ui", "gradio"),
    "ui": ("assistant.cli",),
    **{
        pkg: _READS_SETTINGS
        for pkg in ("assistant.llm", "assistant.retrieval", "assistant.drafting", "assistant.store")
    },
    "assistant.usecases": (*_SURFACES, *_READS_SETTINGS),
    "assistant.service": (*_SURFACES, "assistant.usecases", *_READS_SETTINGS),
}
# where a third-party package may appear at all (STYLE §3)
ONLY_IN = {
    "openai": ("assistant.llm",),
    "langchain_openai": ("assistant.llm",),
    "chromadb": ("assistant.retrieval",),
    "langchain_chroma": ("assistant.retrieval",),
    "gradio": ("ui",),
}


# ARCHITECTURE.md's "may import" column, within assistant/ (errors, config and limits are the
# foundation every package stands on). The file formats that a reader and a writer share
# (report.dataschema, report.workbook) live in report so that ingest and export both reach them
# from below. Above the packages: the `Assistant` facade (service), the use cases, the surfaces.
MAY_IMPORT = {
    # the deterministic core
    "assistant.report": (),
    "assistant.ingest": ("assistant.report",),
    "assistant.checks": ("assistant.report",),
    "assistant.compare": ("assistant.report", "assistant.checks"),
    "assistant.export": ("assistant.report", "assistant.checks"),
    "assistant.store": ("assistant.report",),
    # the model side
    "assistant.llm": (),
    "assistant.retrieval": ("assistant.report", "assistant.ingest", "assistant.llm"),
    "assistant.drafting": (
        "assistant.report",
        "assistant.checks",
        "assistant.llm",
        "assistant.retrieval",
    ),
}
_FOUNDATION = ("assistant.errors", "assistant.config", "assistant.limits")

# The edge that launches the UI: `xxgk ui` (and `xxgk-ui`, the same command) starts ui.app.
ALLOWED = {("assistant.cli.ui", "ui.app")}


def _modules(root: Path) -> list[tuple[str, Path]]:
    out = []
    for base in ("assistant", "ui"):
        for path in sorted((root / base).rglob("*.py")):
            rel = path.relative_to(root).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out.append((".".join(parts), path))
    return out


def _imports(path: Path, module: str) -> list[str]:
    """Every module a file imports, and for `from M import n` also `M.n` (a submodule or a
    name: `from assistant.config import load_settings` gives assistant.config.load_settings)."""
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
                source = f"{base}.{node.module}" if node.module else base
            elif node.module:
                source = node.module
            else:
                continue
            names.append(source)
            names += [f"{source}.{a.name}" for a in node.names if a.name != "*"]
    return names


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(root: Path = REPO) -> list[str]:
    found = []
    for module, path in _modules(root):
        for imported in _imports(path, module):
            if any(module == m and _within(imported, target) for m, target in ALLOWED):
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


def _probe(root: Path, module: str, source: str) -> None:
    """A module of a temporary tree: the real tree is never written to."""
    path = root / Path(*module.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")


def test_checker_catches_a_violation(tmp_path: Path) -> None:
    _probe(tmp_path, "assistant.checks.probe", "import chromadb\n")
    assert any("assistant.checks.probe imports chromadb" in v for v in violations(tmp_path))


def test_checker_catches_a_core_package_reaching_sideways(tmp_path: Path) -> None:
    _probe(tmp_path, "assistant.export.probe", "from assistant.ingest import read_report\n")
    assert (
        "assistant.export.probe imports assistant.ingest: assistant.export may "
        "import only assistant.report, assistant.checks" in violations(tmp_path)
    )


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        # the model side has its layers too: the chat model factory knows nothing of drafting
        (
            "assistant.llm.probe",
            "from assistant.drafting import drafter\n",
            "assistant.llm.probe imports assistant.drafting: assistant.llm may import only itself",
        ),
        # a package never reaches up into the use cases or the surfaces
        (
            "assistant.drafting.probe",
            "from assistant.usecases import drafting\n",
            "assistant.drafting.probe imports assistant.usecases: assistant.drafting may import "
            "only assistant.report, assistant.checks, assistant.llm, assistant.retrieval",
        ),
        # the web app goes through the use cases, never through the command line
        (
            "ui.handlers.probe",
            "from assistant.cli.export import FORMATS\n",
            "ui.handlers.probe imports assistant.cli.export: ui must not import assistant.cli",
        ),
        # settings are read at the edge, relative imports included
        (
            "assistant.checks.probe",
            "from ..config import load_settings\n",
            "assistant.checks.probe imports assistant.config.load_settings: assistant.checks "
            "must not import assistant.config.load_settings",
        ),
        (
            "assistant.usecases.probe",
            "from assistant.cli.report import open_workspace\n",
            "assistant.usecases.probe imports assistant.cli.report: assistant.usecases must "
            "not import assistant.cli",
        ),
    ],
)
def test_checker_catches_each_kind_of_edge(
    tmp_path: Path, module: str, source: str, expected: str
) -> None:
    _probe(tmp_path, module, source)
    assert expected in violations(tmp_path)


def test_a_clean_tree_has_no_violations(tmp_path: Path) -> None:
    _probe(tmp_path, "assistant.usecases.probe", "from assistant.drafting import drafter\n")
    _probe(tmp_path, "ui.handlers.probe", "from assistant.usecases import publishing\n")
    assert violations(tmp_path) == []


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
