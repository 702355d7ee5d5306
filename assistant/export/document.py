"""The whole report as an HTML fragment (for a CMS) or standalone page, Markdown, plain text and
JSON; the tables come from `export.tables`, the order from `export.outline`."""

from __future__ import annotations

import html
import re
import urllib.parse
from typing import Any

from assistant.checks import CheckResult
from assistant.export.appendix import ReviewerAppendix
from assistant.export.gate import DRAFT, FINAL, ExportKind
from assistant.export.outline import (
    Heading,
    Outline,
    Paragraph,
    TableBlock,
    build_outline,
    section_heading,
)
from assistant.export.tables import table_html, table_markdown, table_text
from assistant.report import SECTION_IDS, Report
from assistant.report.citations import strip_citations
from assistant.report.dataschema import dump

_e = html.escape  # quote=True: every text node and attribute value

_FONT = "'仿宋_GB2312','仿宋',FangSong,STFangsong,serif"
_P_STYLE = "text-indent:2em;line-height:1.8;margin:0"
_H1_STYLE = (
    "font-family:'方正小标宋简体','宋体',SimSun,serif;font-size:22pt;font-weight:normal;"
    "text-align:center;margin:0 0 1em"
)
_H2_STYLE = (
    "font-family:'黑体',SimHei,sans-serif;font-size:16pt;font-weight:normal;"
    "text-indent:2em;margin:0.5em 0 0"
)
_H3_STYLE = (
    "font-family:'楷体_GB2312','楷体',KaiTi,serif;font-size:16pt;font-weight:normal;"
    "text-indent:2em;margin:0"
)
_SIGN_STYLE = "text-align:right;margin:0;padding-right:2em"
_MARK_STYLE = (
    "text-align:right;font-family:'黑体',SimHei,sans-serif;font-size:16pt;color:#c00;margin:0"
)
_PAGE_CSS = f"""body {{ max-width: 52em; margin: 2em auto; padding: 0 1em; font-family: {_FONT};
  font-size: 16pt; color: #000; background: #fff; }}
.xxgk-report table {{ margin: 0.5em auto; }}
@media print {{ body {{ max-width: none; margin: 0; }} }}"""


# ---- HTML ----------------------------------------------------------------------------------


def _appendix_html(appendix: ReviewerAppendix) -> str:
    def table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
        cell = "border:1px solid #000;padding:2px 6px;text-align:left;font-weight:normal"
        head = "".join(f'<th style="{cell}">{_e(h)}</th>' for h in headers)
        body = "".join(
            "<tr>" + "".join(f'<td style="{cell}">{_e(v)}</td>' for v in row) + "</tr>"
            for row in rows
        )
        return (
            f'<table style="border-collapse:collapse;border:1px solid #000;font-size:12px">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )

    parts = [
        f'<section class="xxgk-appendix"><h2 style="{_H2_STYLE}">{_e(appendix.TITLE)}</h2>',
        f'<p style="{_P_STYLE}">本附录供审核使用，不对外公开。导出类型：{_e(appendix.kind)}。</p>',
        f'<h3 style="{_H3_STYLE}">{_e(appendix.NUMBERS_TITLE)}</h3>',
        table(appendix.NUMBER_HEADERS, appendix.number_rows()),
        f'<h3 style="{_H3_STYLE}">{_e(appendix.FINDINGS_TITLE)}</h3>',
        table(appendix.FINDING_HEADERS, appendix.finding_rows()),
    ]
    if appendix.citations:
        parts.append(f'<h3 style="{_H3_STYLE}">{_e(appendix.CITATIONS_TITLE)}</h3>')
        parts.append(table(appendix.CITATION_HEADERS, appendix.citation_rows()))
    if appendix.overrides:
        items = "".join(f"<li>{_e(line)}</li>" for line in appendix.overrides)
        parts.append(f'<p style="{_P_STYLE}">放行记录（随导出记录保存）：</p><ul>{items}</ul>')
    return "\n".join(parts) + "\n</section>"


def html_fragment(
    report: Report, *, kind: ExportKind = FINAL, appendix: ReviewerAppendix | None = None
) -> str:
    """A <div> to paste into a CMS: inline styles only (editors strip <style>), no scripts,
    no external resources, every text escaped."""
    outline = build_outline(report)
    parts = ['<div class="xxgk-report">']
    if kind == DRAFT:
        parts.append(f'<p class="xxgk-draft-mark" style="{_MARK_STYLE}">{_e(DRAFT)}</p>')
    parts.append(f'<h1 style="{_H1_STYLE}">{_e(outline.title)}</h1>')
    for block in outline.blocks:
        if isinstance(block, Heading):
            tag, style = ("h2", _H2_STYLE) if block.level == 1 else ("h3", _H3_STYLE)
            parts.append(f'<{tag} style="{style}">{_e(block.text)}</{tag}>')
        elif isinstance(block, Paragraph):
            parts.append(f'<p style="{_P_STYLE}">{_e(block.text)}</p>')
        elif isinstance(block, TableBlock):
            parts.append(table_html(block.grid))
    if outline.signature:
        parts.append(
            '<div class="xxgk-signature" style="margin-top:2em">'
            + "".join(f'<p style="{_SIGN_STYLE}">{_e(line)}</p>' for line in outline.signature)
            + "</div>"
        )
    if appendix is not None:
        parts.append(_appendix_html(appendix))
    parts.append("</div>")
    return "\n".join(parts) + "\n"


def html_page(
    report: Report, *, kind: ExportKind = FINAL, appendix: ReviewerAppendix | None = None
) -> str:
    """A standalone page: the fragment in a complete HTML5 document with its own styles."""
    title = build_outline(report).title
    if kind == DRAFT:
        title = f"{title}（{DRAFT}）"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>\n{_PAGE_CSS}\n</style>\n</head>\n<body>\n"
        f"{html_fragment(report, kind=kind, appendix=appendix)}</body>\n</html>\n"
    )


# ---- Markdown and plain text ---------------------------------------------------------------


_MD_BLOCK_START = re.compile(
    r"^(#{1,6}(\s|$)|>|[-+*](\s|$)|\d{1,9}[.)](\s|$)|[=-]+\s*$|`{3}|~{3}|\|)"
)


_MD_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")  # CommonMark raw HTML opens only like this
# a Markdown link or link definition, whose target a renderer would follow when clicked
_MD_LINK = re.compile(r"!?\[(?P<words>[^\]\n]*)\]\((?P<target>(?:[^()\n]|\([^()\n]*\))*)\)")
_MD_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:(?P<target>.*)$", re.MULTILINE)
_SAFE_SCHEME = re.compile(r"(?:https?|mailto|ftp):|[^:]*$", re.IGNORECASE)


def _script_target(target: str) -> bool:
    """Whether a link target would run or smuggle something (javascript:, data:, vbscript: …),
    judged as a renderer reads it: entities and %-escapes decoded, blanks and controls gone."""
    decoded = urllib.parse.unquote(html.unescape(target))
    bare = re.sub(r"[\x00-\x20<>]+", "", decoded)
    return not _SAFE_SCHEME.match(bare)


_MD_ESCAPED = re.compile(r"\\(?=[!-/:-@\[-`{-~])")  # a backslash that would escape


def _md_text(text: str) -> str:
    """No raw HTML: `<script>` comes out as `\\<script>` and stays inert when rendered, while
    〈…〉 and "<中华人民共和国…>" are left alone, as Markdown leaves them. A link to a script
    (`[点此](javascript:…)`) keeps its words and loses its target."""
    text = _MD_LINK.sub(lambda m: m["words"] if _script_target(m["target"]) else m[0], text)
    text = _MD_LINK_DEFINITION.sub(lambda m: "" if _script_target(m["target"]) else m[0], text)
    return _MD_HTML_START.sub("\\\\<", _MD_ESCAPED.sub("\\\\\\\\", text))


def _md_escape(text: str) -> str:
    """Keep a paragraph a paragraph of plain words: no raw HTML, and a leading #, >, - or 1.
    is not read as a heading, quote or list."""
    out = _md_text(text)
    return "\\" + out if _MD_BLOCK_START.match(out) else out


def _md_inline(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("<", "\\<")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("`", "\\`")
        .replace("[", "\\[")
    )


def _appendix_lines(appendix: ReviewerAppendix, *, markdown: bool) -> list[str]:
    h = ("## ", "### ") if markdown else ("", "")
    e = _md_inline if markdown else (lambda t: t)
    lines = [
        f"{h[0]}{appendix.TITLE}",
        "",
        f"本附录供审核使用，不对外公开。导出类型：{e(appendix.kind)}。",
        "",
        f"{h[1]}{appendix.NUMBERS_TITLE}",
        "",
    ]
    for n, where, number, sentence, source in appendix.number_rows():
        lines.append(f"{n}. {e(where)}“{e(number)}”（{e(sentence)}）→ {e(source)}")
    lines += ["", f"{h[1]}{appendix.FINDINGS_TITLE}", ""]
    for n, rule, severity, message, fp, status in appendix.finding_rows():
        lines.append(
            f"{n}. \\[{e(severity)}\\] {e(rule)} {e(message)}（编号 {fp}）→ {e(status)}"
            if markdown
            else f"{n}. [{severity}] {rule} {message}（编号 {fp}）→ {status}"
        )
    if appendix.citations:
        lines += ["", f"{h[1]}{appendix.CITATIONS_TITLE}", ""]
        for where, mark, label in appendix.citation_rows():
            lines.append(f"- {e(where)} {e(mark)} {e(label)}")
    if appendix.overrides:
        lines += ["", "放行记录（随导出记录保存）：", ""]
        lines += [f"- {e(line)}" for line in appendix.overrides]
    return lines


def _outline_lines(outline: Outline, *, markdown: bool) -> list[str]:
    lines: list[str] = []
    for block in outline.blocks:
        if isinstance(block, Heading):
            prefix = ("## " if block.level == 1 else "### ") if markdown else ""
            lines += [f"{prefix}{_md_text(block.text) if markdown else block.text}", ""]
        elif isinstance(block, Paragraph):
            lines += [_md_escape(block.text) if markdown else block.text, ""]
        elif isinstance(block, TableBlock):
            # table_markdown escapes only "|"; a text cell could still open raw HTML
            lines += [
                _MD_HTML_START.sub("\\\\<", table_markdown(block.grid))
                if markdown
                else table_text(block.grid),
                "",
            ]
    return lines


def markdown(
    report: Report, *, kind: ExportKind = FINAL, appendix: ReviewerAppendix | None = None
) -> str:
    outline = build_outline(report)
    lines = [f"# {_md_text(outline.title)}", ""]
    if kind == DRAFT:
        lines += [f"**（{DRAFT}）**", ""]
    lines += _outline_lines(outline, markdown=True)
    lines += [f"{_md_escape(s)}  " for s in outline.signature]  # two spaces: a line break
    if appendix is not None:
        lines += ["", "---", "", *_appendix_lines(appendix, markdown=True)]
    return "\n".join(lines).rstrip() + "\n"


def plain_text(
    report: Report, *, kind: ExportKind = FINAL, appendix: ReviewerAppendix | None = None
) -> str:
    """Text that survives a plain-text CMS: headings on their own lines, tables as grid text."""
    outline = build_outline(report)
    lines = [f"（{DRAFT}）", ""] if kind == DRAFT else []
    lines += [outline.title, ""]
    lines += _outline_lines(outline, markdown=False)
    lines += list(outline.signature)
    if appendix is not None:
        lines += ["", "", *_appendix_lines(appendix, markdown=False)]
    return "\n".join(lines).rstrip() + "\n"


# ---- JSON ----------------------------------------------------------------------------------


def json_document(
    report: Report, checks: CheckResult, *, appendix: ReviewerAppendix | None = None
) -> dict[str, Any]:
    """`xxgk check --json`'s keys (report, cells, findings) plus `sections` in print order
    ({id: {heading, text}}, the data file's own shape), so `xxgk check` reads it back into the
    same report. A reviewer package adds `appendix` (then it is a record, not a data file)."""
    data = dump(report)
    findings = [f.as_json() for f in checks.findings]
    doc: dict[str, Any] = {
        "report": data["report"],
        "cells": data["cells"],
        "findings": findings,
        "sections": {
            sid: {
                "heading": section_heading(report, sid) if sid != "preamble" else "",
                "text": strip_citations(report.text(sid)),
            }
            for sid in SECTION_IDS
        },
    }
    if appendix is not None:
        doc["appendix"] = {
            "kind": appendix.kind,
            "numbers": [
                dict(zip(appendix.NUMBER_HEADERS, row, strict=True))
                for row in appendix.number_rows()
            ],
            "findings": [
                dict(zip(appendix.FINDING_HEADERS, row, strict=True))
                for row in appendix.finding_rows()
            ],
            "overrides": list(appendix.overrides),
            "citations": [
                dict(zip(appendix.CITATION_HEADERS, row, strict=True))
                for row in appendix.citation_rows()
            ],
        }
    return doc
