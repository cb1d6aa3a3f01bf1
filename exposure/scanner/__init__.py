"""Exposure scanner: find protected people's restricted information in text.

A pure library (no Django): build a plaintext-free index from roster people
and a secret key, then scan documents one at a time or as a stream.

    index = build_index(people, key=secret)
    result = Scanner(index).scan(text, document_id="doc-1")

See ``index.py`` for the design and ``decide.py`` for the rules.
"""

from .decide import DocumentResult, Exposure, Mention, decide
from .index import ExposureIndex, IndexStats, build_index
from .kinds import RESTRICTED, STRONG, WEAK, Kind
from .normalise import NormalisedText, normalise
from .roster import Relative, RosterPerson
from .scan import Scanner, scan_documents, scan_jsonl

__all__ = [
    "RESTRICTED",
    "STRONG",
    "WEAK",
    "DocumentResult",
    "Exposure",
    "ExposureIndex",
    "IndexStats",
    "Kind",
    "Mention",
    "NormalisedText",
    "Relative",
    "RosterPerson",
    "Scanner",
    "build_index",
    "decide",
    "normalise",
    "scan_documents",
    "scan_jsonl",
]
