"""Click's own words in Chinese: usage lines, help headings and command-line mistakes.

Click words them through `gettext` with no catalogue, so a clerk would read "Usage:" and
"Error: Invalid value for '--format'". Each click module binds `_`/`ngettext` from gettext at
import; `install()` rebinds those names to the table below. A message missing here stays as click
wrote it, and tests/test_cli_words.py fails when a click upgrade renames the common ones.
"""

from __future__ import annotations

import gettext
import importlib

import click

from assistant.report.cells import display_width

# click's message ids (click 8.x) → Chinese; placeholders kept so click's .format() still works
WORDS: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本说明并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看用法。",
    "Invalid value: {message}": "取值有误：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值有误：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带取值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面要写一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 后面要写 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "Did you mean {possibility}?": "是否想写 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想写其中之一：{possibilities}？）",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不在可选范围内，可选：{choices}。",
    # number_type is click's English type name ("integer"): left out
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字，请写阿拉伯数字。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围 {range} 内。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats} 之一。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "unknown error": "未知错误",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "Aborted!": "已取消。",
    "Do you want to continue?": "是否继续？",
}

_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types")


def zh_gettext(message: str) -> str:
    return WORDS.get(message, gettext.gettext(message))


def zh_ngettext(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return WORDS.get(chosen, gettext.ngettext(singular, plural, n))


# the placeholders of usage lines; an option's value is shown by its type's name, upper-cased
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."
_TYPE_NAMES = {
    "StringParamType": "文字",
    "IntParamType": "整数",
    "IntRange": "整数",
    "FloatParamType": "数字",
    "FloatRange": "数字",
    "BoolParamType": "是/否",
}


def install() -> None:
    """Rebind click's `_` and `ngettext`, and name its value types in Chinese (idempotent)."""
    import click.formatting
    import click.types

    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = zh_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = zh_ngettext  # type: ignore[attr-defined]
    for cls_name, word in _TYPE_NAMES.items():
        getattr(click.types, cls_name).name = word
    # help columns are aligned by length; a Chinese character takes two columns on screen
    click.formatting.term_len = _term_width


def _term_width(x: str) -> int:  # the signature of click's term_len, which it replaces
    from click._compat import strip_ansi

    return display_width(strip_ansi(x))


def localize(command: click.Command) -> click.Command:
    """Chinese placeholders in a command's usage line, and in its subcommands'."""
    command.options_metavar = OPTIONS_METAVAR
    if isinstance(command, click.Group):
        command.subcommand_metavar = SUBCOMMAND_METAVAR
        for sub in command.commands.values():
            localize(sub)
    return command
