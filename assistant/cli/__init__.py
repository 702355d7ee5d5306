"""The `xxgk` command: thin click commands that call the core or the Assistant.

Each module of this package defines `COMMANDS` (a tuple of click commands or groups) and is
listed once in `COMMAND_MODULES`; a module is imported only when one of its commands runs, so
`xxgk check` does not load Word, Excel and database libraries it never uses (a test keeps the
list and the modules in step).

Exit codes (also in `xxgk --help` and the README):
  0  done (warnings allowed)
  1  the checks found error-level failures, or the operation failed (the message says why)
  2  the input cannot be used (unreadable file, bad figures) or the command line is wrong
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence

import click

from assistant.cli import zh
from assistant.cli.exitcodes import EXIT_FAIL, EXIT_INPUT
from assistant.errors import AssistantError, InputError, LLMError

zh.install()  # before the decorators below: click words some help when a command is declared

# command name → the module of this package that defines it
COMMAND_MODULES = {
    "check": "check",
    "parse": "parse",
    "template": "template",
    "report": "report",
    "backup": "report",
    "restore": "report",
    "draft": "draft",
    "revise": "draft",
    "chat": "chat",
    "ask": "chat",
    "compare": "compare",
    "review": "review",
    "export": "export",
    "rollup": "rollup",
    "kb": "kb",
    "ui": "ui",
}


_HELP = """政府信息公开工作年度报告助手。

\b
退出码：0 完成（可有警告）；1 校验发现错误，或操作失败；2 输入文件无法使用或命令用法有误。
"""


class _LazyGroup(click.Group):
    """Lists every command, imports a command's module only when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        name = COMMAND_MODULES.get(cmd_name)
        if name is None:
            return None
        module = importlib.import_module(f"{__name__}.{name}")
        command = next((c for c in module.COMMANDS if c.name == cmd_name), None)
        return zh.localize(command) if command is not None else None


@click.group(
    cls=_LazyGroup,
    help=_HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
    options_metavar=zh.OPTIONS_METAVAR,
    subcommand_metavar=zh.SUBCOMMAND_METAVAR,
)
@click.version_option(package_name="xxgk-assistant", message="xxgk %(version)s")
def group() -> None:
    pass


def cli(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code; never raises for a user's mistake."""
    try:
        result = group.main(args=list(argv or []), prog_name="xxgk", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except click.Abort:
        click.echo("已取消。", err=True)
        return EXIT_FAIL
    except click.UsageError as exc:
        exc.show()
        return EXIT_INPUT
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except InputError as exc:
        click.echo(f"错误：{exc.message}", err=True)
        return EXIT_INPUT
    except LLMError as exc:
        hint = "也可以使用 --offline（离线起草）先生成草稿。" if exc.offline_possible else ""
        click.echo(f"错误：{exc.message}{hint}", err=True)
        return EXIT_FAIL
    except AssistantError as exc:
        click.echo(f"错误：{exc.message}", err=True)
        return EXIT_FAIL
    return int(result or 0)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(cli(sys.argv[1:]))
