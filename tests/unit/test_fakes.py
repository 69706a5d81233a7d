"""The fake servers speak well enough for the real SDKs: Slack, OpenAI (via LangChain), Bot Framework."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import numpy as np
import openai
import pytest
from langchain_core.messages import AIMessageChunk, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI, OpenAIEmbeddings
from microsoft_agents.activity import Activity, Attachment
from microsoft_agents.hosting.core import TeamsConnectorClient
from pydantic import BaseModel
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes import FakeBotConnector, FakeOpenAI, FakeSlackWebAPI, ToolCallReply
from tests.fakes.bf_activities import message_activity
from tests.fakes.slack_signing import block_actions_body, message_im_payload, signed_headers

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackWebAPI]:
    async with FakeSlackWebAPI() as fake:
        yield fake


@pytest.fixture
async def llm_server() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
async def http() -> AsyncIterator[openai.DefaultAsyncHttpxClient]:
    """An HTTP client the OpenAI SDK uses and the test closes (no leaked sockets between tests)."""
    async with openai.DefaultAsyncHttpxClient() as client:
        yield client


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    async with FakeBotConnector() as fake:
        yield fake


def slack_client(fake: FakeSlackWebAPI, **kwargs: Any) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake.url + "/api/", **kwargs)


def chat_model(fake: FakeOpenAI, http: openai.DefaultAsyncHttpxClient, **kwargs: Any) -> ChatOpenAI:
    return ChatOpenAI(
        base_url=fake.url + "/v1", api_key="test", model="gpt-fake", http_async_client=http, **kwargs
    )


# -- Slack ----------------------------------------------------------------------------------------


async def test_slack_post_message_is_recorded(slack: FakeSlackWebAPI) -> None:
    client = slack_client(slack)
    auth = await client.auth_test()
    first = await client.chat_postMessage(channel="C1", text="hello", thread_ts="1699999999.000001")
    second = await client.chat_postMessage(channel="C1", text="again")

    assert auth["user_id"] == "UBOT" and auth["bot_id"] == "BBOT"
    assert float(second["ts"]) > float(first["ts"])
    call = await slack.wait_for(lambda c: c.api_method == "chat.postMessage")
    assert call.args["channel"] == "C1" and call.token == "xoxb-test"
    assert slack.posted_texts() == ["hello", "again"]
    replies = await client.conversations_replies(channel="C1", ts="1699999999.000001")
    assert [m["text"] for m in replies["messages"]] == ["hello"]


async def test_slack_chat_stream_is_recorded(slack: FakeSlackWebAPI) -> None:
    client = slack_client(slack)
    streamer = await client.chat_stream(
        buffer_size=5, channel="C1", thread_ts="1700.1", recipient_team_id="T1", recipient_user_id="U1"
    )
    await streamer.append(markdown_text="Hello ")
    await streamer.append(markdown_text="world")
    await streamer.stop(markdown_text="!")

    assert [c.api_method for c in slack.calls() if c.api_method.startswith("chat.")] == [
        "chat.startStream",
        "chat.appendStream",
        "chat.stopStream",
    ]
    start = slack.calls("chat.startStream")[0]
    assert start.args["recipient_user_id"] == "U1" and start.args["thread_ts"] == "1700.1"
    assert slack.stream_text() == "Hello world!"


async def test_slack_rate_limit_is_retried(slack: FakeSlackWebAPI) -> None:
    slack.rate_limit_next("chat.postMessage", retry_after=0)
    client = slack_client(slack, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])

    response = await client.chat_postMessage(channel="C1", text="after 429")

    assert response["ok"]
    assert [c.status for c in slack.calls("chat.postMessage")] == [429, 200]


async def test_slack_fail_method(slack: FakeSlackWebAPI) -> None:
    from slack_sdk.errors import SlackApiError

    slack.fail_method("reactions.add", error="already_reacted", times=1)
    client = slack_client(slack)
    with pytest.raises(SlackApiError) as info:
        await client.reactions_add(channel="C1", timestamp="1.2", name="eyes")
    assert info.value.response["error"] == "already_reacted"
    assert (await client.reactions_add(channel="C1", timestamp="1.2", name="eyes"))["ok"]
    assert (await client.api_call("some.unknownMethod", json={"x": 1}))["ok"]
    assert slack.calls("some.unknownMethod")[0].args == {"x": 1}


async def test_slack_files_upload_v2_records_png(slack: FakeSlackWebAPI) -> None:
    client = slack_client(slack)
    slack.add_user("U1", "Alice Adviser", "alice")

    result = await client.files_upload_v2(channel="C1", content=PNG, filename="chart.png", title="Chart")
    user = await client.users_info(user="U1")

    assert result["file"]["title"] == "Chart"
    upload = await slack.wait_for(lambda c: c.route == "upload")
    assert upload.body["length"] == len(PNG) and upload.body["head"].startswith(b"\x89PNG")
    assert slack.uploads[0].is_png
    complete = slack.calls("files.completeUploadExternal")[0]
    assert complete.args["channel_id"] == "C1"
    assert complete.json_arg("files")[0]["id"] == slack.uploads[0].file_id
    assert user["user"]["profile"]["display_name"] == "alice"


def test_slack_signing_helpers_verify() -> None:
    body = json.dumps(message_im_payload("hi"))
    headers = signed_headers(body, "s3cret")
    verifier = SignatureVerifier("s3cret")
    assert verifier.is_valid_request(body, headers)
    form = block_actions_body("approve", "42")
    form_headers = signed_headers(form, "s3cret", int(time.time()), "application/x-www-form-urlencoded")
    assert verifier.is_valid_request(form, form_headers)


# -- OpenAI ---------------------------------------------------------------------------------------


async def test_openai_invoke_returns_scripted_text_and_usage(
    llm_server: FakeOpenAI, http: openai.DefaultAsyncHttpxClient
) -> None:
    llm_server.queue_replies("The fee is 1%.")
    model = chat_model(llm_server, http)

    result = await model.ainvoke(
        [SystemMessage("Context: fee schedule says 1%"), HumanMessage("What is the fee?")]
    )
    echoed = await model.ainvoke("ping")

    assert result.content == "The fee is 1%."
    assert result.usage_metadata is not None and result.usage_metadata["output_tokens"] == 4
    assert echoed.content == "FAKE-LLM: ping"
    request = await llm_server.wait_for(lambda r: r.is_chat)
    assert "fee schedule says 1%" in request.prompt_text
    assert request.last_user_text == "What is the fee?"


async def test_openai_astream_chunks_and_usage(
    llm_server: FakeOpenAI, http: openai.DefaultAsyncHttpxClient
) -> None:
    llm_server.responder = lambda body: "Streamed answer about " + body["messages"][-1]["content"]
    model = chat_model(llm_server, http, stream_usage=True)

    chunks = [chunk async for chunk in model.astream("pensions")]

    text = "".join(str(c.content) for c in chunks)
    assert text == "Streamed answer about pensions"
    assert sum(1 for c in chunks if c.content) >= 3
    usage = [c.usage_metadata for c in chunks if c.usage_metadata]
    assert usage and usage[-1]["output_tokens"] == 4
    assert llm_server.last_chat().stream


async def test_openai_tool_calls_and_structured_output(
    llm_server: FakeOpenAI, http: openai.DefaultAsyncHttpxClient
) -> None:
    class Answer(BaseModel):
        answer: str
        confidence: float

    def lookup_fund(ticker: str) -> str:
        """Look up a fund by ticker."""
        return ticker

    llm_server.queue_replies({"ticker": "VWRL"}, {"answer": "yes", "confidence": 0.9})
    model = chat_model(llm_server, http)

    tool_msg = await model.bind_tools([lookup_fund]).ainvoke("find VWRL")
    structured = await model.with_structured_output(Answer).ainvoke("is it?")

    assert tool_msg.tool_calls[0]["name"] == "lookup_fund"
    assert tool_msg.tool_calls[0]["args"] == {"ticker": "VWRL"}
    assert structured == Answer(answer="yes", confidence=0.9)

    llm_server.queue_replies(ToolCallReply({"ticker": "X"}, name="lookup_fund"))
    streamed = [c async for c in model.bind_tools([lookup_fund]).astream("x")]
    merged = streamed[0]
    for c in streamed[1:]:
        merged += c
    assert isinstance(merged, AIMessageChunk)
    assert merged.tool_calls[0]["args"] == {"ticker": "X"}


async def test_openai_embeddings_are_deterministic(
    llm_server: FakeOpenAI, http: openai.DefaultAsyncHttpxClient
) -> None:
    embeddings = OpenAIEmbeddings(
        base_url=llm_server.url + "/v1",
        api_key="test",
        check_embedding_ctx_length=False,
        http_async_client=http,
    )

    first = await embeddings.aembed_documents(["alpha", "beta"])
    again = await embeddings.aembed_query("alpha")

    assert len(first[0]) == 384
    assert first[0] == again == llm_server.embed("alpha")
    assert first[0] != first[1]
    assert np.isclose(np.linalg.norm(first[0]), 1.0, atol=1e-5)
    assert llm_server.embedding_requests()[0].inputs == ["alpha", "beta"]

    sdk = openai.AsyncOpenAI(base_url=llm_server.url + "/v1", api_key="test", http_client=http)
    raw = await sdk.embeddings.create(
        model="text-embedding-3-small", input=[[1, 2, 3]], encoding_format="float"
    )
    assert raw.data[0].embedding == llm_server.embed([1, 2, 3])


async def test_openai_injected_500_raises(
    llm_server: FakeOpenAI, http: openai.DefaultAsyncHttpxClient
) -> None:
    llm_server.fail_next(500)
    model = chat_model(llm_server, http, max_retries=0)

    with pytest.raises(openai.InternalServerError):
        await model.ainvoke("boom")
    assert (await model.ainvoke("fine")).content == "FAKE-LLM: fine"


async def test_openai_429_with_retry_after_then_succeeds(
    llm_server: FakeOpenAI, http: openai.DefaultAsyncHttpxClient
) -> None:
    llm_server.fail_next(429, retry_after=0)
    client = openai.AsyncOpenAI(
        base_url=llm_server.url + "/v1", api_key="test", max_retries=1, http_client=http
    )

    response = await client.chat.completions.create(
        model="gpt-fake", messages=[{"role": "user", "content": "hi"}]
    )

    assert response.choices[0].message.content == "FAKE-LLM: hi"
    assert [r.status for r in llm_server.chat_requests()] == [429, 200]
    assert (await client.models.list()).data[0].id == "gpt-fake"


async def test_openai_delay_provokes_client_timeout(
    llm_server: FakeOpenAI, http: openai.DefaultAsyncHttpxClient
) -> None:
    llm_server.delay_next(2.0)
    model = chat_model(llm_server, http, max_retries=0, timeout=0.2)

    with pytest.raises(openai.APITimeoutError):
        await model.ainvoke("slow")


# -- Bot Framework --------------------------------------------------------------------------------


async def test_bot_connector_receives_reply_via_connector_client(connector: FakeBotConnector) -> None:
    incoming = message_activity(
        "hello bot", service_url=connector.url, conversation_type="channel", mention_bot=True
    )
    conversation_id = incoming["conversation"]["id"]
    assert ";messageid=" in conversation_id and incoming["text"].startswith("<at>finbot</at>")

    client = TeamsConnectorClient(endpoint=connector.url, token="")
    card = Attachment(
        content_type="application/vnd.microsoft.card.adaptive", content={"type": "AdaptiveCard"}
    )
    reply = Activity(type="message", text="hi there", attachments=[card])
    try:
        response = await client.conversations.reply_to_activity(conversation_id, incoming["id"], reply)
    finally:
        await client.close()

    call = await connector.wait_for(lambda c: c.operation == "reply")
    assert call.conversation_id == conversation_id
    assert call.activity_id == incoming["id"]
    assert call.response is not None and response.id == call.response["id"]
    assert connector.texts() == ["hi there"]
    assert connector.cards() == [{"type": "AdaptiveCard"}]


async def test_bot_connector_plain_http_routes(connector: FakeBotConnector) -> None:
    connector.add_member("29:user-1", "Alice Adviser", email="alice@example.com")
    cid = "19:abc@thread.tacv2;messageid=123"
    async with aiohttp.ClientSession(base_url=connector.url) as http:
        sent = await (await http.post(f"/v3/conversations/{cid}/activities", json={"type": "typing"})).json()
        await http.put(
            f"/v3/conversations/{cid}/activities/{sent['id']}", json={"type": "message", "text": "v2"}
        )
        await http.delete(f"/v3/conversations/{cid}/activities/{sent['id']}")
        created = await (
            await http.post(
                "/v3/conversations",
                json={
                    "channelData": {"channel": {"id": "19:chan"}},
                    "activity": {"type": "message", "text": "new"},
                },
            )
        ).json()
        member = await (await http.get(f"/v3/conversations/{cid}/members/29:user-1")).json()

    assert [c.operation for c in connector.calls()] == [
        "send",
        "update",
        "delete",
        "create_conversation",
        "get_member",
    ]
    assert connector.calls("send")[0].conversation_id == cid
    assert created["id"] == f"19:chan;messageid={created['activityId']}"
    assert member["email"] == "alice@example.com"
    assert [a["type"] for a in connector.activities()] == ["typing", "message", "message"]
    assert connector.texts() == ["v2", "new"]
