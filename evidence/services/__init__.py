"""Every write to the evidence locker: ingest, custody events, transfers, derivatives.

Each function runs in a transaction, writes its custody event(s) and audit event in that
transaction, and schedules background work with ``transaction.on_commit``.

Split by subdomain (ARCHITECTURE.md: a module splits before it passes about 500 lines); the
names below are the package's public interface, so existing imports keep working.
"""

from evidence.services.custody import (
    GENESIS,
    custody_chain_check,
    custody_chain_problems,
    custody_content,
    custody_record,
    evidence_access_record,
    evidence_acknowledge,
    evidence_list_record,
    evidence_read_bytes,
    evidence_transfer,
)
from evidence.services.derivatives import (
    evidence_ocr,
    evidence_redact,
    evidence_transcribe,
    evidence_transcript_set,
    evidence_working_copy,
    whisper_model_dir,
)
from evidence.services.ingest import OCR_KINDS, evidence_ingest, limits
from evidence.streaming import EvidenceRefused

__all__ = [
    "GENESIS",
    "OCR_KINDS",
    "EvidenceRefused",
    "custody_chain_check",
    "custody_chain_problems",
    "custody_content",
    "custody_record",
    "evidence_access_record",
    "evidence_acknowledge",
    "evidence_ingest",
    "evidence_list_record",
    "evidence_ocr",
    "evidence_read_bytes",
    "evidence_redact",
    "evidence_transcribe",
    "evidence_transcript_set",
    "evidence_transfer",
    "evidence_working_copy",
    "limits",
    "whisper_model_dir",
]
