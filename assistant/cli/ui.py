"""`xxgk ui`: start the Gradio app (on 127.0.0.1 unless told otherwise)."""

from __future__ import annotations

from typing import Any

import click
from pydantic import SecretStr

from assistant.config import Settings, load_settings


def ui_settings(
    settings: Settings, *, host: str | None, port: int | None, auth: str | None
) -> Settings:
    """The settings with the command line's flags applied over environment and defaults."""
    changes: dict[str, Any] = {}
    if host:
        changes["host"] = host
    if port:
        changes["port"] = port
    if auth:
        changes["auth"] = SecretStr(auth)
    if not changes:
        return settings
    return settings.model_copy(update={"ui": settings.ui.model_copy(update=changes)})


@click.command("ui")
@click.option("--host", default=None, help="监听地址，默认 127.0.0.1（仅本机可访问）。")
@click.option("--port", type=int, default=None, help="端口，默认 7860。")
@click.option("--demo", is_flag=True, help="打开演示工作区：示例单位的 2024 年报告和 2025 年报告。")
@click.option(
    "--auth",
    default=None,
    metavar="用户名:密码",
    help="访问需要登录（对外开放时必须设置）；也可用环境变量 XXGK_AUTH。",
)
def ui_command(host: str | None, port: int | None, demo: bool, auth: str | None) -> int:
    """启动网页界面：填表、起草、审核对比、导出。"""
    settings = ui_settings(load_settings(), host=host, port=port, auth=auth)
    # (served beyond this machine without a login, `serve` refuses to start: ui.app)
    # imported here so that every other command starts without loading gradio; this command
    # (also `xxgk-ui`) is the one place in `assistant` allowed to reach `ui`
    from ui.app import serve

    serve(settings, demo=demo)
    return 0


COMMANDS = (ui_command,)


def main() -> None:
    """`xxgk-ui`: the same as `xxgk ui` (host, port, demo and auth from flags or settings)."""
    import sys

    from assistant.cli import cli

    raise SystemExit(cli(["ui", *sys.argv[1:]]))
