"""The terminal (`finbot chat`): `terminal.py` (input, rich output), `chat.py` (the loop), `surface.py` (the
Surface: answers through `adapters.base.run_turn`). Importing this package loads rich only."""

from adapters.cli.chat import Identity, chat_loop
from adapters.cli.terminal import Terminal

__all__ = ["Identity", "Terminal", "chat_loop"]
