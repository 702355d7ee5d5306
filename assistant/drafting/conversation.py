"""The conversation about a section: whether a message asks something or asks for a change, and
the earlier turns as the model sees them (real alternating messages, bounded, versions named by
number rather than resent)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.llm.base import ChatMessage

Route = Literal["question", "instruction"]
# What the offline composer can do when asked: write the section again from the data and notes.
REDRAFT = re.compile(
    r"^(?:请)?(?:重新)?(?:起草|生成|撰写|写)(?:一(?:遍|稿|版))?(?:本节|本部分|这一?部分)?[。！!]?$|重新起草|重写|重新生成"
)
OFFLINE_REFUSAL = (
    "离线起草器只能根据表格数据和备注重新起草，不能按文字意见改写，也不会把意见原样写进报告。"
    "请连接大模型后再提修改意见；或者直接在编辑框中修改；或者把需要写入的情况（如培训次数、"
    "人次）填入备注后，点“起草本节”重新起草。"
)
HISTORY_MESSAGES = 8  # the last four exchanges: enough for “再短一点” to know what was asked
HISTORY_CHARS = 400  # per message; a version is named by its number, never resent

# A change to the text: an edit verb, or 把/将 … 改/写 (“能否把第二段写得具体些？” is a request).
_EDIT = re.compile(
    r"改为|改成|改写|修改|改得|写得|写成|重写|重新(?:写|起草|生成)|删除|删去|删掉|去掉|去除|"
    r"增加|补充|加上|加入|添加|补上|写上|写入|写明|缩短|精简|压缩|简化|扩充|扩写|展开|充实|"
    r"换成|替换|调整|润色|突出|合并|拆分|分段|分成|语气|更具体|具体一些|具体些|短一点|长一点|"
    r"再短|再长|再具体|不要写|别写|保留|提前|放到|移到|顺序|^(?:请)?(?:把|将)|起草|草拟"
)
_QUESTION = re.compile(
    r"[？?]\s*$|什么|哪些|哪个|哪条|哪一|几条|第几|多少|是否|有没有|是不是|能不能|可不可以|"
    r"怎么|怎样|如何|为什么|为何|何时|什么时候|多久|吗[。.]?\s*$|呢[。.]?\s*$|请问|"
    r"^(?:请)?(?:告诉|解释|说明一下|介绍)"
)


def route(message: str) -> Route:
    """A question is answered (and stored as a chat turn); anything else revises the section.
    An edit verb wins over question words: “能否把第二段写得更具体？” asks for a change."""
    text = message.strip()
    if _EDIT.search(text):
        return "instruction"
    return "question" if _QUESTION.search(text) else "instruction"


@dataclass(frozen=True)
class Turn:
    """One stored message as the model is shown it."""

    role: Literal["user", "assistant"]
    kind: str  # question | answer | instruction | version | refusal | failure | message
    content: str
    draft_number: int | None = None


def bounded(history: Sequence[ChatMessage], limit: int = HISTORY_MESSAGES) -> list[ChatMessage]:
    """The last `limit` messages of a conversation, starting with a user message; no system
    messages (the task's own system prompt comes first)."""
    out = [m for m in history if m.role != "system"][-limit:]
    while out and out[0].role != "user":
        out = out[1:]
    return out


def estimate_tokens(messages: Sequence[ChatMessage]) -> int:
    """About how many tokens a prompt takes: a Chinese character about one, other text about a
    quarter per character (the common tokenizers of Qwen, GLM and DeepSeek)."""
    text = "".join(m.content for m in messages)
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return cjk + (len(text) - cjk) // 4 + 4 * len(messages)


def history_messages(
    turns: Sequence[Turn], *, limit: int = HISTORY_MESSAGES, chars: int = HISTORY_CHARS
) -> list[ChatMessage]:
    """The last `limit` turns as alternating user/assistant messages. A version the assistant
    wrote is named (“已写出第3版”), not resent: the current text goes once, in the request."""
    out: list[ChatMessage] = []
    for t in turns:
        if t.kind == "failure":
            continue
        if t.role == "assistant" and t.kind in ("version", "message") and t.draft_number:
            content = f"（已按上述意见写出第{t.draft_number}版。）"
        elif t.role == "assistant" and t.kind == "message":
            # transcripts before chat turns had kinds: the summary line, not the text after it
            content = t.content.split("\n\n", 1)[0]
        else:
            content = t.content
        if len(content) > chars:
            content = content[: chars - 1] + "…"
        role = t.role
        if out and out[-1].role == role:  # two in a row (a failed answer left out): merge
            out[-1] = ChatMessage(role, f"{out[-1].content}\n{content}")
        else:
            out.append(ChatMessage(role, content))
    out = out[-limit:]
    while out and out[0].role != "user":  # a conversation shown to a model starts with a user
        out = out[1:]
    return out
