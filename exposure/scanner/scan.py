"""Scan documents against an index: one document, a stream, or a JSONL file.

A ``Scanner`` owns compiled Hyperscan databases and per-scanner memos,
which are not safe to share between threads: give each thread or process its
own scanner, or use a lock (building one from a 25,000-person index takes
about a second). With the compiled core (native.py) a second thread entering
a scanner that is in use gets RuntimeError.

Two routes give the same results: the compiled core (exposure/native, used
when built) and the Python code here, which defines the rules and is what the
core is checked against (``Scanner(index, compiled=False)`` or
``CUSTOS_SCANNER=python`` selects it).
"""

from __future__ import annotations

import functools
import gc
import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import orjson

from . import native
from .candidates import Hit, ShapeFinder
from .decide import DocumentResult, decide, from_compiled
from .identifiers import iter_streets
from .index import ExposureIndex, unpack_entries, unpack_token
from .kinds import Kind
from .names import NameFinder
from .normalise import NormalisedText, ascii_fold, normalise

# Bounds on the per-scanner memo of candidate -> roster entries. The memo holds
# candidate text seen in documents (never roster values) and spares a repeated
# HMAC; clearing it keeps memory constant however long the stream is.
_CACHE_LIMIT = 400_000
_STREET_WINDOW = 400  # characters either side of a name
_KINDS = {int(kind): kind for kind in Kind}
# Longer documents are read in overlapping chunks (Scanner.hits): the compiled
# core keeps each Hyperscan match end (~30 bytes of memory per character of a
# document of digits), so one 100 MB line would otherwise need gigabytes.
CHUNK = 1 << 20
CHUNK_OVERLAP = 4096


class Scanner:
    """Scan documents for roster exposures using a plaintext-free index."""

    def __init__(self, index: ExposureIndex, compiled: bool | None = None) -> None:
        """``compiled``: use the compiled core (default: when it is built, see native.py)."""
        self.index = index
        if compiled is None:
            compiled = native.available()
        elif compiled and not native.available():
            raise RuntimeError("The compiled scanner core is not built: run scripts/build-native.")
        self._core = native.core(index) if compiled else None
        self._entries = index.entries
        self._tokens = index.tokens
        self._lookup_cache: dict[tuple[str, str], tuple[tuple[int, int], ...]] = {}
        self._token_cache: dict[str, tuple[bool, tuple[int, ...]] | None] = {}

    # The Python route's finders, built on first use (their Hyperscan databases
    # take ~0.4 s to compile, which the compiled route never needs).
    @functools.cached_property
    def shapes(self) -> ShapeFinder:
        """The Python route's finder of phones, e-mails, addresses, plates, SSNs."""
        return ShapeFinder(self._lookup)

    @functools.cached_property
    def names(self) -> NameFinder:
        """The Python route's finder of names and relatives."""
        return NameFinder(self._lookup, self._token_info, self._token_starts_name)

    def _lookup(self, kind: str, value: str) -> tuple[tuple[int, int], ...]:
        cache_key = (kind, value)
        found = self._lookup_cache.get(cache_key)
        if found is None:
            if len(self._lookup_cache) >= _CACHE_LIMIT:
                self._lookup_cache.clear()
            packed = self._entries.get(self.index.digest(kind, value))
            found = unpack_entries(packed) if packed else ()
            self._lookup_cache[cache_key] = found
        return found

    def _token_entry(self, token: str) -> tuple[bool, tuple[int, ...]] | None:
        try:
            return self._token_cache[token]
        except KeyError:
            pass
        if len(self._token_cache) >= _CACHE_LIMIT:
            self._token_cache.clear()
        packed = self._tokens.get(self.index.digest("tok", token))
        entry = None if packed is None else unpack_token(packed)
        self._token_cache[token] = entry
        return entry

    def _token_info(self, token: str) -> tuple[int, ...] | None:
        """Return None for a non-roster token, else persons it is a relative of."""
        entry = self._token_entry(token)
        return None if entry is None else entry[1]

    def _token_starts_name(self, token: str) -> bool:
        """Return whether a token begins a roster name key (a given name)."""
        entry = self._token_entry(token)
        return entry is not None and entry[0]

    def hits(self, text: str) -> list[Hit]:
        """Return every roster key found in a text, before any decision.

        A text longer than ``CHUNK`` characters is read in chunks that overlap
        by ``CHUNK_OVERLAP`` (more than any rule reaches: a street is read within
        400 characters of a name, a relative within 240), so memory stays
        bounded however long one document is; hits found twice count once.
        """
        if len(text) <= CHUNK:
            return self._hits(text)
        found: set[Hit] = set()
        step = CHUNK - CHUNK_OVERLAP
        for offset in range(0, len(text), step):
            for hit in self._hits(text[offset : offset + CHUNK]):
                found.add(Hit(hit.person, hit.kind, hit.start + offset, hit.end + offset))
            if offset + CHUNK >= len(text):
                break
        return sorted(found, key=lambda hit: (hit.start, hit.end, hit.person, hit.kind))

    def _hits(self, text: str) -> list[Hit]:
        if self._core is not None:
            return [
                Hit(person, _KINDS[kind], start, end)
                for person, kind, start, end in self._core.hits(ascii_fold(text))
            ]
        return self._python_hits(normalise(text))

    def _python_hits(self, normalised: NormalisedText) -> list[Hit]:
        hits = self.shapes.find(normalised)
        name_hits = self.names.find(normalised)
        if not any(hit.kind == Kind.NAME for hit in name_hits):
            return hits + name_hits
        windows: list[tuple[int, int]] = []
        for hit in sorted(name_hits, key=lambda hit: hit.start):
            if hit.kind != Kind.NAME:
                continue
            # A street without a house number is weak: look for it only near a
            # roster name (rule 2 in decide.py).
            start, end = max(0, hit.start - _STREET_WINDOW), hit.end + _STREET_WINDOW
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], end))
            else:
                windows.append((start, end))
        lower = normalised.lower
        for window_start, window_end in windows:
            # iter_streets reads the window word by word: a street-type word and
            # the one to three name words before (English) or after (Spanish).
            for street, start, end in iter_streets(lower, window_start, window_end):
                for person, role in self._lookup("street", street):
                    hits.append(Hit(person, Kind(role), start, end))
        return hits + name_hits

    def scan_dict(
        self, text: str, document_id: object = None, include_mentions: bool = True
    ) -> dict[str, object]:
        """Return ``scan(text, document_id).as_dict(include_mentions)``, built in one step."""
        if self._core is not None and len(text) <= CHUNK:
            return self._core.scan_dict(text, document_id, include_mentions)  # type: ignore[no-any-return]
        result = self.scan(text, document_id)  # type: ignore[arg-type]
        return result.as_dict(include_mentions=include_mentions)

    def scan(self, text: str, document_id: str | None = None) -> DocumentResult:
        """Scan one document and decide its exposures and mentions."""
        if self._core is not None and len(text) <= CHUNK:
            exposures, mentions = self._core.scan(ascii_fold(text))
            return from_compiled(document_id, exposures, mentions, self.index.person_ids)
        return decide(document_id, self.hits(text), self.index.person_ids)


def scan_documents(
    documents: Iterable[dict[str, Any]],
    index: ExposureIndex | Scanner,
    include_mentions: bool = False,
) -> Iterator[dict[str, object]]:
    """Stream ``{"id", "text"}`` dicts and yield one result dict per document.

    Memory stays constant in the input size: one document is held at a time.
    """
    scanner = index if isinstance(index, Scanner) else Scanner(index)
    for document in documents:
        yield scanner.scan_dict(document.get("text") or "", document.get("id"), include_mentions)


def scan_jsonl(
    in_fp: IO[str],
    out_fp: IO[str],
    index: ExposureIndex | Scanner,
    progress: Callable[[int, int], None] | None = None,
    include_mentions: bool = False,
) -> int:
    """Scan a JSONL stream of ``{"id", "text"}`` lines into a JSONL stream of results.

    ``progress(documents, characters)`` is called every 1,000 documents.
    Returns the number of documents scanned.
    """
    scanner = index if isinstance(index, Scanner) else Scanner(index)
    # Each line makes a few dicts and lists and no reference cycles, so the
    # cyclic collector only walks the caller's heap (measured: 0.3 s per 64 MB
    # beside a large live heap); reference counting still frees everything.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _scan_lines(in_fp, out_fp, scanner, progress, include_mentions)
    finally:
        if collecting:
            gc.enable()


def _parse_line(line: str) -> Any:
    """Parse one JSON line: orjson, or the json module for what orjson refuses or
    rounds (NaN/Infinity, lone surrogates, integers wider than 64 bits)."""
    try:
        document = orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)
    if isinstance(document, dict) and isinstance(document.get("id"), float):
        return json.loads(line)  # an integer id too wide for orjson arrives as a float
    return document


def _scan_lines(
    in_fp: IO[str],
    out_fp: IO[str],
    scanner: Scanner,
    progress: Callable[[int, int], None] | None,
    include_mentions: bool,
) -> int:
    count = characters = 0
    for line in in_fp:
        if not line.strip():
            continue
        document = _parse_line(line)
        if not isinstance(document, dict):
            raise ValueError("each line must be a JSON object")
        text = document.get("text") or ""
        if not isinstance(text, str):
            raise ValueError('"text" must be a string')
        result = scanner.scan_dict(text, document.get("id"), include_mentions)
        try:
            out_fp.write(orjson.dumps(result, option=orjson.OPT_APPEND_NEWLINE).decode())
        except TypeError:  # an id orjson cannot write (an integer over 64 bits)
            out_fp.write(json.dumps(result) + "\n")
        count += 1
        characters += len(text)
        if progress is not None and count % 1000 == 0:
            progress(count, characters)
    if progress is not None:
        progress(count, characters)
    return count
