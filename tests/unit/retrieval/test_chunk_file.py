"""The memory-mapped chunk file: what is written is read back; a torn or foreign file is refused."""

from __future__ import annotations

from pathlib import Path

from core.retrieval.chunk_file import ChunkFile
from core.retrieval.documents import StoredChunk

CHUNKS = [
    StoredChunk("a-0", "Fees > Wires", "file:///kb/fees.md#wires", "Domestic wires cost $25 — “same day”.", "fees.md"),
    StoredChunk("a-1", "Fees", "https://example.test/fees", "", "fees.md"),
    StoredChunk("b-0", "Roth IRA", "kb/roth.md", "Limits: $7,500; 50+: $8,600.\nNUL-free ✓", "roth.md"),
]


def test_what_is_written_is_read_back(tmp_path: Path) -> None:
    written = ChunkFile.write(tmp_path, "abc", CHUNKS)
    opened = ChunkFile.open(tmp_path, "abc", len(CHUNKS))
    assert opened is not None
    assert list(written) == list(opened) == CHUNKS
    assert opened[-1] == CHUNKS[-1] and opened[1:] == CHUNKS[1:]
    assert opened.keys() == (["a-0", "a-1", "b-0"], ["fees.md", "fees.md", "roth.md"])


def test_an_empty_index_round_trips(tmp_path: Path) -> None:
    ChunkFile.write(tmp_path, "empty", [])
    opened = ChunkFile.open(tmp_path, "empty", 0)
    assert opened is not None and len(opened) == 0 and opened.keys() == ([], [])


def test_a_torn_or_other_file_is_refused(tmp_path: Path) -> None:
    ChunkFile.write(tmp_path, "abc", CHUNKS)
    assert ChunkFile.open(tmp_path, "abc", len(CHUNKS) + 1) is None  # built for another count
    assert ChunkFile.open(tmp_path, "missing", len(CHUNKS)) is None
    data = tmp_path / "abc.bin"
    data.write_bytes(data.read_bytes()[:-5])  # a crash mid-write
    assert ChunkFile.open(tmp_path, "abc", len(CHUNKS)) is None


def test_a_new_file_replaces_the_others(tmp_path: Path) -> None:
    old = ChunkFile.write(tmp_path, "old", CHUNKS)
    ChunkFile.write(tmp_path, "new", CHUNKS[:1])
    ChunkFile.remove_others(tmp_path, "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.bin", "new.idx", "new.keys"]
    assert old[2] == CHUNKS[2]  # a reader of the old file keeps its mapping
