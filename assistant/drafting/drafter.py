"""Drafting: plan → retrieve → prompt → generate (LLM or offline composer) → substitute → guard."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.checks import run_checks
from assistant.checks.findings import Finding
from assistant.checks.guard import GuardFlag, guard_text, known_articles
from assistant.config import shipped_dir
from assistant.drafting.answers import Answer, format_sources, gather_sources, offline_answer
from assistant.drafting.cleaning import clean_model_text
from assistant.drafting.composer import ComposeInput, compose
from assistant.drafting.context import (
    format_facts,
    format_notes,
    format_passages,
    format_rules,
    section_facts,
    substitute,
)
from assistant.drafting.conversation import OFFLINE_REFUSAL, REDRAFT, bounded, estimate_tokens
from assistant.drafting.notes import Notes, ledger_notes
from assistant.drafting.plan import SectionPlan, drafting_specs, plan_for
from assistant.drafting.prompts import PromptLibrary
from assistant.drafting.signals import format_prior_problems, problem_signals, table_warnings
from assistant.errors import KnowledgeError, LLMError, RefusedError
from assistant.llm import StreamCutError
from assistant.llm.base import ChatMessage, ChatModel
from assistant.report.facts import FactLedger, build_ledger, note_facts
from assistant.report.layout import SectionId, format_info, preamble_name, section_spec
from assistant.report.markers import TODO_OPEN
from assistant.report.model import Report, Section
from assistant.retrieval.coverage import partial_note
from assistant.retrieval.hits import Hit, Retriever

log = logging.getLogger(__name__)

OFFLINE = "离线起草"
MAX_PASSAGES = 8
TokenSink = Callable[[str], None]


class Draft(BaseModel):
    """One drafted section: the text with values substituted, where each number came from,
    the passages it may cite as [n], and what the guard and the section checks found."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    section: SectionId
    heading: str
    text: str
    raw: str  # as generated, with [[fact:ID]] references
    engine: str  # 离线起草, or the model's name
    status: Literal["complete", "incomplete"] = "complete"
    error: str | None = None
    passages: list[Hit] = Field(default_factory=list)
    flags: list[GuardFlag] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @property
    def todo_count(self) -> int:
        return self.text.count(TODO_OPEN)

    @property
    def clean(self) -> bool:
        return self.status == "complete" and not self.flags


class DraftingStopped(LLMError):
    """The model failed after some sections were drafted: `drafts` are those finished,
    `remaining` the sections not drafted (the failed one first)."""

    def __init__(
        self, cause: LLMError, drafts: list[Draft], remaining: tuple[SectionId, ...]
    ) -> None:
        super().__init__(cause.message, offline_possible=cause.offline_possible)
        self.drafts = drafts
        self.remaining = remaining


class Drafter:
    """Drafts and revises the narrative of one report. `chat=None` → the offline composer."""

    def __init__(
        self,
        report: Report,
        *,
        prompts: PromptLibrary,
        prior: Report | None = None,
        notes: Notes | None = None,
        retriever: Retriever | None = None,
        chat: ChatModel | None = None,
        knowledge_dir: Path | None = None,
        k: int = 3,
        context_tokens: int | None = None,
    ) -> None:
        self.report = report
        self.prior = prior
        self.notes: Notes = {s: dict(v) for s, v in (notes or {}).items()}
        self.remarks: Notes = {}  # a data file's 备注 (add_remarks)
        self.prompts = prompts
        self.retriever = retriever
        self.chat = chat
        self.k = k
        self.context_tokens = context_tokens  # the model's context, to warn of a long prompt
        self._articles = _load_articles(knowledge_dir or shipped_dir("knowledge"))
        self.ledger = self._build_ledger()

    def add_remarks(self, remarks: Notes) -> None:
        """A data file's 备注: working notes for whoever drafts. The model reads them and their
        numbers may be cited; the offline composer never pastes them into the report."""
        for section, subs in remarks.items():
            for sub, text in subs.items():
                bucket = self.remarks.setdefault(section, {})
                bucket[sub] = f"{bucket[sub]}{text}" if sub in bucket else text
                start = len(self.ledger.notes_for(section)) + 1
                self.ledger.extend(note_facts(f"{section}.备注", text, start=start))

    def _build_ledger(self) -> FactLedger:
        return build_ledger(self.report, prior=self.prior, notes=ledger_notes(self.notes))

    @property
    def engine(self) -> str:
        return self.chat.name if self.chat is not None else OFFLINE

    # -- drafting --------------------------------------------------------------------------------
    def plan(self, section: SectionId) -> SectionPlan:
        return plan_for(
            section,
            format=self.report.format,
            government=self.report.agency.kind in ("government", "township"),
            prompts_dir=self.prompts.dir,
        )

    def retrieve(self, plan: SectionPlan) -> tuple[list[Hit], list[str]]:
        """Each query brings up to its own slots of passages (a broad query cannot crowd out the
        条例 article or the writing guide); format notices only of the report's own format."""
        if self.retriever is None:
            return [], []
        hits: dict[str, Hit] = {}
        agency, warnings = self.report.agency.name or None, []
        partial: str | None = None
        for q in plan.queries:
            own = q.kind == "report"
            try:
                found = self.retriever.search(
                    q.text,
                    k=q.slots + self.k,  # room for passages another query brought already
                    kind=q.kind,
                    agency=agency if own else None,
                    year=self.report.year - 1 if own else None,
                    format=self.report.format if q.kind == "format" else None,
                )
            except KnowledgeError as exc:
                warnings.append(f"检索参考资料失败，本稿未引用资料：{exc.message}")
                break
            # searched while the index was still being built: the first note says the least
            partial = partial or partial_note(found)
            new = [h for h in found if h.chunk_id not in hits][: q.slots]
            for h in new:
                hits[h.chunk_id] = h
        if partial:
            warnings.append(partial)
        return list(hits.values())[:MAX_PASSAGES], warnings

    def draft(
        self, section: SectionId, *, on_token: TokenSink | None = None, offline: bool = False
    ) -> Draft:
        plan = self.plan(section)
        passages, warnings = self.retrieve(plan)
        if self.chat is None or offline:
            raw = compose(section, self._compose_input(passages))
            return self._finish(plan, raw, passages, OFFLINE, warnings=warnings)
        messages = self.prompts.messages(plan.prompt, **self._variables(plan, passages))
        return self._generate(plan, messages, passages, on_token, warnings)

    def draft_all(
        self,
        sections: Sequence[SectionId],
        *,
        on_token: TokenSink | None = None,
        offline: bool = False,
        on_section: Callable[[SectionId], None] | None = None,
    ) -> list[Draft]:
        """Each section in turn (`on_section` is told as each begins). A model failure on a
        later section loses nothing finished: it is raised as `DraftingStopped`, which carries
        the drafts done and the sections not drafted."""
        drafts: list[Draft] = []
        for n, section in enumerate(sections):
            if on_section is not None:
                on_section(section)
            try:
                drafts.append(self.draft(section, on_token=on_token, offline=offline))
            except LLMError as exc:
                if not drafts:
                    raise
                raise DraftingStopped(exc, drafts, tuple(sections[n:])) from exc
        return drafts

    def revise(
        self,
        section: SectionId,
        instruction: str,
        history: Sequence[ChatMessage] = (),
        *,
        current: Draft | str | None = None,
        on_token: TokenSink | None = None,
        offline: bool = False,
    ) -> Draft:
        """Rewrite a section as the staff ask. `history` is the conversation so far, sent as
        real messages before the request (bounded: the last turns only). Facts stay locked:
        numbers the staff give in the instruction become staff-note facts; any other new number
        is flagged by the guard. The offline composer cannot follow free instructions: it
        redraws on “重新起草” and refuses anything else (nothing is pasted into the text)."""
        plan = self.plan(section)
        if self.chat is None or offline:
            if not REDRAFT.search(instruction):
                raise RefusedError(OFFLINE_REFUSAL)
            passages, warnings = self.retrieve(plan)
            raw = compose(section, self._compose_input(passages))
            return self._finish(plan, raw, passages, OFFLINE, warnings=warnings)
        n = sum(1 for f in self.ledger.notes_for(section)) + 1
        self.ledger.extend(note_facts(f"{section}.修改意见", instruction, start=n))
        passages, warnings = self.retrieve(plan)
        text = current.raw if isinstance(current, Draft) else current
        if text is None:
            text = self.draft(section, offline=True).raw
        variables = {
            "agency": self.report.agency.name or "本机关",
            "year": self.report.year,
            "section_heading": plan.heading or preamble_name(),
            "current_text": text,
            "instruction": instruction,
            "facts": format_facts(section_facts(self.ledger, section)),
            "passages": self._passages_text(passages),
            "rules": format_rules(plan.rules),
        }
        system, request = self.prompts.messages("revise", **variables)
        messages = [system, *bounded(history), request]
        return self._generate(plan, messages, passages, on_token, warnings)

    def answer(
        self,
        question: str,
        history: Sequence[ChatMessage] = (),
        *,
        on_token: TokenSink | None = None,
        offline: bool = False,
    ) -> Answer:
        """Answer a question from the knowledge base, this report's data and last year's report,
        citing its numbered sources. Offline the answer is the sources, cited."""
        sources, warnings = gather_sources(
            question,
            report=self.report,
            ledger=self.ledger,
            prior=self.prior,
            retriever=self.retriever,
        )
        if self.chat is None or offline:
            return Answer(question, offline_answer(question, sources), sources, OFFLINE, warnings)
        system, request = self.prompts.messages(
            "answer",
            agency=self.report.agency.name or "本机关",
            year=self.report.year,
            question=question,
            sources=format_sources(sources),
        )
        messages = [system, *bounded(history), request]
        warnings += self._context_warnings(messages)
        pieces: list[str] = []
        for piece in self.chat.stream(messages):
            pieces.append(piece)
            if on_token is not None:
                on_token(piece)
        text = substitute(clean_model_text("".join(pieces)), self.ledger)
        return Answer(question, text, sources, self.chat.name, warnings)

    def _context_warnings(self, messages: Sequence[ChatMessage]) -> list[str]:
        if not self.context_tokens:
            return []
        used = estimate_tokens(messages)
        if used <= self.context_tokens:
            return []
        log.warning(
            "prompt of about %d tokens exceeds the context of %d", used, self.context_tokens
        )
        return [
            f"提示约{used}个词元，超过所配置的模型上下文长度{self.context_tokens}"
            "（XXGK_LLM__CONTEXT_TOKENS）：模型可能看不到部分资料或事实清单。"
            "请调大该设置（与模型服务的上下文长度一致），或不检索参考资料。"
        ]

    # -- internals -------------------------------------------------------------------------------
    def _generate(
        self,
        plan: SectionPlan,
        messages: list[ChatMessage],
        passages: list[Hit],
        on_token: TokenSink | None,
        warnings: list[str],
    ) -> Draft:
        assert self.chat is not None
        warnings = [*warnings, *self._context_warnings(messages)]
        pieces: list[str] = []
        try:
            for piece in self.chat.stream(messages):
                pieces.append(piece)
                if on_token is not None:
                    on_token(piece)
        except StreamCutError as exc:
            return self._finish(
                plan,
                exc.partial or "".join(pieces),
                passages,
                self.chat.name,
                warnings=warnings,
                error=exc.message,
            )
        return self._finish(plan, "".join(pieces), passages, self.chat.name, warnings=warnings)

    def _finish(
        self,
        plan: SectionPlan,
        raw: str,
        passages: list[Hit],
        engine: str,
        *,
        warnings: list[str],
        error: str | None = None,
    ) -> Draft:
        raw = clean_model_text(raw)
        if plan.heading and raw.startswith(plan.heading):
            raw = raw[len(plan.heading) :].lstrip()  # the renderers print the heading
        text = substitute(raw, self.ledger)
        prior_text = self.prior.text(plan.section) if self.prior is not None else None
        flags = guard_text(
            text,
            self.ledger,
            passages=passages,
            known_articles=self._articles,
            prior_text=prior_text,
        )
        return Draft(
            section=plan.section,
            heading=plan.heading,
            text=text,
            raw=raw,
            engine=engine,
            status="incomplete" if error else "complete",
            error=error,
            passages=passages,
            flags=flags,
            findings=self._section_checks(plan, text),
            warnings=[
                *warnings,
                *(table_warnings(self.report) if plan.section in ("overview", "problems") else ()),
            ],
        )

    def _section_checks(self, plan: SectionPlan, text: str) -> list[Finding]:
        """The one call site of the checks' section rules (S1-03, S5-02, S6-01 …) on a draft."""
        sections = dict(self.report.sections)
        sections[plan.section] = Section(id=plan.section, heading=plan.heading, text=text)
        report = self.report.model_copy(update={"sections": sections})
        result = run_checks(report, prior=self.prior, only=plan.checks)
        return [f for f in result.failures() if f.section in (None, plan.section)]

    def _compose_input(self, passages: list[Hit]) -> ComposeInput:
        return ComposeInput(
            report=self.report,
            ledger=self.ledger,
            notes=self.notes,
            passages=passages,
            prior=self.prior,
        )

    def _passages_text(self, passages: list[Hit]) -> str:
        return format_passages(passages, agency=self.report.agency.name or None)

    def _variables(self, plan: SectionPlan, passages: list[Hit]) -> dict[str, object]:
        r = self.report
        specs = drafting_specs(self.prompts.dir)
        words = specs["words"]
        common: dict[str, object] = {
            "agency": r.agency.name or words["unnamed_agency"],
            "year": r.year,
            "passages": self._passages_text(passages),
            "rules": format_rules(plan.rules),
        }
        facts = format_facts(section_facts(self.ledger, plan.section))
        notes = format_notes(self.notes, plan.section, remarks=self.remarks)
        if plan.section == "preamble":
            profile = "\n".join(
                f"{p['label']}：{getattr(r.agency, p['field']) or words['not_given']}"
                for p in words["profile"]
            )
            notice = format_info(r.format)
            return {
                **common,
                "format_notice": f"{notice.title}（{notice.notice}）",
                "profile": profile,
            }
        if plan.section == "overview":
            subs = "\n".join(
                f"（{'一二三四五'[i]}）{s}"
                for i, s in enumerate(section_spec("overview").subsections)
            )
            return {
                **common,
                "subsections": subs,
                "char_budget": plan.char_budget or 1000,
                "facts": facts,
                "notes": notes,
            }
        if plan.section == "problems":
            signals = problem_signals(r, self.ledger)
            listed = section_facts(self.ledger, plan.section)
            # a figure a signal names is in the list too: the model may cite only listed facts
            for fid in re.findall(r"\[\[fact:([^\]]+)\]\]", "".join(signals)):
                fact = self.ledger.get(fid)
                if fact is not None and fact not in listed:
                    listed.append(fact)
            return {
                **common,
                "findings": "\n".join(f"- {p}" for p in signals) or words["none"],
                "prior_problems": format_prior_problems(self.prior),
                "facts": format_facts(listed),
                "notes": notes,
            }
        if plan.section == "other":
            fee = specs["fee_required"][r.format]
            return {**common, "fee_required": fee, "facts": facts, "notes": notes}
        return {**common, "section_heading": plan.heading, "facts": facts, "notes": notes}


@cache
def _load_articles(knowledge_dir: Path) -> frozenset[str] | None:
    path = knowledge_dir / "official" / "tiaoli-2019.md"
    if not path.is_file():
        log.warning("regulation text missing at %s; article existence not checked", path)
        return None
    return known_articles(path.read_text(encoding="utf-8"))
