"""What retrieval hands the rest of the core."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["KnowledgeRetriever", "Passage"]


@dataclass(frozen=True, slots=True)
class Passage:
    """One retrieved chunk with where it came from (a citation) and how well it matched.

    Besides `score` (the fused score that ordered the results) and `relevance`, a passage carries the
    per-side signals retrieval computed, for a confidence model: how the dense model and BM25 each
    judged it (`dense`, `keyword`), where each side ranked it (`dense_rank`, `keyword_rank`: agreement
    of the two), and how much of the question's key terms it holds (`coverage`). The margin of the
    top passage over the next is the difference of their `score` or `relevance`.
    """

    chunk_id: str
    title: str
    uri: str
    text: str
    score: float
    """The fused score the results are ordered by (FINBOT_FUSION; comparable within one search only)."""
    relevance: float = 0.0
    """0..1: how much of the question this passage covers; used to decide 'I don't know'."""
    source: str = ""
    """The document it came from (its path when ingested from files)."""
    dense: float | None = None
    """Cosine of the question and passage embeddings (-1..1; ~0.1 unrelated, 0.5+ on topic); None without vectors."""
    keyword: float = 0.0
    """The passage's BM25 score divided by the best BM25 score among this search's candidates (0..1)."""
    keyword_raw: float = 0.0
    """The raw BM25 score (depends on the corpus and the question's length)."""
    dense_rank: int | None = None
    """1-based rank of the passage among all chunks by cosine alone; None when not in the dense candidates."""
    keyword_rank: int | None = None
    """1-based rank by BM25 alone; None when no question term is in the passage (or it is past the candidates)."""
    coverage: float = 0.0
    """0..1: IDF-weighted share of the question's content-word stems found in the title and text."""
    missing: float = 0.0
    """0..1: how rare the rarest question term the passage lacks is (1 = a word no document uses)."""


DocumentsVersion = tuple[int, str]
"""A fingerprint of the knowledge base (document count, newest update): core.retrieval.documents."""


class KnowledgeRetriever(Protocol):
    async def search(self, query: str, k: int, *, documents_version: DocumentsVersion | None = None) -> list[Passage]:
        """`documents_version`: the fingerprint the turn already read (core.turn), so it is not read again."""
        ...

    async def refresh(self) -> None:
        """Re-read the index after documents changed."""
        ...
