"""Knowledge retrieval: ingest documents, index them, find the passages that answer a question."""

from core.retrieval.bm25 import Bm25Retriever
from core.retrieval.documents import DocumentStore
from core.retrieval.ingest import Ingestor, IngestReport
from core.retrieval.types import KnowledgeRetriever, Passage

__all__ = ["Bm25Retriever", "DocumentStore", "IngestReport", "Ingestor", "KnowledgeRetriever", "Passage"]
