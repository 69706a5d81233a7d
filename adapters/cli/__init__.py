"""Terminal chat."""

from adapters.cli.chat import chat_loop

__all__ = ["chat_loop"]
