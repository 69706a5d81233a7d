"""Card buttons: Action.Submit (a `message` with `value`) and Action.Execute (an `adaptiveCard/action` invoke)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from adapters.teams import ActionResult, CardAction, text_card
from core.store.models import TurnMetricRow
from tests.fakes.bf_activities import invoke_activity, message_activity
from tests.integration.teams.conftest import QUESTION, TeamsHarness, card_of


async def _answered_card(teams: TeamsHarness, **activity: Any) -> tuple[dict[str, Any], str]:
    """Ask a question; return the answer's card and the id of the message that carries it."""
    await teams.turn(message_activity(QUESTION, service_url=teams.connector.url, **activity))
    call = [c for c in teams.connector.calls() if c.activity and c.activity["type"] == "message"][-1]
    return card_of(call.activity), call.response["id"]


def _feedback_data(card: dict[str, Any], rating: int) -> dict[str, Any]:
    return next(a["data"] for a in card["actions"] if a["data"].get("rating") == rating)


async def _stored_feedback(teams: TeamsHarness, turn_id: str) -> int | None:
    async with teams.server.container.db.session() as session:
        row = await session.get(TurnMetricRow, turn_id)
    assert row is not None
    return row.feedback


async def _personal_answer(teams: TeamsHarness) -> str:
    """Ask in a 1:1 chat; the id of the streamed answer (Teams keeps the stream's id for the message)."""
    before = len(teams.connector.calls())
    await teams.turn(message_activity(QUESTION, service_url=teams.connector.url))
    streamed = [c for c in teams.connector.calls()[before:] if c.activity and c.activity["type"] == "typing"
                and any(e.get("type") == "streaminfo" for e in c.activity.get("entities") or [])]
    return streamed[0].response["id"]


async def test_native_feedback_loop_is_stored_on_the_right_turn(teams: TeamsHarness) -> None:
    """Teams' thumbs on a 1:1 answer: a `message/submitAction` invoke replying to the answer message."""
    await _personal_answer(teams)
    answer_id = await _personal_answer(teams)
    await teams.server.container.assistant.drain()
    value = {"actionName": "feedback", "actionValue": {"reaction": "dislike", "feedback": '{"feedbackText":"vague"}'}}

    posted = await teams.post(invoke_activity("message/submitAction", value=value, service_url=teams.connector.url,
                                              reply_to_id=answer_id))

    assert posted.status == 200
    async with teams.server.container.db.session() as session:
        rows = list((await session.scalars(select(TurnMetricRow).order_by(TurnMetricRow.created_at))).all())
    assert [(r.feedback, r.feedback_note) for r in rows] == [(None, None), (-1, "vague")], "stored like Slack's"
    assert len(await teams.stored_messages("user")) == 2, "a thumb is not a question"


async def test_feedback_submit_from_an_older_card_is_still_stored(teams: TeamsHarness) -> None:
    """Action.Submit feedback (cards sent before the move to Action.Execute) still counts."""
    card, card_id = await _answered_card(teams, conversation_type="groupChat", mention_bot=True)
    data = _feedback_data(card, 1)
    teams.connector.clear()

    submit = message_activity(None, service_url=teams.connector.url, value=data, reply_to_id=card_id)
    posted = await teams.turn(submit)

    assert posted.status == 202
    assert await _stored_feedback(teams, data["turn_id"]) == 1
    assert teams.connector.texts() == ["Thanks for the feedback."]


async def test_feedback_execute_invoke_answers_200_with_a_body(teams: TeamsHarness) -> None:
    """Action.Execute through the SDK's `adaptive_card.action_execute`: the answer is in the invoke response."""
    card, card_id = await _answered_card(teams, conversation_type="channel", mention_bot=True)
    data = _feedback_data(card, -1)
    value = {"action": {"type": "Action.Execute", "verb": "feedback", "data": data}, "trigger": "manual"}

    posted = await teams.post(
        invoke_activity(value=value, service_url=teams.connector.url, conversation_type="channel", reply_to_id=card_id)
    )

    assert posted.status == 200
    assert posted.body == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "Thanks for the feedback.",
    }
    assert await _stored_feedback(teams, data["turn_id"]) == -1


async def test_unknown_card_verb_is_answered_not_crashed(teams: TeamsHarness) -> None:
    value = {"action": {"type": "Action.Execute", "verb": "no-such-verb", "data": {}}, "trigger": "manual"}
    posted = await teams.post(invoke_activity(value=value, service_url=teams.connector.url))
    assert posted.status == 200
    assert posted.body["statusCode"] == 400 and posted.body["type"] == "application/vnd.microsoft.error"


async def test_registered_action_gets_both_submit_and_execute(teams: TeamsHarness) -> None:
    """The extension point other features use: one `actions.register(verb, handler)` line."""
    seen: list[CardAction] = []

    async def claim(action: CardAction) -> ActionResult:
        seen.append(action)
        return ActionResult(card=text_card(f"Claimed by {action.person.display_name}"))

    teams.teams.actions.register("claim", claim)
    execute = {"action": {"type": "Action.Execute", "verb": "claim", "data": {"case": "c-1"}}, "trigger": "manual"}
    posted = await teams.post(invoke_activity(value=execute, service_url=teams.connector.url))
    await teams.turn(
        message_activity(None, service_url=teams.connector.url, value={"verb": "claim", "case": "c-2"},
                         reply_to_id="1700000000999")
    )

    assert posted.body["type"] == "application/vnd.microsoft.card.adaptive"
    assert posted.body["value"]["body"][0]["text"] == "Claimed by Alice Adviser"
    assert [(a.invoke, a.data.get("case")) for a in seen] == [(True, "c-1"), (False, "c-2")]
    update = teams.connector.calls("update")[-1]
    assert update.activity_id == "1700000000999", "a Submit result card replaces the clicked card in place"
    assert card_of(update.activity)["body"][0]["text"] == "Claimed by Alice Adviser"


async def test_duplicate_invoke_is_not_run_twice(teams: TeamsHarness) -> None:
    seen: list[str] = []

    async def once(action: CardAction) -> ActionResult:
        seen.append(action.verb)
        return ActionResult(text="ok")

    teams.teams.actions.register("once", once)
    value = {"action": {"type": "Action.Execute", "verb": "once", "data": {}}, "trigger": "manual"}
    activity = invoke_activity(value=value, service_url=teams.connector.url)
    first, second = await teams.post(activity), await teams.post(activity)
    assert first.status == second.status == 200
    assert seen == ["once"]
