"""Language models: the factory, and the translation of provider failures into finbot's errors.

The OpenAI SDK and langchain-openai are imported only when a model is made: importing them costs about 0.6 s
and tens of MB, which the offline default (no model configured) never needs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from core.errors import ProviderError, ProviderRateLimited, ProviderTimeout
from core.privacy import RedactingTransport, Redactor

__all__ = ["make_chat_model", "provider_errors"]


def make_chat_model(
    *,
    api_key: str,
    model: str,
    base_url: str | None = None,
    timeout_s: float = 20.0,
    max_retries: int = 1,
    temperature: float | None = 0.2,
    redactor: Redactor | None = None,
) -> BaseChatModel:
    """A ChatOpenAI client for any OpenAI-compatible endpoint; with a `redactor`, personal data is replaced by
    placeholders in every request and restored in the responses (core.privacy)."""
    from langchain_openai import ChatOpenAI

    client = httpx.AsyncClient(transport=RedactingTransport(redactor), timeout=timeout_s) if redactor else None
    return ChatOpenAI(
        model=model,
        api_key=SecretStr(api_key),
        base_url=base_url,
        timeout=timeout_s,
        max_retries=max_retries,
        temperature=temperature,
        stream_usage=True,
        http_async_client=client,
    )


@contextmanager
def provider_errors() -> Iterator[None]:
    """Re-raise the OpenAI SDK's failures as finbot's ProviderError family."""
    try:
        yield
    except TimeoutError as exc:
        raise ProviderTimeout("the language model timed out") from exc
    except Exception as exc:
        translated = _translated(exc)
        if translated is None:
            raise
        raise translated from exc


def _translated(exc: Exception) -> ProviderError | None:
    """finbot's error for an OpenAI SDK failure; None for anything else. Without the SDK imported, no failure
    can be the SDK's, so it is not imported here."""
    openai = sys.modules.get("openai")
    if openai is None or not isinstance(exc, openai.OpenAIError):
        return None
    if isinstance(exc, openai.APITimeoutError):
        return ProviderTimeout("the language model timed out")
    if isinstance(exc, openai.RateLimitError):
        retry_after = exc.response.headers.get("retry-after") if exc.response is not None else None
        return ProviderRateLimited("the language model is rate limited", float(retry_after) if retry_after else None)
    return ProviderError(f"the language model failed ({exc.__class__.__name__})")
