"""Prompts are files: Markdown with YAML front matter declaring variables, rendered by Jinja2."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import yaml

from assistant.errors import PromptError, PromptVariablesError
from assistant.llm.base import ChatMessage

# Sentinels shared by prompts (passed in as variables), code and tests.
FACT_REF = "[[fact:{id}]]"
PASSAGE_OPEN, PASSAGE_CLOSE = "<<<资料[{n}] 开始>>>", "<<<资料[{n}] 结束>>>"
PARTIALS_DIR = "partials"


@dataclass(frozen=True)
class Prompt:
    id: str
    path: Path
    version: int
    variables: tuple[str, ...]
    system: str | None
    body: str


class PromptLibrary:
    """Loads `prompts_dir/<name>.md`; checks at load that declared variables equal the ones the
    body uses, and at render that exactly the declared variables are given."""

    def __init__(self, prompts_dir: Path) -> None:
        self.dir = Path(prompts_dir)
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.dir), encoding="utf-8"),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
        )
        self._cache: dict[str, Prompt] = {}
        self._templates: dict[str, jinja2.Template] = {}

    def names(self) -> list[str]:
        return sorted(
            str(p.relative_to(self.dir).with_suffix(""))
            for p in self.dir.rglob("*.md")
            if p.name != "README.md" and p.parent.name != PARTIALS_DIR
        )

    def get(self, name: str) -> Prompt:
        if name not in self._cache:
            self._cache[name] = self._load(name)
        return self._cache[name]

    def check_all(self) -> list[Prompt]:
        """Load every prompt and partial; raises on the first malformed one."""
        for partial in sorted((self.dir / PARTIALS_DIR).glob("*.md")):
            self._check_partial(partial)
        return [self.get(n) for n in self.names()]

    def render(self, name: str, **variables: Any) -> str:
        prompt = self.get(name)
        given, declared = set(variables), set(prompt.variables)
        if given != declared:
            raise PromptVariablesError(
                f"提示词文件 {prompt.path.name} 声明的变量与传入的不一致：缺少 "
                f"{sorted(declared - given) or '无'}，多出 {sorted(given - declared) or '无'}。",
                source=prompt.path,
            )
        try:
            return self._template(prompt).render(**variables)
        except jinja2.TemplateError as exc:
            raise PromptError(
                f"提示词文件 {prompt.path.name} 无法渲染：{exc}。", source=prompt.path
            ) from exc

    def messages(self, name: str, **variables: Any) -> list[ChatMessage]:
        """The system prompt (front matter `system:`) and the rendered user prompt."""
        prompt = self.get(name)
        out: list[ChatMessage] = []
        if prompt.system:
            out.append(ChatMessage("system", self.render(prompt.system)))
        out.append(ChatMessage("user", self.render(name, **variables)))
        return out

    def _template(self, prompt: Prompt) -> jinja2.Template:
        if prompt.id not in self._templates:
            self._templates[prompt.id] = self._env.from_string(prompt.body)
        return self._templates[prompt.id]

    def _load(self, name: str) -> Prompt:
        path = self.dir / f"{name}.md"
        if not path.is_file():
            raise PromptError(
                f"找不到提示词文件 {path}。请检查提示词目录（XXGK_PATHS__PROMPTS_DIR）。",
                source=path,
            )
        meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
        declared = meta.get("variables") or []
        if not isinstance(declared, list) or not all(isinstance(v, str) for v in declared):
            raise PromptError(f"提示词文件 {path.name} 的 variables 应为变量名列表。", source=path)
        try:
            used = jinja2.meta.find_undeclared_variables(self._env.parse(body))
        except jinja2.TemplateSyntaxError as exc:
            raise PromptError(
                f"提示词文件 {path.name} 第 {exc.lineno} 行模板语法错误：{exc.message}。",
                source=path,
            ) from exc
        if used != set(declared):
            raise PromptVariablesError(
                f"提示词文件 {path.name} 声明的变量与正文使用的不一致：声明了未使用的 "
                f"{sorted(set(declared) - used) or '无'}，使用了未声明的 "
                f"{sorted(used - set(declared)) or '无'}。请修改文件开头的 variables。",
                source=path,
            )
        for ref in jinja2.meta.find_referenced_templates(self._env.parse(body)):
            if ref:
                self._check_partial(self.dir / ref)
        return Prompt(
            id=str(meta.get("id", name)),
            path=path,
            version=int(meta.get("version", 1)),
            variables=tuple(declared),
            system=meta.get("system"),
            body=body,
        )

    def _check_partial(self, path: Path) -> None:
        """Partials are plain text included as is: they may use no variables."""
        if not path.is_file():
            raise PromptError(f"提示词引用的片段 {path} 不存在。", source=path)
        used = jinja2.meta.find_undeclared_variables(
            self._env.parse(path.read_text(encoding="utf-8"))
        )
        if used:
            raise PromptVariablesError(
                f"提示词片段 {path.name} 不应使用变量，却使用了 {sorted(used)}。", source=path
            )


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        raise PromptError(
            f"提示词文件 {path.name} 缺少开头的 YAML 元数据（--- … ---）。", source=path
        )
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise PromptError(f"提示词文件 {path.name} 的 YAML 元数据没有以 --- 结束。", source=path)
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise PromptError(f"提示词文件 {path.name} 的 YAML 元数据有误：{exc}", source=path) from exc
    if not isinstance(meta, dict):
        raise PromptError(f"提示词文件 {path.name} 的 YAML 元数据应为键值对。", source=path)
    return meta, body
