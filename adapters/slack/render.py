"""The core's Reply -> Slack Block Kit, inside Slack's limits. Pure functions.

Limits (Block Kit reference, see docs/platform-notes.md): a section's text 3,000 chars, 50 blocks per
message, a button value 2,000 chars, a context block 10 elements, 25 elements in an actions block.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

from core.types import Citation, EscalationNotice, Figure, Reply

__all__ = [
    "BUTTON_VALUE_LIMIT",
    "FEEDBACK_DOWN",
    "FEEDBACK_UP",
    "MAX_BLOCKS",
    "OFFER_ADVISOR",
    "SECTION_LIMIT",
    "SHARE",
    "Block",
    "extra_blocks",
    "notification_text",
    "reply_blocks",
    "split_text",
    "text_blocks",
    "to_mrkdwn",
]

Block = dict[str, Any]

SECTION_LIMIT = 3000
MAX_BLOCKS = 50
BUTTON_VALUE_LIMIT = 2000
CONTEXT_TEXT_LIMIT = 2000
NOTIFICATION_LIMIT = 3000

FEEDBACK_UP = "finbot_feedback_up"
FEEDBACK_DOWN = "finbot_feedback_down"
SHARE = "finbot_share"
OFFER_ADVISOR = "finbot_offer_advisor"
OFFER_LABEL = "Talk to an advisor"
ACTIONS_BLOCK_ID = "finbot_reply_actions"

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![*\w])")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_BOLD_MARK = "\x00"


def _escape(text: str) -> str:
    """Slack's three control characters (https://api.slack.com/reference/surfaces/formatting#escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(markdown: str) -> str:
    """Common Markdown (what the core writes) -> Slack mrkdwn: bold, italic, headings, escaping.

    A Markdown link in the text keeps only its label: answer text can echo a person's words or a document's,
    and only the links finbot builds itself (the citations) may be live (`<!channel>`, `<url|text>` are
    escaped too)."""
    text = _escape(markdown)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _HEADING.sub(lambda m: f"{_BOLD_MARK}{m.group(1)}{_BOLD_MARK}", text)
    text = _BOLD.sub(lambda m: f"{_BOLD_MARK}{m.group(1) or m.group(2)}{_BOLD_MARK}", text)
    text = _ITALIC.sub(lambda m: f"_{m.group(1)}_", text)
    return text.replace(_BOLD_MARK, "*")


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Pieces of at most `limit` chars, cut at a paragraph, line, sentence or word boundary when possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = max(window.rfind(". ") + 1, window.rfind(" "))
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:CONTEXT_TEXT_LIMIT]}]}


def text_blocks(markdown: str) -> list[Block]:
    """The answer text as mrkdwn sections, each under Slack's 3,000-char section limit."""
    return [_section(piece) for piece in split_text(to_mrkdwn(markdown))]


def _citation_link(number: int, citation: Citation) -> str:
    title = _escape(citation.title or "source")
    parsed = urlparse(citation.uri)
    if parsed.scheme in ("http", "https"):
        return f"[{number}] <{citation.uri}|{title}>"
    name = PurePosixPath(unquote(parsed.path)).name if parsed.path else ""
    return f"[{number}] *{title}*" + (f" (`{_escape(name)}`)" if name else "")


def _sources_block(citations: list[Citation]) -> Block | None:
    if not citations:
        return None
    links = [_citation_link(n, c) for n, c in enumerate(citations, start=1)]
    text = ":books: *Sources:* " + "  ·  ".join(links)
    if len(text) > CONTEXT_TEXT_LIMIT:
        text = text[: CONTEXT_TEXT_LIMIT - 1] + "…"
    return _context(text)


def _figure_block(figure: Figure) -> Block:
    """A small table in a code block, columns padded so it lines up in Slack's monospace font."""
    rows = [figure.columns, *figure.rows]
    widths = [max(len(str(row[i])) if i < len(row) else 0 for row in rows) for i in range(len(figure.columns))]
    lines = [
        "  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row[: len(widths)])).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    title = f"*{_escape(figure.name)}*\n"
    table = "\n".join(lines)
    room = SECTION_LIMIT - len(title) - 8
    if len(table) > room:
        table = table[: room - 1] + "…"
    return _section(f"{title}```{_escape(table)}```")


def _confidence_block(reply: Reply) -> Block | None:
    if not reply.low_confidence or reply.strategy == "refusal":  # a refusal says so itself
        return None
    return _context(f":warning: Confidence {reply.confidence}%: please check the sources, or ask for an advisor.")


def _escalation_block(notice: EscalationNotice) -> Block:
    expected = f" {_escape(notice.expected)}" if notice.expected else ""
    return _section(f":raising_hand: I've asked an advisor to help with this (ref `{_escape(notice.id)}`).{expected}")


def _button(text: str, action_id: str, value: str, emoji: bool = True) -> Block:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": emoji},
        "action_id": action_id,
        "value": value[:BUTTON_VALUE_LIMIT],
    }


def _actions_block(
    turn_id: str | None, *, feedback: bool, share: bool, offer_value: str | None = None
) -> Block | None:
    elements = []
    if offer_value is not None:  # the offer of an advisor: a click speaks for the person (listeners/actions.py)
        offer = _button(OFFER_LABEL, OFFER_ADVISOR, offer_value, emoji=False)
        elements.append({**offer, "style": "primary"})
    if not turn_id:
        return {"type": "actions", "block_id": ACTIONS_BLOCK_ID, "elements": elements} if elements else None
    if feedback:
        elements += [_button(":thumbsup:", FEEDBACK_UP, turn_id), _button(":thumbsdown:", FEEDBACK_DOWN, turn_id)]
    if share:
        elements.append(_button("Share to channel", SHARE, turn_id))
    return {"type": "actions", "block_id": ACTIONS_BLOCK_ID, "elements": elements} if elements else None


def extra_blocks(
    reply: Reply, *, feedback: bool = True, share: bool = False, offer_value: str | None = None
) -> list[Block]:
    """Everything but the answer text: figures, sources, low confidence, escalation, buttons (the offer of an
    advisor when the Reply makes one and `offer_value` says where it was shown).

    Streaming sends the text as it comes and these with the final `chat.stopStream`.
    """
    offer = offer_value if reply.offer_advisor else None
    blocks: list[Block | None] = [_figure_block(f) for f in reply.figures]
    blocks += [
        _sources_block(reply.citations),
        _confidence_block(reply),
        _escalation_block(reply.escalation) if reply.escalation else None,
        _actions_block(reply.turn_id, feedback=feedback, share=share, offer_value=offer),
    ]
    return [b for b in blocks if b is not None]


def reply_blocks(
    reply: Reply, *, feedback: bool = True, share: bool = False, offer_value: str | None = None
) -> list[Block]:
    """The whole reply; long answers are cut so the message stays within 50 blocks."""
    extras = extra_blocks(reply, feedback=feedback, share=share, offer_value=offer_value)[: MAX_BLOCKS - 1]
    text = text_blocks(reply.text)
    room = MAX_BLOCKS - len(extras)
    if len(text) > room:
        text = text[: room - 1] + [_context("_The answer was too long for one Slack message and was cut here._")]
    return text + extras


def notification_text(reply: Reply) -> str:
    """The plain `text` Slack shows in notifications and screen readers (blocks carry the real content)."""
    text = reply.text.strip() or "finbot replied."
    return text if len(text) <= NOTIFICATION_LIMIT else text[: NOTIFICATION_LIMIT - 1] + "…"
