"""Knowledge retrieval: ingest documents, index them, find the passages that answer a question."""

from core.retrieval.bm25 import Bm25Retriever
from core.retrieval.documents import DocumentStore
from core.retrieval.embeddings import Embedder, make_embedder
from core.retrieval.fusion import FusionConfig
from core.retrieval.ingest import Ingestor, IngestReport
from core.retrieval.retriever import HybridRetriever
from core.retrieval.types import KnowledgeRetriever, Passage
from core.retrieval.vectors import VectorIndex, make_vector_index

__all__ = [
    "Bm25Retriever",
    "DocumentStore",
    "Embedder",
    "FusionConfig",
    "HybridRetriever",
    "IngestReport",
    "Ingestor",
    "KnowledgeRetriever",
    "Passage",
    "VectorIndex",
    "make_embedder",
    "make_vector_index",
]
