"""What retrieval hands the rest of the core."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["KnowledgeRetriever", "Passage"]


@dataclass(frozen=True, slots=True)
class Passage:
    """One retrieved chunk with where it came from (a citation) and how well it matched."""

    chunk_id: str
    title: str
    uri: str
    text: str
    score: float
    relevance: float = 0.0
    """0..1: how much of the question this passage covers; used to decide 'I don't know'."""
    source: str = ""
    """The document it came from (its path when ingested from files)."""
    dense: float = 0.0
    """Cosine between the query's and the passage's embeddings (the dense side of the search)."""
    keyword_coverage: float = 0.0
    """IDF-weighted share of the query's terms the passage contains (the keyword side), 0..1."""
    dense_rank: int = 0
    """1-based rank of the passage on the dense side alone (0: not among its candidates)."""
    keyword_rank: int = 0
    """1-based rank on the BM25 side alone (0: not among its candidates)."""


class KnowledgeRetriever(Protocol):
    async def search(self, query: str, k: int) -> list[Passage]: ...

    async def refresh(self) -> None:
        """Re-read the index after documents changed."""
        ...
