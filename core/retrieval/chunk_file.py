"""The index's chunks in one memory-mapped file, read a chunk at a time.

A search needs the text of the few chunks it returns, but the retriever must be able to return any of them;
holding every chunk as Python strings cost ~70 MB of the process at 57k passages, and reading them all from
the database was most of a restart. So a rebuild writes them once to `<name>.bin` (one JSON array per chunk,
back to back) with their offsets in `<name>.idx` and their ids and sources in `<name>.keys` (what building
the search needs of every chunk), and the retriever keeps a view of the files: the operating
system pages in what is read and can drop it again. A restart whose documents did not change opens the files
instead of reading the database. Files are written under a new name and swapped in whole, so a process that
still reads the old ones is never disturbed.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

import numpy as np

from core.retrieval.documents import StoredChunk

__all__ = ["ChunkFile"]


class ChunkFile(Sequence[StoredChunk]):
    def __init__(
        self, data: bytes | mmap.mmap, offsets: np.ndarray, *, folder: Path | None = None, name: str = ""
    ) -> None:
        self._data = data
        self._offsets = offsets
        self._folder, self._name = folder, name

    @classmethod
    def write(cls, folder: Path, name: str, chunks: Sequence[StoredChunk]) -> ChunkFile:
        """Write `chunks` as `<name>.bin` + `<name>.idx` in `folder` and open them."""
        folder.mkdir(parents=True, exist_ok=True)
        offsets = np.zeros(len(chunks) + 1, dtype=np.int64)
        tmp = folder / f"{name}.bin.tmp"
        with tmp.open("wb") as out:
            position = 0
            for i, chunk in enumerate(chunks):
                record = json.dumps([chunk.id, chunk.title, chunk.uri, chunk.text, chunk.source]).encode("utf-8")
                out.write(record)
                position += len(record)
                offsets[i + 1] = position
        index_tmp = folder / f"{name}.idx.tmp"
        with index_tmp.open("wb") as out:
            np.save(out, offsets)
        keys_tmp = folder / f"{name}.keys.tmp"
        keys_tmp.write_text(json.dumps([[c.id for c in chunks], [c.source for c in chunks]]), encoding="utf-8")
        os.replace(keys_tmp, folder / f"{name}.keys")
        os.replace(index_tmp, folder / f"{name}.idx")
        os.replace(tmp, folder / f"{name}.bin")
        opened = cls.open(folder, name, len(chunks))
        assert opened is not None
        return opened

    @classmethod
    def open(cls, folder: Path, name: str, count: int) -> ChunkFile | None:
        """The files as written for `count` chunks; None when they are missing, torn or of another size."""
        data_path, index_path = folder / f"{name}.bin", folder / f"{name}.idx"
        try:
            offsets = np.load(index_path, mmap_mode="r")
            size = data_path.stat().st_size
        except (OSError, ValueError):
            return None
        if offsets.shape != (count + 1,) or int(offsets[-1]) != size:
            return None
        if size == 0:
            return cls(b"", offsets, folder=folder, name=name)
        with data_path.open("rb") as handle:
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return cls(data, offsets, folder=folder, name=name)

    @staticmethod
    def remove_others(folder: Path, keep: str) -> None:
        """Delete chunk files other than `keep` (a process still reading one keeps its open mapping)."""
        for path in [*folder.glob("*.bin"), *folder.glob("*.idx"), *folder.glob("*.keys"), *folder.glob("*.tmp")]:
            if path.stem != keep:
                with contextlib.suppress(OSError):  # e.g. Windows refuses while another process maps it
                    path.unlink(missing_ok=True)

    def keys(self) -> tuple[list[str], list[str]] | None:
        """Every chunk's id and source, in order, without reading the chunks; None when the file is bad."""
        if self._folder is None:
            return None
        try:
            ids, sources = json.loads((self._folder / f"{self._name}.keys").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if len(ids) != len(self) or len(sources) != len(self):
            return None
        return list(ids), list(sources)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> StoredChunk: ...

    @overload
    def __getitem__(self, index: slice) -> list[StoredChunk]: ...

    def __getitem__(self, index: int | slice) -> StoredChunk | list[StoredChunk]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        start, end = int(self._offsets[index]), int(self._offsets[index + 1])
        id_, title, uri, text, source = json.loads(self._data[start:end])
        return StoredChunk(id_, title, uri, text, source)

    def __iter__(self) -> Iterator[StoredChunk]:
        return (self[i] for i in range(len(self)))
