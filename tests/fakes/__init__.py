"""Fake HTTP servers that let tests drive the real Slack, OpenAI and Bot Framework SDKs on 127.0.0.1."""

from tests.fakes._base import FakeServer, RecordedRequest
from tests.fakes.bot_connector import ConnectorCall, FakeBotConnector
from tests.fakes.openai_server import FakeOpenAI, OpenAIRequest, ToolCallReply
from tests.fakes.slack_api import FakeSlackWebAPI, SlackCall, Upload

__all__ = [
    "ConnectorCall",
    "FakeBotConnector",
    "FakeOpenAI",
    "FakeServer",
    "FakeSlackWebAPI",
    "OpenAIRequest",
    "RecordedRequest",
    "SlackCall",
    "ToolCallReply",
    "Upload",
]
