"""An escalation -> the Block Kit card in the advisor channel, and the relay shown in the person's thread. Pure.

Everything from the person or the documents (question, summary, sources, names) is escaped: a `<!channel>` or
a Markdown link in a client's question never pings the advisors' channel or becomes a live link there.
"""

from __future__ import annotations

from typing import Any

from adapters.slack.render import SECTION_LIMIT, escape_mrkdwn, to_mrkdwn
from core.escalation import Escalation, Status

__all__ = [
    "CLAIM",
    "CLOSE",
    "card_blocks",
    "card_text",
    "forwarded_blocks",
    "person_label",
    "relay_blocks",
    "thread_link",
]

Block = dict[str, Any]

CLAIM = "finbot_escalation_claim"
CLOSE = "finbot_escalation_close"
_STATUS = {
    Status.OPEN: ":large_orange_circle: *Open*: waiting for an advisor",
    Status.CLAIMED: ":large_blue_circle: *Claimed* by {advisor}: reply in this thread to answer the client",
    Status.ANSWERED: ":large_green_circle: *Answered* by {advisor}",
    Status.CLOSED: ":white_circle: *Closed* by {advisor}",
    Status.EXPIRED: ":black_circle: *Expired*: nobody claimed it in time",
    Status.CANCELLED: ":white_circle: *Cancelled* by the client: finbot answers them again",
    Status.UNROUTED: ":black_circle: *Unrouted*: no advisor desk could take it",
}


def _clip(text: str, limit: int = SECTION_LIMIT - 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def person_label(escalation: Escalation) -> str:
    """A Slack mention for Slack people (Slack shows their name), else the name or id we know."""
    conversation = escalation.conversation
    user = (conversation.reference or {}).get("user")
    if conversation.platform == "slack" and user:
        return f"<@{user}>"
    return to_mrkdwn(escalation.person_name or escalation.person_id)


def thread_link(escalation: Escalation, permalink: str | None) -> str | None:
    """A link to the person's Slack thread: chat.getPermalink's, or one built from channel and ts."""
    if permalink:
        return permalink
    conversation = escalation.conversation
    ts = conversation.thread_id
    if conversation.platform != "slack" or not ts or not ts.replace(".", "").isdigit():
        return None
    return f"https://slack.com/archives/{conversation.channel_id}/p{ts.replace('.', '')}"


def card_text(escalation: Escalation) -> str:
    """The notification text (and the fallback for clients that show no blocks)."""
    return escape_mrkdwn(f"Escalation ({escalation.reason_label}): {escalation.question[:200]}")


def card_blocks(escalation: Escalation, *, link: str | None = None) -> list[Block]:
    advisor = escalation.advisor.name if escalation.advisor else "an advisor"
    confidence = "n/a" if escalation.confidence is None else f"{escalation.confidence}%"
    fields = [
        f"*Client*\n{person_label(escalation)}",
        f"*Reason*\n{escape_mrkdwn(escalation.reason_label)}",
        f"*Confidence*\n{confidence}",
        f"*From*\n{escalation.conversation.platform.capitalize()}",
    ]
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"Escalation: {escalation.reason_label}"[:150]}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": _clip(f"*Question*\n>{to_mrkdwn(escalation.question)}")},
        },
    ]
    if escalation.summary:
        summary = _clip(f"*Recent conversation*\n```{escape_mrkdwn(escalation.summary)}```")
        blocks.append(_section(summary))
    if escalation.sources:
        titles = "; ".join(to_mrkdwn(s.get("title", "")) for s in escalation.sources)
        blocks.append(_context(_clip(f"Sources: {titles}", 2000)))
    if link:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"<{link}|Open the client's thread>"}]}
        )
    status = _STATUS[escalation.status].format(advisor=to_mrkdwn(advisor))
    blocks.append(_section(status))
    buttons: list[Block] = []
    if escalation.status == Status.OPEN:
        buttons.append(_button("Claim", CLAIM, escalation.id, style="primary"))
    if escalation.is_active:
        buttons.append(_button("Close", CLOSE, escalation.id, style="danger"))
    if buttons:
        blocks.append({"type": "actions", "block_id": f"escalation_{escalation.id}", "elements": buttons})
    return blocks


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text)}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _button(text: str, action_id: str, value: str, *, style: str) -> Block:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
        "style": style,
    }


def relay_blocks(text: str, advisor_name: str | None) -> list[Block]:
    """The advisor's words in the person's thread, with the advisor's name shown."""
    who = f":bust_in_silhouette: *{to_mrkdwn(advisor_name)}*, your advisor" if advisor_name else "finbot"
    return [_context(who), _section(to_mrkdwn(text))]


def forwarded_blocks(escalation: Escalation, text: str) -> list[Block]:
    """The person's new message, shown in the card's thread."""
    return [_context(f"{person_label(escalation)} wrote:"), _section(to_mrkdwn(text))]
