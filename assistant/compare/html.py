"""The comparison as one self-contained HTML page: no script, no external resource, all escaped."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from assistant.compare.comparison import Comparison, YearFinding
from assistant.compare.numbers import CellRow, Number
from assistant.compare.wording import SectionWording
from assistant.report import format_number, section_spec

_COLORS = ("#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bc4c00", "#0a7ea4")
_TABLE_NAMES = {
    "active": "表二 主动公开",
    "apply": "表三 依申请公开",
    "review": "表四 复议诉讼",
    "active19": "表二 主动公开",
    "apply19": "表三 依申请公开",
    "review19": "表四 复议诉讼",
}
_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;
margin:2em auto;max-width:1200px;color:#1f2328;line-height:1.6;padding:0 1em}
h1{font-size:1.5em}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{border:1px solid #d0d7de;padding:.25em .5em;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.changed td{background:#fff8c5}.up{color:#1a7f37}.down{color:#d1242f}
.flag{background:#d1242f;color:#fff;border-radius:3px;padding:0 .4em;font-size:.85em}
.ok{background:#1a7f37;color:#fff;border-radius:3px;padding:0 .4em;font-size:.85em}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.side div{border:1px solid #d0d7de;padding:.5em;white-space:pre-wrap;font-size:.95em}
del{background:#ffebe9;text-decoration:line-through}ins{background:#dafbe1;text-decoration:none}
.addressed{color:#1a7f37}.repeated{color:#d1242f}.silent{color:#9a6700}.planned{color:#9a6700}
.same{background:#6e7781;color:#fff;border-radius:3px;padding:0 .4em;font-size:.85em}
.xy{border-left:3px solid #d1242f;background:#ffebe9;padding:.1em .4em;margin:.2em 0;font-size:.9em}
tr.xyrow td{background:#ffebe9}
"""


def _n(value: Number | None) -> str:
    return "" if value is None else format_number(value)


def _change(row: CellRow) -> str:
    if row.change is None or row.change == 0:
        return "" if row.change is None else "0"
    cls = "up" if row.change > 0 else "down"
    sign = "+" if row.change > 0 else ""
    pct = f"（{sign}{row.percent}%）" if row.percent is not None else ""
    return f'<span class="{cls}">{sign}{escape(_n(row.change))}{escape(pct)}</span>'


def _xy(findings: list[YearFinding]) -> str:
    """Cross-year failures, shown where they apply (a cell's row, a section, a problem)."""
    return "".join(
        f'<div class="xy"><b>{escape(y.finding.rule)}</b>（{y.year}年对{y.prior_year}年）'
        f"{escape(y.finding.message)}</div>"
        for y in findings
    )


def _numbers_table(rows: list[CellRow], years: tuple[int, ...], c: Comparison | None = None) -> str:
    head = "".join(f"<th>{y}年</th>" for y in years)
    out = [f"<table><tr><th>单元格</th>{head}<th>变化</th></tr>"]
    for r in rows:
        notes = c.cell_findings(r.cell) if c is not None else []
        cls = ' class="xyrow"' if notes else ' class="changed"' if r.changed else ""
        cells = "".join(f'<td class="n">{escape(s)}</td>' for s in r.shown)
        out.append(
            f"<tr{cls}><td>{escape(r.label)}{_xy(notes)}</td>{cells}"
            f'<td class="n">{_change(r)}</td></tr>'
        )
    out.append("</table>")
    return "".join(out)


def chart_svg(c: Comparison, width: int = 640, height: int = 260) -> str:
    """A small line chart of the main figures over the years, as inline SVG."""
    series = c.numbers.series()
    years = c.numbers.years
    values = [v for _, _, vs in series for v in vs if v is not None]
    if not series or not values:
        return "<p>没有可绘制的主要数据。</p>"
    top = max(max(values), 1)
    left, right, up, down = 50, 150, 15, 30
    plot_w, plot_h = width - left - right, height - up - down

    def x(i: int) -> float:
        return left + (plot_w * i / (len(years) - 1) if len(years) > 1 else plot_w / 2)

    def y(v: Number) -> float:
        return up + plot_h - plot_h * float(Decimal(v) / Decimal(top))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="主要数据历年变化">',
        f'<line x1="{left}" y1="{up + plot_h}" x2="{left + plot_w}" y2="{up + plot_h}" '
        'stroke="#57606a"/>',
        f'<line x1="{left}" y1="{up}" x2="{left}" y2="{up + plot_h}" stroke="#57606a"/>',
        f'<text x="{left - 6}" y="{up + 4}" text-anchor="end" font-size="11">'
        f"{escape(_n(top))}</text>",
        f'<text x="{left - 6}" y="{up + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, year in enumerate(years):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - 10}" text-anchor="middle" '
            f'font-size="11">{year}</text>'
        )
    for k, (_cid, name, vals) in enumerate(series):
        color = _COLORS[k % len(_COLORS)]
        points = [(x(i), y(v)) for i, v in enumerate(vals) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}"/>'
            )
        for (px, py), v in zip(points, [v for v in vals if v is not None], strict=True):
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{color}">'
                f"<title>{escape(name)}：{escape(_n(v))}</title></circle>"
                # the value written beside its point: a reviewer reads the figures, not the slope
                f'<text x="{px:.1f}" y="{py - 6:.1f}" text-anchor="middle" font-size="10" '
                f'fill="{color}">{escape(_n(v))}</text>'
            )
        ly = up + 14 * k + 8
        parts.append(
            f'<rect x="{width - right + 12}" y="{ly - 8}" width="10" height="10" '
            f'fill="{color}"/><text x="{width - right + 26}" y="{ly + 1}" '
            f'font-size="11">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def side_by_side(w: SectionWording) -> str:
    """Last year's paragraph and this year's side by side: what was dropped struck through on
    the left, what is new marked on the right (the report and the app's 审核对比)."""
    left, right = [], []
    for p in w.diff:
        text = escape(p.text)
        if p.op == "equal":
            left.append(text)
            right.append(text)
        elif p.op == "delete":
            left.append(f"<del>{text}</del>")
        else:
            right.append(f"<ins>{text}</ins>")
    return (
        f'<div class="side"><div><b>{w.prior_year}年</b>\n{"".join(left)}</div>'
        f"<div><b>{w.year}年</b>\n{''.join(right)}</div></div>"
    )


def _heading(section: str) -> str:
    return section_spec(section).full_heading  # type: ignore[arg-type]


def render_html(c: Comparison) -> str:
    agency = escape(c.this.agency.name or "（未填写机关名称）")
    years = years_all = "、".join(str(y) for y in c.numbers.years)
    changed = [r for r in c.numbers.rows if r.changed or c.cell_findings(r.cell)]
    flagged = [w for w in c.wording if w.flagged]
    repeated = c.repeated_threads
    body = [
        f"<h1>{agency}政府信息公开工作年度报告对比（{escape(years)}年）</h1>",
        f"<p>与{c.previous.year}年相比：{len(changed)}个单元格有变化；"
        f"{len(flagged)}处文字与往年高度相似；上年列出的问题{len(c.problems)}项，其中"
        f"{sum(m.status == 'silent' for m in c.problems)}项本年未提及；跨年度核对"
        f"{len(c.crossyear)}处不一致；{len(repeated)}个问题在两年以上的报告中反复出现。</p>",
        _xy(c.report_findings()),
        "<h2>主要数据历年变化</h2>",
        chart_svg(c),
    ]
    body.append(f"<h2>有变化的数据（{c.previous.year}年 → {c.this.year}年）</h2>")
    body.append(
        _numbers_table(changed, c.numbers.years, c) if changed else "<p>各表数据与上年相同。</p>"
    )
    if c.numbers.unmapped:
        body.append(
            "<p>以下单元格无法从2019年版格式的报告中得到，未作比较："
            f"{escape('、'.join(c.numbers.unmapped))}</p>"
        )
    body.append("<h2>全部数据</h2>")
    for table in dict.fromkeys(r.table for r in c.numbers.rows):
        rows = [r for r in c.numbers.rows if r.table == table]
        body.append(
            f"<details><summary>{escape(_TABLE_NAMES.get(table, table))}"
            f"（{sum(r.changed for r in rows)}处变化）</summary>"
            f"{_numbers_table(rows, c.numbers.years, c)}</details>"
        )
    body.append("<h2>文字对比（已去除标题、开头套话和勾稽说明）</h2>")
    for y, sim, flag in c.narrative:
        badge = '<span class="flag">雷同</span>' if flag else ""
        body.append(f"<p>全文与{y}年相似度：{sim:.0%} {badge}</p>")
    for w in c.wording:
        cls = "flag" if w.flagged else "same" if w.similarity >= w.threshold else "ok"
        notes = [
            y
            for y in c.section_findings(w.section)
            if (y.year, y.prior_year) == (w.year, w.prior_year) and y.finding.rule != "XY-07"
        ]
        body.append(
            f"<h3>{escape(_heading(w.section))}：与{w.prior_year}年相似度 "
            f'{w.similarity:.0%} <span class="{cls}">{escape(w.label)}</span></h3>'
            f"{_xy(notes)}{side_by_side(w)}"
        )
    body.append(f"<h2>上年（{c.previous.year}年）所列问题的整改情况</h2>")
    body.append(_xy([y for y in c.section_findings("problems") if y.finding.rule == "XY-07"]))
    if c.problems:
        body.append(
            "<table><tr><th>上年问题</th><th>列为问题的年份</th><th>本年情况</th>"
            "<th>本年相关表述</th></tr>"
        )
        for m in c.problems:
            years = "、".join(str(y) for y in m.years)
            body.append(
                f"<tr><td>{escape(m.problem)}</td><td>{escape(years)}</td>"
                f'<td class="{m.status}">{escape(m.label)}</td>'
                f"<td>{escape(m.evidence or '')}</td></tr>"
            )
        body.append("</table>")
    else:
        body.append("<p>上年报告第五部分未列出可识别的问题。</p>")
    how = "按文字和语义（向量模型）" if c.meaning_used else "按文字"
    body.append(f"<h2>历年反复出现的问题（{how}比对{escape(years_all)}年）</h2>")
    if repeated:
        body.append(
            "<table><tr><th>问题（最近一次的表述）</th><th>出现年份</th><th>历年表述</th></tr>"
        )
        for t in repeated:
            wordings = "".join(f"<div>{y}年：{escape(text)}</div>" for y, text in t.wordings)
            body.append(
                f"<tr><td>{escape(t.latest)}</td>"
                f"<td>{escape('、'.join(str(y) for y in t.years))}</td><td>{wordings}</td></tr>"
            )
        body.append("</table>")
    else:
        body.append("<p>未发现在两年以上报告中反复列出的问题。</p>")
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{agency} 年度报告对比</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
