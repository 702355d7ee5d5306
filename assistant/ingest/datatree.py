"""A data file parsed with the line of every key, so input errors can point at it."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import msgspec
import yaml

from assistant.config import LimitSettings
from assistant.errors import InputError
from assistant.ingest.entry import ErrorList, unknown_key_hint
from assistant.limits import (
    DEFAULT_LIMITS,
    YamlBudget,
    check_json_text,
    check_number_text,
    check_yaml_text,
)

KeyPath = tuple[str, ...]


class Tree:
    """The parsed file plus the line of every key, so errors can point at it."""

    def __init__(self, data: object, lines: dict[KeyPath, int]) -> None:
        self.data = data
        self.lines = lines

    def at(self, path: KeyPath) -> str:
        """“表三.new.natural_person（第12行）”: the key path, with its line when known."""
        shown = ".".join(path) or "（文件顶层）"
        for n in range(len(path), -1, -1):
            if path[:n] in self.lines:
                return f"{shown}（第{self.lines[path[:n]]}行）"
        return shown


# ---- loading: YAML with line numbers, JSON with exact decimals ------------------------------

_CONSTRUCTOR = yaml.SafeLoader("")


def _yaml_node(
    node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], errs: ErrorList, budget: YamlBudget
) -> object:
    budget.visit(len(path))  # an alias is the same node again: counted each time it expands
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            if key in out:
                errs.add(
                    f"第{key_node.start_mark.line + 1}行：键“{key}”重复出现"
                    f"（{'.'.join((*path, key))}）。请删去其中一处。"
                )
                continue
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _yaml_node(value_node, (*path, key), lines, errs, budget)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _yaml_node(v, (*path, str(i)), lines, errs, budget) for i, v in enumerate(node.value)
        ]
    if node.tag in ("tag:yaml.org,2002:float", "tag:yaml.org,2002:int"):
        check_number_text(node.value, budget.name, budget.limits)
    if node.tag == "tag:yaml.org,2002:float":
        try:  # exact decimals: 3.25 stays Decimal("3.25"), never a binary float
            return Decimal(node.value.replace("_", ""))
        except InvalidOperation:
            pass
    try:
        return _CONSTRUCTOR.construct_object(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        # a tag the safe loader refuses (!!python/…), bad !!binary, an impossible date
        shown = str(node.value)[:40] if isinstance(node.value, str) else node.tag
        errs.add(
            f"第{node.start_mark.line + 1}行：值“{shown}”无法识别（{'.'.join(path) or '文件顶层'}）。"
            f"请直接写数字或文字，日期写成 2026-01-20 的形式，不要用“!!”开头的类型标记。"
        )
        return None


# ---- JSON: a fast reading when it provably equals the careful one --------------------------

_UNPROVEN = object()
_DECODE = msgspec.json.Decoder(float_hook=Decimal)  # exact decimals, as the careful reader
_ENCODE = msgspec.json.Encoder(decimal_format="number")


def _proven_json(text: bytes) -> object:
    """The data of a JSON text (UTF-8 bytes) read by msgspec, or _UNPROVEN when the careful
    reader must run.

    The careful reader (json with a pairs hook, for duplicate keys) costs twice the parse itself,
    and a batch review reads thousands of machine-written files. msgspec reads the same values
    (decimals exact) but keeps the last of duplicate keys silently, so its reading is used only
    when no key can have been written twice. Every key is followed by one colon, and a colon
    elsewhere is inside a string: so the text and the data re-encoded have the same number of
    colons, unless a duplicate key (with its colon, and any in its value) was dropped. A colon
    written as a \\u escape would re-encode as a plain one: text with \\u takes the careful path."""
    if b"\\u" in text:
        return _UNPROVEN
    try:
        data = _DECODE.decode(text)
    except msgspec.DecodeError:
        return _UNPROVEN  # the careful reader says where the mistake is (or the encoding)
    if text.count(b":") != _ENCODE.encode(data).count(b":"):
        return _UNPROVEN  # a key written twice: the careful reader names it
    return data


# the parsers' English problem texts, in the words a clerk needs (the rest: a generic hint)
_YAML_PROBLEMS = {
    "mapping values are not allowed": "这里不应出现冒号，可能是缩进不对或冒号后少了空格",
    "found character": "出现了不能出现在此处的字符（常见的是 Tab 或全角符号）",
    "did not find expected ',' or '}'": "花括号 { } 没有配对，或少了逗号",
    "did not find expected ',' or ']'": "方括号 [ ] 没有配对，或少了逗号",
    "found unexpected end of stream": "引号没有配对",
    "could not find expected ':'": "缺少冒号",
    "did not find expected key": "缩进不一致",
    "found duplicate anchor": "重复的锚点",
}
_JSON_PROBLEMS = {
    "Expecting property name enclosed in double quotes": "键名要用英文双引号，或多了一个逗号",
    "Expecting ',' delimiter": "少了逗号",
    "Expecting ':' delimiter": "少了冒号",
    "Expecting value": "缺少值，或多了一个逗号",
    "Unterminated string": "引号没有配对",
    "Extra data": "数据结束后还有多余内容",
}


_FULLWIDTH_KEY = re.compile(r"^\s*[^#\s][^#]*：")


def _yaml_problem(problem: str | None, line: str) -> str:
    if "\t" in line:
        return "这一行用了 Tab 字符，请改用空格缩进"
    if "：" in line and ":" not in line:
        return "这一行用了全角冒号“：”，请改为英文冒号加空格“: ”"
    text = problem or ""
    return next((zh for en, zh in _YAML_PROBLEMS.items() if text.startswith(en)), "无法解析")


def _json_problem(msg: str) -> str:
    return next((zh for en, zh in _JSON_PROBLEMS.items() if msg.startswith(en)), "无法解析")


def load_tree(path: Path, errs: ErrorList, limits: LimitSettings = DEFAULT_LIMITS) -> Tree:
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取文件“{path}”：{exc.strerror}。", source=path) from exc
    is_json = path.suffix.lower() == ".json"
    if is_json:  # straight from the bytes: no text is made unless the careful reader runs
        check_json_text(content, path.name, limits)
        quick = _proven_json(content.removeprefix(codecs.BOM_UTF8))
        if quick is not _UNPROVEN:
            return Tree(quick, {})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path.name}：文件不是 UTF-8 编码。请在记事本或 WPS 中“另存为”，"
            f"编码选择 UTF-8 后再试。",
            source=path,
        ) from exc
    if is_json:

        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            out = dict(items)
            if len(out) != len(items):  # a key written twice: the later would silently win
                keys = [k for k, _ in items]
                for k in dict.fromkeys(k for k in keys if keys.count(k) > 1):
                    errs.add(f"键“{k}”重复出现。请删去其中一处。")
            return out

        try:
            data = json.loads(text, parse_float=Decimal, object_pairs_hook=pairs)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path.name}：第{exc.lineno}行第{exc.colno}列 JSON 格式有误"
                f"（{_json_problem(exc.msg)}）。请检查该处的引号、逗号和括号。",
                source=path,
                location=f"第{exc.lineno}行",
            ) from exc
        return Tree(data, {})
    check_yaml_text(text, path.name, limits)
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        lines_ = text.splitlines()
        for n in range(line - 1, max(line - 4, 0), -1):  # a full-width colon shows up later
            if _FULLWIDTH_KEY.match(lines_[n - 1]) and ":" not in lines_[n - 1]:
                line = n
                break
        source = lines_[line - 1] if 0 < line <= len(lines_) else ""
        raise InputError(
            f"{path.name}：第{line}行附近 YAML 格式有误（{_yaml_problem(exc.problem, source)}）。"
            f"常见原因：冒号后少了空格、缩进不一致、用了 Tab 或全角冒号“：”、括号或引号没有配对。",
            source=path,
            location=f"第{line}行",
        ) from exc
    except yaml.YAMLError as exc:
        raise InputError(
            f"{path.name}：YAML 格式有误。请对照 xxgk template --yaml 生成的样例检查。", source=path
        ) from exc
    lines: dict[KeyPath, int] = {}
    budget = YamlBudget(path.name, limits)
    data = _yaml_node(node, (), lines, errs, budget) if node is not None else None
    return Tree(data, lines)


# ---- helpers for the parts of the file -------------------------------------------------------


def canonical_key(key: str, names: Mapping[str, str]) -> str | None:
    """English key for an English or Chinese key of `names` (english → chinese)."""
    if key in names:
        return key
    return next((en for en, zh in names.items() if zh == key), None)


def as_mapping(value: object, path: KeyPath, tree: Tree, errs: ErrorList, what: str) -> dict:
    if isinstance(value, dict):
        return value
    if value is None:  # a key with nothing (or only comments) under it: nothing given
        return {}
    errs.add(f"{tree.at(path)}：{what}应写成“键: 值”的多行形式，现在是“{value}”。")
    return {}


def named_fields(
    value: object, path: KeyPath, names: Mapping[str, str], tree: Tree, errs: ErrorList, what: str
) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, v in as_mapping(value, path, tree, errs, what).items():
        en = canonical_key(key, names)
        if en is None:
            errs.add(
                f"{tree.at((*path, key))}：{what}中没有“{key}”这一项。"
                + unknown_key_hint(key, [*names.values(), *names])
            )
        elif v is not None and v != "":
            out[en] = v
    return out
