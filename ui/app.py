"""The Gradio app: `build_app(assistant)` builds it, `serve(settings)` starts it on 127.0.0.1,
offline. `xxgk ui` and `xxgk-ui` (both `assistant.cli.ui`) parse the flags and call `serve`."""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.config import Settings, load_settings
from assistant.errors import ConfigError
from assistant.service import Assistant, build_assistant
from assistant.usecases.drafting import warm_up
from ui.handlers import workspace as ws
from ui.handlers.knowledge import IndexBuild
from ui.language import HEAD, gradio_words
from ui.login import Login

log = logging.getLogger(__name__)

TITLE = "政府信息公开工作年度报告助手"

# System fonts only: the page must not fetch a font (or anything else) from the internet.
_FONT = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "system-ui",
    "sans-serif",
)
_FONT_MONO = ("Noto Sans Mono CJK SC", "ui-monospace", "Consolas", "monospace")

CSS = """
.xxgk-flag { color: #b3261e; background: #fde2e1; border-bottom: 2px solid #d93025;
             padding: 0 2px; cursor: help; }
.xxgk-draft { white-space: pre-wrap; line-height: 1.9; font-size: 15px; padding: 8px 12px;
              border: 1px solid var(--border-color-primary); border-radius: 6px; }
.xxgk-diff ins, #wording ins { background: #e6f4ea; text-decoration: none; }
.xxgk-diff del, #wording del { background: #fde2e1; }
/* 逐段对照上年文字: last year left, this year right */
#wording .side { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
#wording .side > div { border: 1px solid var(--border-color-primary); border-radius: 6px;
                       padding: 8px 12px; white-space: pre-wrap; line-height: 1.8; }
.xxgk-engine { padding: 6px 10px; border-radius: 6px; background: var(--background-fill-secondary); }
footer { display: none !important; }
.xxgk-status td, .xxgk-status th { padding: 4px 6px; font-size: 14px; }
.xxgk-status .pending { color: #b3261e; font-weight: 600; }
.xxgk-status td:not(:first-child), .xxgk-status th { white-space: nowrap; }
/* the official tables have a fixed shape: no adding or deleting rows and columns */
.xxgk-grid button[aria-label="Open cell menu"] { display: none !important; }
"""
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def theme() -> gr.themes.Base:
    return gr.themes.Default(
        primary_hue="red", neutral_hue="slate", font=_FONT, font_mono=_FONT_MONO
    )


def build_app(
    assistant: Assistant, *, open_report: int | None = None, index: IndexBuild | None = None
) -> gr.Blocks:
    """Every page of the app, wired to the assistant. Nothing runs until the app is launched;
    `open_report` is the report shown when a page is first loaded (the demo's); `index` is the
    knowledge base's build (`serve` starts it in the background)."""
    from ui.pages import drafting, exports, profile, review, tables
    from ui.pages.common import Page

    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        state = gr.State(None)
        with gr.Row():
            gr.Markdown(f"## {TITLE}")
        banner = gr.Markdown(profile.banner_text(None), elem_id="banner")
        page = Page(
            assistant=assistant,
            state=state,
            banner=banner,
            index=index if index is not None else IndexBuild(assistant),
        )
        with gr.Tabs():
            for tab_id, label, module in (
                ("profile", "单位与年度", profile),
                ("tables", "数据填报", tables),
                ("drafting", "起草与修改", drafting),
                ("review", "审核对比", review),
                ("exports", "导出", exports),
            ):
                with gr.Tab(label, id=tab_id, elem_id=f"tab-{tab_id}") as tab:
                    first = len(page.refreshes)
                    module.build(page)
                # what another page changed shows when this one is opened again
                page.on_select(tab, page.refreshes[first:])

        # the browser remembers the report it had open, so a reload comes back to it
        last = gr.BrowserState(None, storage_key="xxgk-last-report")

        def first_load(remembered: Any) -> tuple[dict[str, int] | None, str]:
            known = {rid for _, rid in ws.report_choices(assistant)}
            if isinstance(remembered, int) and remembered in known:
                target: int | None = remembered
            elif open_report is not None:
                target = open_report
            else:
                target = next(iter(sorted(known, reverse=True)), None)
            if target is None:
                return None, profile.banner_text(None)
            opened = ws.open_report(assistant, target)
            return opened.state(), profile.banner_text(opened.report, opened.version)

        state.change(lambda s: s.get("id") if s else None, [state], [last])
        page.chain(app.load(first_load, [last], [state, banner]))
        page.finish()
    return app


def require_login_when_exposed(settings: Settings) -> None:
    """Served beyond this machine, the app holds report data and the office's model key: it
    does not start without a login."""
    if settings.ui.host not in LOOPBACK and settings.ui.auth is None:
        raise ConfigError(
            f"界面要在 {settings.ui.host} 上对外开放，但没有设置登录，所以没有启动。"
            "请加上 --auth 用户名:密码（例如 xxgk ui --host "
            f"{settings.ui.host} --auth admin:一个足够长的密码），或先设置环境变量 "
            "XXGK_AUTH=用户名:密码 再启动；只在本机使用时不必加 --host。"
        )


def private_temp_dir(settings: Settings) -> Path:
    """Where Gradio keeps uploads and copies of downloads: a folder of this process inside the
    workspace, readable by its user alone (0700), removed on exit. Folders left by a process
    that was killed are removed at the next start."""
    root = Path(settings.paths.home) / "ui-tmp"
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob("run-*-*"):
        pid = old.name.split("-")[1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    path = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=root))  # mode 0700
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def launch_options(settings: Settings, assistant: Assistant) -> dict[str, Any]:
    """How the app is served: local by default (elsewhere only with a login), uploads capped,
    files only from the workspace, every word in Chinese."""
    require_login_when_exposed(settings)
    opts: dict[str, Any] = {
        "server_name": settings.ui.host,
        "server_port": settings.ui.port,
        "max_file_size": f"{settings.ui.max_upload_mb}mb",
        "theme": theme(),
        "css": CSS,
        "head": HEAD,
        "i18n": gradio_words(),
        "footer_links": [],
        "show_error": True,
        "share": False,
        "ssr_mode": False,
        "pwa": False,
        "mcp_server": False,
        "enable_monitoring": False,
        "allowed_paths": [str(ws.exports_dir(assistant))],
    }
    if settings.ui.auth is not None:
        user, sep, password = settings.ui.auth.get_secret_value().partition(":")
        if not sep or not user or not password:
            raise ConfigError("XXGK_AUTH（或 --auth）应写成“用户名:密码”，例如 admin:一个长密码。")
        opts["auth"] = Login(user, password)
        opts["auth_message"] = "请输入用户名和密码。"
    return opts


def serve(settings: Settings, *, demo: bool = False, block: bool = True) -> tuple[gr.Blocks, str]:
    """Build the assistant and the app from settings and start serving; returns the app and URL."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # No analytics, no version check, no telemetry: the Blocks say so too (analytics_enabled).
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["HF_HUB_OFFLINE"] = "1"
    require_login_when_exposed(settings)
    # files this process writes (uploads, exports, the workspace) are its user's alone
    os.umask(0o077)
    os.environ["GRADIO_TEMP_DIR"] = str(private_temp_dir(settings))
    assistant = build_assistant(settings)
    # the model settings the office saved in the app (kept in the workspace) over `.env`
    assistant.use_office_settings()
    first: int | None = None
    if demo:
        from ui.demo import seed_demo

        first = seed_demo(assistant)
    index = IndexBuild(assistant)
    index.start()  # drafting cites the knowledge base once it is indexed; nobody waits for it
    app = build_app(assistant, open_report=first, index=index)
    app.queue(default_concurrency_limit=4)
    opts = launch_options(settings, assistant)
    _, url, _ = app.launch(prevent_thread_lock=True, quiet=False, **opts)
    log.info("xxgk 已启动：%s", url)
    # the drafting stack loads after the page is served, so the first 起草本节 does not wait
    threading.Thread(target=warm_up, args=(assistant,), name="xxgk-warm-up", daemon=True).start()
    if block:
        app.block_thread()
    return app, url


__all__ = ["build_app", "load_settings", "serve"]
