"""导出: the publish gate's state for the open report, and the files it exports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.errors import InputError
from assistant.export.gate import DRAFT, FINAL, Blocker, GateResult
from assistant.service import Assistant
from assistant.usecases import publishing
from assistant.usecases.publishing import FORMATS
from assistant.usecases.workspace import ReportContext, workspace_context
from ui.handlers import workspace as ws

FORMAT_LABELS = {
    "docx": "Word（公文格式）",
    "html": "网页 HTML",
    "md": "Markdown",
    "txt": "纯文本",
    "json": "JSON 数据",
    "xlsx": "Excel 数据表",
}
BLOCKER_HEADERS = ("类别", "问题", "处理")


def _context(assistant: Assistant, state: dict[str, int] | None) -> ReportContext:
    opened = ws.current(assistant, state)
    store = assistant.store
    return workspace_context(
        store, store.load_report(opened.id), with_prior=True, options=assistant.check_options
    )


def gate(assistant: Assistant, state: dict[str, int] | None, *, final: bool) -> GateResult:
    """What the gate says of the report as it stands (the accepted text of every section)."""
    return publishing.judge(_context(assistant, state), final=final)


def gate_view(result: GateResult) -> tuple[str, list[list[str]], list[str]]:
    """The gate's verdict in words, a row per blocker (with its reason when one was given), and
    the blockers' fingerprints in the same order."""
    reasons = {o.blocker.fingerprint: o.reason for o in result.overridden}

    def status(b: Blocker) -> str:
        if b.fingerprint in reasons:
            return f"已放行：{reasons[b.fingerprint]}"
        return "待处理" if b.overridable else "须填写完整（不能放行）"

    rows = [[b.label, f"{b.message}（编号 {b.fingerprint}）", status(b)] for b in result.blockers]
    open_n = len(result.remaining)
    if not result.blockers:
        verdict = "✔ **可以导出正式稿**：没有校验错误，正文中的数字都有出处。"
    elif open_n == 0:
        verdict = (
            f"✔ **可以导出正式稿**：{len(result.blockers)} 个问题都已写明放行理由，"
            "理由将记入导出记录和审核包。"
        )
    else:
        verdict = (
            f"⚠ **暂不能导出正式稿**：还有 {open_n} 个问题待处理。请修改报告；校验错误和"
            "无出处的数字也可以在下表中选中并写明放行理由（待补充的内容和缺少的正文"
            "必须填写，不能放行）。征求意见稿不受此限制。"
        )
    return verdict, rows, [b.fingerprint for b in result.blockers]


def allow(
    assistant: Assistant,
    state: dict[str, int] | None,
    fingerprint: str | None,
    reason: str,
    *,
    author: str,
) -> None:
    """Let one problem through with a reason; the gate reads it from the workspace."""
    if not fingerprint:
        raise InputError("请先在问题列表中点选要放行的问题。")
    blocker = next(
        (b for b in gate(assistant, state, final=True).blockers if b.fingerprint == fingerprint),
        None,
    )
    if blocker is None:
        raise InputError("选中的问题已经不在列表中（报告已修改）。请重新点选。")
    if not blocker.overridable:
        raise InputError(
            f"“{blocker.label}”是尚未写完的正文，不能放行：{blocker.message}。"
            "请到“起草与修改”页填写完整。"
        )
    if not (reason or "").strip():
        raise InputError("放行必须写明理由，例如“已与业务科室核对，数字无误”。")
    opened = ws.current(assistant, state)
    assistant.store.decide(opened.id, fingerprint, "dismiss", author=author, reason=reason.strip())


def export(
    assistant: Assistant,
    state: dict[str, int] | None,
    formats: Sequence[str],
    *,
    final: bool,
    author: str,
    progress: Callable[[float, str], None] | None = None,
) -> list[Path]:
    """Write the report in each format into the workspace's exports folder, behind the gate;
    each file is recorded in the workspace. Returns the files written (reviewer packages too)."""
    wanted = [f for f in FORMATS if f in set(formats)]
    if not wanted:
        raise InputError("请至少选择一种导出格式。")
    if final:
        blocked = gate(assistant, state, final=True).remaining
        if blocked:  # said for the page, not with the command line's --override
            raise InputError(
                f"还有 {len(blocked)} 个问题待处理，暂不能导出正式稿：{blocked[0].message}"
                + ("等。" if len(blocked) > 1 else "。")
                + "请看右侧“发布把关”的列表逐个处理；也可以先导出征求意见稿。"
            )
    c = _context(assistant, state)
    assert c.workspace_id is not None
    kind = FINAL if final else DRAFT
    folder = ws.exports_dir(assistant)
    written: list[Path] = []
    for i, fmt in enumerate(wanted):
        if progress is not None:
            progress(i / len(wanted), f"正在导出 {FORMAT_LABELS[fmt]}……")
        path = folder / f"{ws.file_stem(c.report)}报告-{kind}.{fmt}"
        done = publishing.export(c, fmt, path, final=final)
        publishing.record_export(assistant.store, c.workspace_id, fmt, done, author)
        written.append(done.path)
        if done.package is not None:
            written.append(done.package)
    return written


def records(assistant: Assistant, state: dict[str, int] | None) -> list[list[str]]:
    if not state:
        return []
    return [
        [
            f"{r.at.astimezone():%Y-%m-%d %H:%M}",
            r.kind,
            FORMAT_LABELS.get(r.format, r.format),
            Path(r.path).name,
            r.author,
            "；".join(r.overrides),
        ]
        for r in reversed(assistant.store.exports(int(state["id"])))
    ]
