"""Staff notes: what only the agency knows, per section and sub-heading (notes.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from assistant.drafting.plan import SECTION_ALIASES
from assistant.errors import InputError
from assistant.report.layout import SectionId, section_spec

# notes[section][sub-heading] = text; "" is the section as a whole.
Notes = dict[SectionId, dict[str, str]]
GENERAL = ""


def subheadings() -> dict[str, str]:
    """Every accepted spelling of 一's five sub-headings → the canonical one."""
    spec = section_spec("overview")
    names = {s: s for s in spec.subsections}
    for canonical, variants in spec.subsection_variants.items():
        names.update({v: canonical for v in variants})
    return names


def normalize_notes(data: Mapping[str, object], *, source: str = "notes") -> Notes:
    """Accepts `一:`/`overview:`/`总体情况:` keys, each a text or a mapping of sub-headings."""
    subs = subheadings()
    notes: Notes = {}
    for key, value in data.items():
        section = SECTION_ALIASES.get(str(key).strip())
        if section is None:
            raise InputError(
                f"{source}：不认识的部分“{key}”。可用：引言、一、二、三、四、五、六。",
                source=source,
            )
        bucket = notes.setdefault(section, {})
        if isinstance(value, str):
            bucket[GENERAL] = _join(bucket.get(GENERAL), value)
        elif isinstance(value, Mapping):
            for sub, text in value.items():
                name = str(sub).strip()
                if section == "overview":
                    name = subs.get(name.strip("（）()一二三四五0123456789、. "), name)
                if not isinstance(text, str):
                    raise InputError(f"{source}：“{key}/{sub}”应为一段文字。", source=source)
                bucket[name] = _join(bucket.get(name), text)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            bucket[GENERAL] = _join(bucket.get(GENERAL), "".join(value))
        elif value is not None:
            raise InputError(f"{source}：“{key}”应为一段文字或按小标题分列的文字。", source=source)
    return notes


def _join(old: str | None, new: str) -> str:
    new = new.strip()
    return f"{old}{new}" if old else new


def load_notes(path: str | Path) -> Notes:
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise InputError(f"无法读取工作说明文件 {p}：{exc.strerror}。", source=p) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"工作说明文件 {p.name} 不是有效的 YAML：{exc}", source=p) from exc
    if not isinstance(data, dict):
        raise InputError(f"工作说明文件 {p.name} 应按部分（一、五、六…）分列。", source=p)
    return normalize_notes(data, source=p.name)


def ledger_notes(notes: Notes) -> dict[str, dict[str, str]]:
    """The shape `build_ledger(notes=…)` takes; sub-heading keys stay as given."""
    return {
        section: {sub or "_": text for sub, text in subs.items()} for section, subs in notes.items()
    }
