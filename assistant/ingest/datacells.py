"""Table values of a data file: nested by row and column, or flat by cell id → Cells.

Machine-written files (`xxgk check --json`) take a fast path; anything else is checked value by
value, and every mistake names the key, its line, and the table row and column in Chinese.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from assistant.ingest.datatree import KeyPath, Tree, as_mapping
from assistant.ingest.entry import ErrorList, check_value, unknown_key_hint, what_to_do, where
from assistant.report.cells import Cell, parse_cell
from assistant.report.dataschema import CELL_DICT_KEYS
from assistant.report.layout import CellSpec, FormatLayout, FormatVersion, load_layout

_CELL_KEYS = frozenset(CELL_DICT_KEYS)
# Cells are immutable, and machine-written files repeat the same few (0, 1, 2 …): share them.
_INTERNED: dict[tuple[type, object, str, str | None], Cell] = {}


def _fast_cell(value: object, spec: CellSpec) -> Cell | None:
    """The common machine-written case ({"value": 3, "raw": "3"}) without the full checks: a
    JSON integer in any column, or a JSON decimal in a money column, with its text. Anything
    else returns None and takes the checked path."""
    if type(value) is not dict or not value.keys() <= _CELL_KEYS:
        return None
    number, raw, source = value.get("value"), value.get("raw"), value.get("source")
    if not (type(number) is int or (type(number) is Decimal and spec.type == "dec")):
        return None
    if type(raw) is not str or (source is not None and type(source) is not str):
        return None
    return _INTERNED.get((type(number), number, raw, source)) or _new_cell(number, raw, source)


def _new_cell(number: int | Decimal, raw: str, source: str | None) -> Cell:
    cell = Cell(value=number, raw=raw, kind="number", source=source)
    if len(_INTERNED) < 50_000:
        _INTERNED[(type(number), number, raw, source)] = cell
    return cell


def _cell(
    value: object, cid: str, layout: FormatLayout, path: KeyPath, tree: Tree, errs: ErrorList
) -> Cell | None:
    spec = layout.cell(cid)
    if isinstance(value, dict):  # the machine form {value, raw, source} of `xxgk check --json`
        unknown = [k for k in value if k not in CELL_DICT_KEYS]
        for k in unknown:
            errs.add(
                f"{tree.at((*path, k))}：{where(spec)}：单元格中没有“{k}”这一项。"
                + unknown_key_hint(k, CELL_DICT_KEYS)
            )
        raw, number = value.get("raw"), value.get("value")
        source = value.get("source")
        source = str(source) if source is not None else None
        if number is None:
            return parse_cell(None if raw is None else str(raw), unit=spec.unit, source=source)
        cell, problem = check_value(number, spec, source=source)
        if problem:
            _refuse(problem, cid, spec, path, tree, errs)
            return None
        return cell.model_copy(update={"raw": str(raw) if raw is not None else cell.raw})
    cell, problem = check_value(value, spec)
    if problem:
        _refuse(problem, cid, spec, path, tree, errs)
        return None
    return cell


def _refuse(
    problem: str, cid: str, spec: CellSpec, path: KeyPath, tree: Tree, errs: ErrorList
) -> None:
    """Say where the value is, what is wrong with it and what to write instead."""
    errs.add(
        f"{tree.at(path)}：{where(spec)}：{problem}。{what_to_do(spec)}",
        cell=cid,
        location=where(spec),
    )


@cache
def _canonical_ids(fmt: FormatVersion) -> dict[str, str]:
    return {cid: cid for cid in load_layout(fmt).cell_ids}


@cache
def _relative_ids(table_id: str, fmt: FormatVersion) -> tuple[str, ...]:
    return tuple(c.id.removeprefix(f"{table_id}.") for c in load_layout(fmt).table(table_id).cells)


def table_cells(
    value: object,
    table_id: str,
    layout: FormatLayout,
    path: KeyPath,
    tree: Tree,
    errs: ErrorList,
    cells: dict[str, Cell],
    seen: dict[str, KeyPath],
) -> None:
    """Nested (row id → column id → value) or dotted keys; any mix of the two."""
    table = layout.table(table_id)
    relative = _relative_ids(table_id, layout.format)

    def walk(node: object, keys: KeyPath) -> None:
        rel = ".".join(keys)
        cid = f"{table_id}.{rel}"
        if layout.has_cell(cid) and layout.cell(cid).table.id == table_id:
            _put(cid, node, (*path, *keys))
        elif node is None and any(r.startswith(f"{rel}.") for r in relative):
            return  # a row with every cell left out (e.g. commented out): nothing entered
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*keys, str(k)))
        else:
            errs.add(
                f"{tree.at((*path, *keys))}：{'表' + table.number if table.render else table.title}"
                f"中没有“{rel}”这一格。" + unknown_key_hint(rel, relative)
            )

    def _put(cid: str, node: object, at: KeyPath) -> None:
        _store(cid, node, at, layout, tree, errs, cells, seen)

    walk(as_mapping(value, path, tree, errs, "表格数据"), ())


def flat_cells(
    value: object,
    layout: FormatLayout,
    path: KeyPath,
    tree: Tree,
    errs: ErrorList,
    cells: dict[str, Cell],
    seen: dict[str, KeyPath],
) -> None:
    given = as_mapping(value, path, tree, errs, "单元格")
    interned = _INTERNED
    ids = _canonical_ids(layout.format)
    for cid, v in given.items():
        # the machine form of `xxgk check --json`, {"value": 3, "raw": "3"}, decided inline:
        # a batch review reads some 200 of these per file. The key is replaced by the layout's
        # own string: the checks then find every cell by identity, not by comparing text.
        if (
            type(v) is dict
            and len(v) == 2
            and type(number := v.get("value")) is int
            and type(raw := v.get("raw")) is str
            and cid not in seen
            and (cid := ids.get(cid, cid)) in ids
        ):
            seen[cid] = path + (cid,)
            cells[cid] = interned.get((int, number, raw, None)) or _new_cell(number, raw, None)
            continue
        if not layout.has_cell(cid):
            other = "2019" if layout.format == "2021" else "2021"
            hint = (
                f"这是{other}版格式的单元格，本文件是{layout.format}版格式（可用“格式”项指定）。"
                if load_layout(other).has_cell(cid)
                else unknown_key_hint(cid, layout.cell_ids)
            )
            errs.add(f"{tree.at((*path, cid))}：没有编号为“{cid}”的单元格。{hint}")
            continue
        _store(cid, v, (*path, cid), layout, tree, errs, cells, seen)


def _store(
    cid: str,
    node: object,
    at: KeyPath,
    layout: FormatLayout,
    tree: Tree,
    errs: ErrorList,
    cells: dict[str, Cell],
    seen: dict[str, KeyPath],
) -> None:
    """Read one cell into `cells`, once: a cell given twice (nested and flat) is an error."""
    if cid in seen:
        errs.add(
            f"{tree.at(at)}：{where(layout.cell(cid))}重复填写（另一处在 "
            f"{tree.at(seen[cid])}）。请只保留一处。",
            cell=cid,
        )
        return
    seen[cid] = at
    cell = _fast_cell(node, layout.cell(cid)) or _cell(node, cid, layout, at, tree, errs)
    if cell is not None:
        cells[cid] = cell
