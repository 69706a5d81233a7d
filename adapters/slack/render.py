"""The core's Reply -> Slack Block Kit, inside Slack's limits. Pure functions.

Limits (Block Kit reference, see docs/platform-notes.md): a section's text 3,000 chars, 50 blocks per
message, a button value 2,000 chars, a context block 10 elements, 25 elements in an actions block; one table
block per message, 100 rows of at most 20 cells.

Native elements (`native=True`, the default): the first figure as a `table` block and Slack's own feedback
buttons (`context_actions` + `feedback_buttons`, slack_sdk's `FeedbackButtonsElement`). Workspaces or clients
that refuse them (`invalid_blocks`) get `native=False`: figures as monospace code blocks and emoji buttons;
`streaming.Delivery` switches by itself when Slack says so.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

from slack_sdk.models.blocks import (
    ContextActionsBlock,
    FeedbackButtonObject,
    FeedbackButtonsElement,
    TableBlock,
)

from core.types import Citation, EscalationNotice, Figure, Reply

__all__ = [
    "BUTTON_VALUE_LIMIT",
    "FEEDBACK",
    "FEEDBACK_DOWN",
    "FEEDBACK_UP",
    "MAX_BLOCKS",
    "OFFER_ADVISOR",
    "SECTION_LIMIT",
    "SHARE",
    "Block",
    "MarkdownStream",
    "escape_mrkdwn",
    "extra_blocks",
    "feedback_of",
    "notification_text",
    "reply_blocks",
    "split_text",
    "text_blocks",
    "to_mrkdwn",
    "unfinished_link",
]

Block = dict[str, Any]

SECTION_LIMIT = 3000
MAX_BLOCKS = 50
BUTTON_VALUE_LIMIT = 2000
CONTEXT_TEXT_LIMIT = 2000
NOTIFICATION_LIMIT = 3000

FEEDBACK = "finbot_feedback"
"""The native feedback buttons' action id; their values are "up:<turn id>" / "down:<turn id>"."""
FEEDBACK_UP = "finbot_feedback_up"
FEEDBACK_DOWN = "finbot_feedback_down"
"""The emoji buttons' action ids (fallback, and answers sent before the native buttons); value = turn id."""
TABLE_ROWS_LIMIT = 100
TABLE_CELLS_LIMIT = 20
TABLE_CELL_TEXT_LIMIT = 2000
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


def _inert(text: str) -> str:
    """Escaped, and a Markdown link keeps only its label (the same for mrkdwn and for `markdown_text`)."""
    return _LINK.sub(lambda m: m.group(1), _escape(text))


def escape_mrkdwn(text: str) -> str:
    """Text from people or documents, shown as-is in mrkdwn (no mentions, links or markup of its own): the
    `text` of a message (notifications), a card's fields, a slash command's echo."""
    return _inert(text)


_LINK_PREFIX = re.compile(r"\[[^\]\n]*(?:\](?:\([^)\s]*)?)?$")
"""The start of a Markdown link that has not been closed yet (the rest may arrive with the next words)."""
LINK_HOLD_LIMIT = 2000
"""Held text longer than this is not waiting for a link's end any more."""


def unfinished_link(text: str) -> int:
    """Where an unclosed Markdown link begins at the end of `text` (len(text): none): streamed words are shown
    up to there, so a link cut between two deltas is never sent half-made (and live)."""
    start = text.rfind("[", max(0, len(text) - LINK_HOLD_LIMIT))
    while start != -1:
        if _LINK_PREFIX.fullmatch(text, start):
            return start
        start = text.rfind("[", max(0, len(text) - LINK_HOLD_LIMIT), start)
    return len(text)


class MarkdownStream:
    """Streamed answer text -> the `markdown_text` of Slack's chat stream: escaped, Markdown links reduced to their
    labels (only the citations finbot builds are live), an unfinished link held until its end arrives."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, text: str) -> str:
        """What may be sent now of `text` (with anything held before it)."""
        pending = self._held + text
        cut = unfinished_link(pending)
        self._held = pending[cut:]
        return _inert(pending[:cut])

    def flush(self) -> str:
        """The rest at the end of the answer."""
        rest, self._held = self._held, ""
        return _inert(rest)


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


def _table_blocks(figure: Figure) -> list[Block]:
    """A figure as Slack's native table: its name above, numbers right-aligned, at most 100 rows."""
    width = min(len(figure.columns), TABLE_CELLS_LIMIT)
    rows = [figure.columns[:width], *(row[:width] for row in figure.rows)][:TABLE_ROWS_LIMIT]
    cells = [
        [{"type": "raw_text", "text": str(cell)[:TABLE_CELL_TEXT_LIMIT] or " "} for cell in row]
        + [{"type": "raw_text", "text": " "}] * (width - len(row))
        for row in rows
    ]
    numeric = [all(_is_number(row[i]) for row in figure.rows if i < len(row)) for i in range(width)]
    settings = [{"align": "right"} if is_number else {"align": "left"} for is_number in numeric]
    table = TableBlock(rows=cells, column_settings=settings).to_dict()
    return [_section(f"*{_escape(figure.name)}*"), table]


def _is_number(cell: object) -> bool:
    return bool(re.fullmatch(r"[-+(]?[$€£]?[\d.,]+%?\)?", str(cell).strip()))


def _figures_blocks(figures: list[Figure], *, native: bool) -> list[Block]:
    """Slack allows one table block per message: the first figure is a table, the others code blocks."""
    blocks: list[Block] = []
    for number, figure in enumerate(figures):
        blocks += _table_blocks(figure) if native and number == 0 else [_figure_block(figure)]
    return blocks


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
    turn_id: str | None, *, feedback: bool, share: bool, offer_value: str | None = None, native: bool = True
) -> list[Block]:
    elements = []
    if offer_value is not None:  # the offer of an advisor: a click speaks for the person (listeners/actions.py)
        offer = _button(OFFER_LABEL, OFFER_ADVISOR, offer_value, emoji=False)
        elements.append({**offer, "style": "primary"})
    native_feedback: list[Block] = []
    if turn_id and feedback and native:
        native_feedback = [_feedback_block(turn_id)]
    elif turn_id and feedback:
        elements += [_button(":thumbsup:", FEEDBACK_UP, turn_id), _button(":thumbsdown:", FEEDBACK_DOWN, turn_id)]
    if turn_id and share:
        elements.append(_button("Share to channel", SHARE, turn_id))
    actions = [{"type": "actions", "block_id": ACTIONS_BLOCK_ID, "elements": elements}] if elements else []
    return actions + native_feedback


def _feedback_block(turn_id: str) -> Block:
    """Slack's own thumbs up / down under an AI answer."""
    up, down = (f"{vote}:{turn_id}"[:BUTTON_VALUE_LIMIT] for vote in ("up", "down"))
    element = FeedbackButtonsElement(
        action_id=FEEDBACK,
        positive_button=FeedbackButtonObject(
            text="Good answer", accessibility_label="This answer was helpful", value=up
        ),
        negative_button=FeedbackButtonObject(
            text="Bad answer", accessibility_label="This answer was not helpful", value=down
        ),
    )
    return ContextActionsBlock(elements=[element]).to_dict()


def feedback_of(action: dict[str, Any]) -> tuple[str, int] | None:
    """(turn id, +1 / -1) of a click on either kind of feedback button; None for anything else."""
    action_id, value = action.get("action_id"), str(action.get("value") or "")
    if action_id == FEEDBACK:
        vote, _, turn_id = value.partition(":")
        if vote in ("up", "down") and turn_id:
            return turn_id, 1 if vote == "up" else -1
        return None
    if action_id in (FEEDBACK_UP, FEEDBACK_DOWN) and value:
        return value, 1 if action_id == FEEDBACK_UP else -1
    return None


def extra_blocks(
    reply: Reply, *, feedback: bool = True, share: bool = False, offer_value: str | None = None, native: bool = True
) -> list[Block]:
    """Everything but the answer text: figures, sources, low confidence, escalation, buttons (the offer of an
    advisor when the Reply makes one and `offer_value` says where it was shown).

    Streaming sends the text as it comes and these with the final `chat.stopStream`.
    """
    offer = offer_value if reply.offer_advisor else None
    blocks: list[Block | None] = list(_figures_blocks(reply.figures, native=native))
    blocks += [
        _sources_block(reply.citations),
        _confidence_block(reply),
        _escalation_block(reply.escalation) if reply.escalation else None,
        *_actions_block(reply.turn_id, feedback=feedback, share=share, offer_value=offer, native=native),
    ]
    return [b for b in blocks if b is not None]


def reply_blocks(
    reply: Reply, *, feedback: bool = True, share: bool = False, offer_value: str | None = None, native: bool = True
) -> list[Block]:
    """The whole reply; long answers are cut so the message stays within 50 blocks."""
    extras = extra_blocks(reply, feedback=feedback, share=share, offer_value=offer_value, native=native)
    extras = extras[: MAX_BLOCKS - 1]
    text = text_blocks(reply.text)
    room = MAX_BLOCKS - len(extras)
    if len(text) > room:
        text = text[: room - 1] + [_context("_The answer was too long for one Slack message and was cut here._")]
    return text + extras


def notification_text(reply: Reply) -> str:
    """The `text` Slack shows in notifications and screen readers (blocks carry the real content): mrkdwn too,
    so escaped like the blocks."""
    text = escape_mrkdwn(reply.text.strip()) or "finbot replied."
    return text if len(text) <= NOTIFICATION_LIMIT else text[: NOTIFICATION_LIMIT - 1] + "…"
