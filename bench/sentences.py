"""Sentence splitting: speed of finbot's splitter vs the regex one it replaced, in one run, plus a check of
both on cases with abbreviations, times and decimals.

    .venv/bin/python bench/sentences.py --data DIR   (a BEIR folder: its corpus.jsonl passages are split)

"cold" splits each passage once (the first grounding check of a turn); "warm" repeats them (the
extractive answer and the grounding check split the same retrieved passages: an LRU cache answers).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from core.retrieval.sentences import _split, sentences

_OLD_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[*])")

CASES = [
    ("We close at 1:00 p.m. ET on the day after Thanksgiving.", 1),
    ("Accounts in the U.S. are insured. Accounts abroad are not.", 2),
    ("Some fees, e.g. wire fees, are waived.", 1),
    ("Acme Inc. reported revenue of $1.5 million. It was up 3.2% from Dec. 24 last year.", 2),
    ("See Form No. 5 for details. It is on our site.", 2),
    ("We close at 5:00 p.m. We reopen at 9:00 a.m. Monday.", 2),
    ("Mr. Smith joined in Jan. 2020 as CFO. He left in 2022.", 2),
    ("The rate is 4.5% a year vs. 5.0% last year.", 1),
]


def old_sentences(text: str) -> list[str]:
    """The splitter finbot used before: per line, a regex after . ! ? before a capital or digit."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip().lstrip("-*•").strip()
        if not line or line.startswith("#"):
            continue
        out.extend(part.strip() for part in _OLD_END.split(line) if part.strip())
    return out


def _time(split, texts: list[str]) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for text in texts:
        split(text)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    args = parser.parse_args()
    lines = (args.data / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if line.strip()]
    chars = sum(len(t) for t in texts)
    sentences("Warm up. The tokenizer loads once.")
    _split.cache_clear()
    cold = _time(sentences, texts)
    warm = _time(sentences, texts)
    old = _time(old_sentences, texts)
    print(f"{len(texts)} passages, {chars / 1e6:.2f}M characters")
    print(f"{'splitter':<22}{'ms total':>10}{'us/passage':>12}{'x old':>8}")
    for name, seconds in (("finbot cold", cold), ("finbot warm (cached)", warm), ("old regex", old)):
        print(f"{name:<22}{seconds * 1000:>10.1f}{seconds * 1e6 / len(texts):>12.1f}{seconds / old:>8.1f}")
    right_new = sum(len(sentences(text)) == n for text, n in CASES)
    right_old = sum(len(old_sentences(text)) == n for text, n in CASES)
    print(f"abbreviation/time/decimal cases split right: finbot {right_new}/{len(CASES)}, old {right_old}/{len(CASES)}")


if __name__ == "__main__":
    main()
