"""Replace personal data with stable placeholders before text leaves for a language model, and put it back.

Within one request the same value always gets the same placeholder ("[EMAIL_1]"), so the model can still
refer to it; the answer shown to the person has the values restored.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from core.privacy.recognizers import ENTITY_KINDS, PLACEHOLDER_NAMES, recognizers

__all__ = ["Redactor", "Vault"]

_PLACEHOLDER = re.compile(r"\[(?:" + "|".join(sorted(set(PLACEHOLDER_NAMES.values()))) + r")_\d+\]")
_PARTIAL = re.compile(r"\[[A-Z_]*\d*$")
"""A placeholder cut off at the end of a streamed chunk: held back until the next one."""


@dataclass(slots=True)
class Vault:
    """The placeholders of one request: value <-> placeholder, and how many of each kind were replaced."""

    by_value: dict[str, str] = field(default_factory=dict)
    by_placeholder: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)

    def placeholder(self, kind: str, value: str, times: int = 1) -> str:
        if value not in self.by_value:
            name = PLACEHOLDER_NAMES.get(kind, "PII")
            number = sum(1 for p in self.by_placeholder if p.startswith(f"[{name}_")) + 1
            token = f"[{name}_{number}]"
            self.by_value[value], self.by_placeholder[token] = token, value
            self.kinds[value] = kind
        self.counts[kind] += times
        return self.by_value[value]

    def restore(self, text: str) -> str:
        if not self.by_placeholder or "[" not in text:
            return text
        return _PLACEHOLDER.sub(lambda m: self.by_placeholder.get(m.group(0), m.group(0)), text)

    @staticmethod
    def split_partial(text: str) -> tuple[str, str]:
        """(what can be restored now, a trailing partial placeholder to keep for the next chunk)."""
        match = _PARTIAL.search(text)
        return (text[: match.start()], text[match.start():]) if match else (text, "")


class Redactor:
    """Finds the configured kinds with presidio's pattern recognizers and replaces them in text."""

    def __init__(self, kinds: tuple[str, ...] = ENTITY_KINDS, *, min_score: float = 0.0) -> None:
        unknown = [k for k in kinds if k not in PLACEHOLDER_NAMES]
        if unknown:
            raise ValueError(f"unknown PII kind(s) {', '.join(unknown)}; use any of {', '.join(ENTITY_KINDS)}")
        self.kinds = kinds
        self._min_score = min_score
        self._recognizers = recognizers(kinds)

    def redact(self, text: str, vault: Vault) -> str:
        """`text` with every value found replaced by its placeholder in `vault`."""
        if not text or not any(c.isdigit() or c == "@" for c in text):  # every kind has a digit or an @
            return text
        for value, kind in self._found(text):  # longest first: a value inside another goes with it
            times = text.count(value)
            if times:
                text = text.replace(value, vault.placeholder(kind, value, times))
        return text

    def _found(self, text: str) -> tuple[tuple[str, str], ...]:
        """`_detect` paragraph by paragraph: a prompt changes every turn, but most of its paragraphs (the
        instructions, passages, figures, earlier turns) were in the last one, and each is analysed once."""
        paragraphs = text.split("\n\n")
        if len(paragraphs) == 1:
            return self._detect(text)
        found: dict[str, str] = {}
        for paragraph in paragraphs:
            if any(c.isdigit() or c == "@" for c in paragraph):
                found.update(self._detect(paragraph))
        return tuple(sorted(found.items(), key=lambda item: -len(item[0])))

    @lru_cache(maxsize=4096)  # noqa: B019 - one redactor per process; prompts repeat (system text, history)
    def _detect(self, text: str) -> tuple[tuple[str, str], ...]:
        """The values in `text` and their kinds. Found again after each replacement: a replaced value can
        uncover a neighbour (libphonenumber skips "(415) 519-4404 8396 Harbor Street" as one over-long number
        until the address is a placeholder)."""
        scratch = Vault()
        for _ in range(3):
            text, replaced = self._pass(text, scratch)
            if not replaced:
                break
        found = {value: scratch.kinds[value] for value in scratch.by_value}
        return tuple(sorted(found.items(), key=lambda item: -len(item[0])))

    def _pass(self, text: str, vault: Vault) -> tuple[str, int]:
        found = []
        for recognizer in self._recognizers:
            wanted = [k for k in recognizer.supported_entities if k in self.kinds]
            for result in recognizer.analyze(text, wanted, None):
                if result.score >= self._min_score and result.entity_type in self.kinds:
                    found.append(result)
        found.sort(key=lambda r: (r.start, -(r.end - r.start), -r.score))
        out, at, replaced = [], 0, 0
        for result in found:
            if result.start < at:  # overlaps a span already replaced (the longer or surer one)
                continue
            out.append(text[at:result.start])
            out.append(vault.placeholder(result.entity_type, text[result.start:result.end]))
            at, replaced = result.end, replaced + 1
        out.append(text[at:])
        return "".join(out), replaced
