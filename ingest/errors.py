"""Errors ingestion raises for input it cannot use. Each message names the file and says why."""

from __future__ import annotations


class IngestError(Exception):
    """A file that cannot be ingested; the message is one line, fit for a user."""

    def __init__(self, source: str, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class EmptyFileError(IngestError):
    pass


class EncryptedPdfError(IngestError):
    pass


class CorruptPdfError(IngestError):
    pass


class NeedsOcrError(IngestError):
    """The PDF has pages but no text layer (a scan)."""


class UnsupportedFileError(IngestError):
    pass


class ParseTimeoutError(IngestError):
    pass
