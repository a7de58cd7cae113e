"""A directory cache of what a remix derives from its source file alone: decoding, separation, analysis,
transcriptions. "Remix this song again" (another prompt, another seed) skips all of them.

Layout: ROOT/<sha256 of the source file's bytes>/<name>-<version>/ holds one entry: the files its
`fill` wrote (e.g. the stems as .npy, read back memory-mapped) or `value.pkl` for a picklable value.
The version is the caller's string for the code and models that made the entry (bump it when they
change); the content hash makes the key independent of file names and storage paths.

Safe for several processes at once (two workers on one disk):
- an entry is computed in ROOT/.tmp/<unique>/ and renamed into place (atomic), so a reader never sees
  half of one;
- ROOT/<hash>/<entry>.lock (flock) is held while an entry is checked and computed, so two workers
  never compute the same entry at once: the second waits and then reads the first one's result;
- eviction renames an entry away before deleting it; a process that already has its files open
  (memory-mapped stems) keeps reading them, and a reader that loses the race recomputes.

Bounded: after each new entry, the least recently used entries (by the mtime each hit refreshes) are
evicted until the total is under `max_bytes`; an entry in use (its lock held) is skipped.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")
_HASH_BLOCK = 1 << 20


def source_key(path: str | Path) -> str:
    """sha256 of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


class StemsCache:
    def __init__(self, root: str | Path, max_bytes: int | None = 2000 * 1024 * 1024):
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / ".tmp").mkdir(exist_ok=True)
        self.computed: list[tuple[str, str]] = []  # (key, entry) computed by this object, for tests and notes

    # --- the two kinds of entries ------------------------------------------------------------------------

    def value(self, key: str, name: str, version: str, compute: Callable[[], T]) -> T:
        """A picklable value, computed once per (source, name, version)."""

        def fill(directory: Path):
            result = compute()
            with open(directory / "value.pkl", "wb") as f:
                pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)

        def load(directory: Path):
            with open(directory / "value.pkl", "rb") as f:
                return pickle.load(f)

        return self.files(key, name, version, fill, load)

    def files(self, key: str, name: str, version: str, fill: Callable[[Path], object],
              load: Callable[[Path], T]) -> T:
        """An entry made of files: `fill(tmp_dir)` writes them, `load(entry_dir)` reads them back."""
        entry = self._entry(key, name, version)
        loaded = self._try_load(entry, load)
        if loaded is not None:
            return loaded[0]
        with self._locked(entry):
            loaded = self._try_load(entry, load)  # another process may have made it while we waited
            if loaded is not None:
                return loaded[0]
            tmp = self.root / ".tmp" / f"{os.getpid()}-{uuid.uuid4().hex}"
            tmp.mkdir(parents=True)
            try:
                fill(tmp)
                if entry.exists():  # left by an interrupted eviction: replace it
                    self._remove(entry)
                os.rename(tmp, entry)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            self.computed.append((key, entry.name))
            result = load(entry)
        self.evict()
        return result

    def has(self, key: str, name: str, version: str) -> bool:
        return self._entry(key, name, version).is_dir()

    # --- internals ----------------------------------------------------------------------------------------

    def _entry(self, key: str, name: str, version: str) -> Path:
        if not key or "/" in key or "/" in name or "/" in version:
            raise ValueError("cache keys and names must be plain names")
        folder = self.root / key
        folder.mkdir(exist_ok=True)
        return folder / f"{name}-{version}"

    def _try_load(self, entry: Path, load):
        if not entry.is_dir():
            return None
        try:
            os.utime(entry)  # most recently used
            return (load(entry),)
        except (FileNotFoundError, EOFError, pickle.UnpicklingError, ValueError):
            return None  # evicted or replaced under us: compute it again

    @contextmanager
    def _locked(self, entry: Path, blocking: bool = True):
        with open(entry.with_name(entry.name + ".lock"), "a+b") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _remove(self, entry: Path) -> None:
        trash = self.root / ".tmp" / f"evicted-{os.getpid()}-{uuid.uuid4().hex}"
        try:
            os.rename(entry, trash)
        except FileNotFoundError:
            return
        shutil.rmtree(trash, ignore_errors=True)

    def entries(self) -> list[tuple[float, int, Path]]:
        """(last use, bytes, path) of every entry."""
        found = []
        for folder in self.root.iterdir():
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            for entry in folder.iterdir():
                if entry.is_dir():
                    try:
                        size = sum(f.stat().st_size for f in entry.rglob("*") if f.is_file())
                        found.append((entry.stat().st_mtime, size, entry))
                    except FileNotFoundError:
                        continue
        return found

    def evict(self) -> list[Path]:
        """Drop least recently used entries until the cache is within max_bytes; returns what went."""
        if self.max_bytes is None:
            return []
        entries = sorted(self.entries(), key=lambda e: e[0])
        total = sum(size for _, size, _ in entries)
        evicted = []
        for _, size, entry in entries:
            if total <= self.max_bytes:
                break
            with self._locked(entry, blocking=False) as got:
                if not got:
                    continue  # being computed or refreshed right now
                self._remove(entry)
            evicted.append(entry)
            total -= size
        self._clean_tmp()
        return evicted

    def _clean_tmp(self, older_than: float = 6 * 3600) -> None:
        """Leftovers of crashed writers (a live writer's folder is younger than any remix)."""
        now = time.time()
        for leftover in (self.root / ".tmp").iterdir():
            try:
                if now - leftover.stat().st_mtime > older_than:
                    shutil.rmtree(leftover, ignore_errors=True)
            except FileNotFoundError:
                continue
