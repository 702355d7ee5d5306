"""Read the official tables out of source tables: align cells by header positions, match labels
fuzzily, and say which cells are uncertain instead of guessing."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.ingest.blocks import Table
from assistant.ingest.labels import best_match, norm_label
from assistant.ingest.tableindex import split_path, table_index
from assistant.report.cells import parse_cell
from assistant.report.layout import (
    BlockSpec,
    CellSpec,
    ColumnSpec,
    RowSpec,
    TableSpec,
    cell_id,
)
from assistant.report.model import COLUMN_ORDER, UNREAD, ReadNote

_CAPTION_MAX = 30  # characters


@dataclass
class TableRead:
    """What one source table gave for one table spec: raw text per cell id, and notes."""

    spec: TableSpec
    cells: dict[str, str] = field(default_factory=dict)
    notes: list[ReadNote] = field(default_factory=list)
    rows_matched: int = 0
    headers_matched: int = 0

    @property
    def score(self) -> int:
        # cells read count most: a row label alone ("总计") must not win a table it cannot fill
        return len(self.cells) * 4 + self.rows_matched + self.headers_matched


@lru_cache(maxsize=65536)
def is_value(text: str) -> bool:
    """A data cell's content: a number, "/", "—" (blank is handled by the caller)."""
    return bool(text.strip()) and parse_cell(text).kind in ("number", "dash", "slash")


# ------------------------------------------------------------------ extraction


def _where(spec: TableSpec, block: BlockSpec, row: RowSpec, col: ColumnSpec) -> str:
    return CellSpec(cell_id(spec.id, row.id, col.id), spec, block, row, col).describe()


def _put(
    read: TableRead,
    spec: TableSpec,
    block: BlockSpec,
    row: RowSpec,
    by_column: dict[str, tuple[ColumnSpec, list[str]]],
    source: str,
) -> None:
    # keyed by column id: hashing a frozen ColumnSpec walks all its labels, per cell
    for col, texts in by_column.values():
        cid = cell_id(spec.id, row.id, col.id)
        filled = list(dict.fromkeys(t for t in texts if t.strip()))
        if len(filled) > 1:
            read.notes.append(
                ReadNote(
                    message=f"{source}{_where(spec, block, row, col)}对应了多个值"
                    f"（{'、'.join(filled)}），无法确定取哪一个，请核对原表。",
                    cell=cid,
                    location=source,
                )
            )
            continue
        if cid not in read.cells:
            read.cells[cid] = filled[0] if filled else (texts[0] if texts else "")


def _by_order(
    read: TableRead, spec: TableSpec, block: BlockSpec, row: RowSpec, values: list[str], source: str
) -> None:
    """No usable header: values go to the columns in order, but only when the count fits."""
    n = len(block.columns)
    if len(values) > n:
        trimmed = [v for v in values if v.strip()]
        values = trimmed if len(trimmed) == n else values
    if len(values) == n:
        _put(
            read,
            spec,
            block,
            row,
            {c.id: (c, [v]) for c, v in zip(block.columns, values, strict=True)},
            source,
        )
        return
    for col in block.columns:
        read.notes.append(
            ReadNote(
                message=f"{source}{_where(spec, block, row, col)}：这一行读到{len(values)}个值，"
                f"应有{n}个，无法确定各值对应哪一列，请核对原表。",
                cell=cell_id(spec.id, row.id, col.id),
                location=source,
            )
        )


def _match_row(spec: TableSpec, path: list[str]) -> tuple[int, RowSpec] | None:
    idx = table_index(spec)
    parts = [p for t in path for p in split_path(t, idx.texts)]
    key = best_match(parts, idx.rows)
    return key if isinstance(key, tuple) else None


def _blank_row(spec: TableSpec) -> tuple[int, RowSpec] | None:
    for b, block in enumerate(spec.blocks):
        for r in block.rows:
            if not r.label:
                return b, r
    return None


def _loose(table: Table, spec: TableSpec, source: str) -> TableRead:
    """Rows of cells in reading order: labels first, then the values."""
    read = TableRead(spec)
    blank = _blank_row(spec)
    for row in table.rows():
        texts = [c.text for c in row]
        first = next((i for i, t in enumerate(texts) if is_value(t)), None)
        if first is None:
            read.headers_matched += sum(
                1 for t in texts if norm_label(t) in table_index(spec).texts
            )
            continue
        labels = [t for t in texts[:first] if t.strip()]
        values = texts[first:]
        while values and not values[-1].strip():
            values.pop()
        match = _match_row(spec, labels) if labels else None
        # a label wrapped in a narrow cell comes in pieces: join the last ones back together
        for k in range(len(labels) - 2, -1, -1):
            if match is not None:
                break
            match = _match_row(spec, [*labels[:k], "".join(labels[k:])])
        if match is None and blank is not None:
            n = len(spec.blocks[blank[0]].columns)
            if len(values) == n or not labels:
                match = blank
        if match is None:
            continue
        read.rows_matched += 1
        b, r = match
        _by_order(read, spec, spec.blocks[b], r, values, source)
    return read


def _header_columns(
    table: Table, spec: TableSpec, block: int | None, header_rows: Iterable[int], start: int
) -> dict[int, ColumnSpec | None]:
    """Grid column → the spec column its header names, from the header cells covering it."""
    idx = table_index(spec)
    width = max((c.col + c.colspan for c in table.cells), default=0)
    cands = idx.columns[block] if block is not None else idx.plain_columns
    head = [c for c in table.cells if c.row in set(header_rows)]
    # a caption of at most a few words over the table may be the group its columns belong to
    caption = [p for p in re.split(r"[()（）]", table.caption) if p.strip()]
    if len(table.caption) > _CAPTION_MAX:
        caption = []
    out: dict[int, ColumnSpec | None] = {}
    for k in range(start, width):
        path: list[str] = []
        for c in sorted((c for c in head if c.col <= k < c.col + c.colspan), key=lambda c: c.row):
            path.extend(split_path(c.text, idx.texts))
        key = best_match(caption + path, cands) if path else None
        out[k] = key if isinstance(key, ColumnSpec) else None
    return out


def _order_notes(
    spec: TableSpec, block: BlockSpec, row: RowSpec, cols: dict[int, ColumnSpec | None]
) -> list[ReadNote]:
    """A note when the header puts the block's columns in another order than the format's: the
    figures are read by their headers all the same, but FMT-04/05/06 require the official order."""
    printed = list(dict.fromkeys(c for _, c in sorted(cols.items()) if c is not None))
    canonical = [c for c in block.columns if c in printed]
    if printed == canonical:
        return []
    names = "、".join(f"「{c.label}」" for c in printed)
    return [
        ReadNote(
            level="info",
            location=COLUMN_ORDER,
            cell=cell_id(spec.id, row.id, printed[0].id),
            message=f"表{spec.number}的列顺序与格式不同：原表依次为{names}。"
            f"各数已按列标题读取；格式要求按"
            f"{'、'.join(f'「{c.label}」' for c in canonical)}的顺序排列。",
        )
    ]


def _grid(table: Table, spec: TableSpec, source: str) -> TableRead:
    read = TableRead(spec)
    idx = table_index(spec)
    blank = _blank_row(spec)
    block_cols: dict[tuple[int, int], dict[int, ColumnSpec | None]] = {}
    header: list[int] = []  # rows of the header currently in force
    last_data = False
    for r, row in enumerate(table.rows()):
        if not row:
            continue
        filled = [c for c in row if c.text.strip()]
        values = [c for c in row if is_value(c.text)]
        first_value_col: int | None = None
        if values:
            first_value_col = min(c.col for c in values)
        else:
            first = filled[0].text if filled else ""
            cap = best_match([first], idx.captions) if len(filled) == 1 else None
            if isinstance(cap, int):
                header, last_data = [], False
                continue
            # a header row: "总计" first (columns printed out of order) still names a row, so
            # two column labels in it make it a header all the same
            columns_named = sum(1 for c in filled if norm_label(c.text) in idx.column_texts)
            if not filled or columns_named >= 2 or _match_row(spec, [first]) is None:
                if last_data:
                    header = []
                header.append(r)
                last_data = False
                read.headers_matched += sum(1 for c in filled if norm_label(c.text) in idx.texts)
                continue
        last_data = True
        # the label is the path of label-area cells covering this row (groups merged down)
        label_cells = [
            c
            for c in table.covering(r)
            if (first_value_col is None or c.col < first_value_col)
            and c.text.strip()
            and not is_value(c.text)
        ]
        match = _match_row(spec, [c.text for c in label_cells]) if label_cells else None
        if match is None and blank is not None and not label_cells:
            match = blank
        if match is None:
            continue
        read.rows_matched += 1
        b, rowspec = match
        block = spec.blocks[b]
        label_end = max((c.col + c.colspan for c in label_cells), default=0)
        cells = [c for c in row if c.col >= label_end]
        cols: dict[int, ColumnSpec | None] = {}
        if header:
            key = (b, header[0])
            if key not in block_cols:
                block_cols[key] = _header_columns(table, spec, b, header, 0)
                read.notes += _order_notes(spec, block, rowspec, block_cols[key])
            cols = block_cols[key]
        if not any(v is not None for v in cols.values()):
            _by_order(read, spec, block, rowspec, [c.text for c in cells], source)
            continue
        by_column: dict[str, tuple[ColumnSpec, list[str]]] = {}
        for c in cells:
            found = {}
            for k in range(c.col, c.col + c.colspan):
                if (t := cols.get(k)) is not None:
                    found[t.id] = t
            targets = list(found.values())
            if len(targets) == 1:
                by_column.setdefault(targets[0].id, (targets[0], []))[1].append(c.text)
            elif len(targets) > 1 and c.text.strip():
                names = "、".join(sorted(t.label for t in targets))
                for t in targets:
                    read.notes.append(
                        ReadNote(
                            message=f"{source}{_where(spec, block, rowspec, t)}：值“{c.text.strip()}”"
                            f"跨了多列（{names}），无法确定属于哪一列，请核对原表。",
                            cell=cell_id(spec.id, rowspec.id, t.id),
                            location=source,
                        )
                    )
            elif c.text.strip() and not targets:
                read.notes.append(
                    ReadNote(
                        message=f"{source}表{spec.number}「{rowspec.label or '数据'}」行有一个值"
                        f"“{c.text.strip()}”不在任何列标题下，已忽略，请核对原表。",
                        location=source,
                    )
                )
        _put(read, spec, block, rowspec, by_column, source)
    return read


def read_table(table: Table, spec: TableSpec, source: str = "") -> TableRead:
    """Read `table` as `spec`: by header positions when it has them, else by order."""
    if not table.positional:
        return _loose(table, spec, source)
    return _grid(table, spec, source)


def missing_notes(spec: TableSpec, cells: dict[str, str]) -> list[ReadNote]:
    """Notes for the cells of a table that was found but not read completely."""
    missing = [c for c in spec.cells if c.id not in cells]
    if not missing or len(missing) == len(spec.cells):
        return []
    names = "、".join(c.describe() for c in missing[:5]) + ("等" if len(missing) > 5 else "")
    return [
        ReadNote(
            message=f"表{spec.number}有{len(missing)}个单元格未读到：{names}。"
            f"依赖这些数的校验无法判断；请核对原表或手工补录。",
            cell=missing[0].id,
            location=UNREAD,
        )
    ]
