"""What each drafted section needs: its prompt, retrieval queries, rules and checks (SPEC e)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from assistant.config import shipped_dir
from assistant.errors import InputError, PromptError
from assistant.report.layout import SectionId, format_info, section_names, section_spec

# Sections the drafter writes; 二/三/四 get optional short notes after their tables.
DRAFTED: tuple[SectionId, ...] = ("preamble", "overview", "problems", "other")
TABLE_NOTES: tuple[SectionId, ...] = ("active", "apply", "review")

# every name of a section a person may type (五, 5, 问题, 存在的主要问题及改进情况 …)
SECTION_ALIASES: dict[str, SectionId] = section_names()


DEFAULT_SLOTS = 2


@dataclass(frozen=True)
class Query:
    text: str
    kind: str | None = None  # a DocKind filter: regulation, format, fees, report, template …
    slots: int = DEFAULT_SLOTS  # passages this query may bring into the prompt


@dataclass(frozen=True)
class SectionPlan:
    section: SectionId
    heading: str  # 一、总体情况 (empty for the preamble)
    prompt: str
    queries: tuple[Query, ...]
    rules: tuple[str, ...]  # the section's requirements, Chinese, one per line in the prompt
    checks: tuple[str, ...]  # check rule ids run on the draft (the checks issue's section rules)
    char_budget: int | None = None


def section_heading(section: SectionId) -> str:
    if section == "preamble":
        return ""
    return section_spec(section).full_heading


def parse_sections(value: str) -> list[SectionId]:
    """`一`, `五,六`, `all` → section ids, in report order."""
    if value.strip().lower() in ("all", "全部", ""):
        return list(DRAFTED)
    out: list[SectionId] = []
    for part in value.replace("，", ",").split(","):
        key = part.strip()
        if key not in SECTION_ALIASES:
            raise InputError(
                f"不认识的部分“{key}”。可选：引言、一、五、六（或 all），以及表格说明二、三、四。"
            )
        out.append(SECTION_ALIASES[key])
    order = [*DRAFTED[:2], *TABLE_NOTES, *DRAFTED[2:]]
    return sorted(dict.fromkeys(out), key=order.index)


SPECS_FILE = "sections.yaml"  # beside the prompts


@cache
def _load_specs(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PromptError(f"无法读取起草规格文件 {path}：{exc}。", source=path) from exc
    if not isinstance(data, dict) or not isinstance(data.get("sections"), dict):
        raise PromptError(f"起草规格文件 {path.name} 应有 sections 一节。", source=path)
    return data


def drafting_specs(prompts_dir: Path | None = None) -> dict[str, Any]:
    """`sections.yaml` of the prompts folder (the shipped one when that folder has none)."""
    path = (prompts_dir or shipped_dir("prompts")) / SPECS_FILE
    if not path.is_file():
        path = shipped_dir("prompts") / SPECS_FILE
    return _load_specs(path.resolve())


def _applies(rule: object, *, format: str, government: bool) -> str | None:
    if isinstance(rule, str):
        return rule
    if not isinstance(rule, dict):
        return None
    if "format" in rule and str(rule["format"]) != format:
        return None
    if rule.get("government") and not government:
        return None
    return str(rule["text"])


def plan_for(
    section: SectionId, *, format: str, government: bool, prompts_dir: Path | None = None
) -> SectionPlan:
    """The plan of one section for a report of `format` (a 人民政府 or not), from the specs."""
    specs = drafting_specs(prompts_dir)
    heading = section_heading(section)
    spec = specs["sections"].get(section) or specs["sections"]["table_note"]
    values = {
        "notice": format_info(format).notice,
        "subsections": "、".join(section_spec("overview").subsections),
        "heading": heading,
    }
    rules = (_applies(r, format=format, government=government) for r in spec.get("rules", ()))
    return SectionPlan(
        section,
        heading,
        spec["prompt"],
        tuple(
            Query(q["text"].format(**values), q.get("kind"), int(q.get("slots", DEFAULT_SLOTS)))
            for q in spec.get("queries", ())
        ),
        tuple(r.format(**values) for r in rules if r is not None),
        tuple(spec.get("checks", ())),
        char_budget=spec.get("char_budget"),
    )
