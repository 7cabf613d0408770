"""parse_bytes in a child process with a hard deadline and a memory cap.

pdf.py's deadline is cooperative (checked between pages), so one page that pypdf grinds on — a
5 KB file whose content stream inflates to millions of text operators takes seconds per page — or a
C-level hang in a decoder runs past it. Here the parse runs in a long-lived worker process (spawned
once per process, reused for every file, so the cost is one import of the parser at first use and a
pickle of the ParsedDocument per file); if it misses the deadline the worker is killed, the file
gets a ParseTimeoutError and the next file gets a fresh worker. A worker that dies (OOM, segfault)
becomes an IngestError for that file only. OCR (a scan of many pages) reports each page as it
starts, and each report gives that page Tesseract's own limit (settings.ocr_page_timeout_s).
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from cllr.settings import Settings
from ingest import errors
from ingest.errors import IngestError, ParseTimeoutError
from ingest.models import ParsedDocument

# Grace on top of the cooperative deadline, so a parse that stops itself reports its own (more
# precise) message, and the hard kill only catches what cannot stop itself.
_GRACE_S = 5.0


def _serve(conn: Any, memory_mb: int) -> None:  # runs in the child
    if memory_mb > 0:
        try:
            import resource

            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ImportError, ValueError, OSError):  # not on this platform: the deadline still holds
            pass
    from ingest import ocr
    from ingest.pipeline import parse_bytes

    # each page OCR starts on tells the parent the parse is alive, so a long scan is not killed as a hang
    ocr.progress = lambda: conn.send(("alive",))
    while True:
        try:
            data, source, settings = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", parse_bytes(data, source, settings)))
        except IngestError as e:
            # IngestError pickles badly (two-argument __init__): send its parts
            conn.send(("ingest", type(e).__name__, e.source, e.reason))
        except MemoryError:
            conn.send(("ingest", "IngestError", source, "parsing needed more memory than allowed"))
        except Exception as e:  # a parser bug on odd input is still one clear error for one file
            conn.send(("ingest", "IngestError", source, f"could not be parsed ({type(e).__name__}: {str(e)[:200]})"))


class _Worker:
    """`python -m ingest.isolated` talking pickled frames over its stdin/stdout.

    A plain subprocess rather than multiprocessing's spawn: spawn re-imports the parent's __main__,
    which breaks any script without an `if __name__ == "__main__"` guard that happens to ingest."""

    def __init__(self, memory_mb: int):
        root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(x for x in (root, env.get("PYTHONPATH")) if x)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ingest.isolated", str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=root,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.out = Connection(os.dup(self.proc.stdin.fileno()), readable=False)
        self.inp = Connection(os.dup(self.proc.stdout.fileno()), writable=False)
        self.proc.stdin.close()
        self.proc.stdout.close()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(5)
        self.out.close()
        self.inp.close()

    def close(self) -> None:
        self.out.close()  # the child sees EOF and exits
        try:
            self.proc.wait(2)
        except subprocess.TimeoutExpired:
            self.kill()
        self.inp.close()


_lock = threading.Lock()
_worker: _Worker | None = None


def _shutdown() -> None:
    global _worker
    if _worker is not None:
        _worker.close()
        _worker = None


atexit.register(_shutdown)


def parse_bytes_isolated(data: bytes, source: str, settings: Settings) -> ParsedDocument:
    """As ingest.pipeline.parse_bytes, but bounded in time and memory whatever the file does."""
    global _worker
    deadline = settings.parse_timeout_s + _GRACE_S
    with _lock:  # one worker, one file at a time (ingestion is serialised per library anyway)
        if _worker is None or not _worker.alive():
            _worker = _Worker(settings.parse_memory_mb)
        w = _worker
        try:
            w.out.send((data, source, settings))
            ready = w.inp.poll(deadline)
            reply = w.inp.recv() if ready else None
            while reply is not None and reply[0] == "alive":  # OCR of a page began: its own limit, again
                ready = w.inp.poll(settings.ocr_page_timeout_s + deadline)
                reply = w.inp.recv() if ready else None
        except (EOFError, OSError, BrokenPipeError):
            w.kill()
            _worker = None
            raise IngestError(source, "the parser process died on this file (out of memory or crashed)") from None
        if reply is None:
            w.kill()
            _worker = None
            raise ParseTimeoutError(source, f"parsing took longer than {settings.parse_timeout_s:.0f}s (stopped)")
    if reply[0] == "ok":
        return reply[1]
    _, kind, src, reason = reply
    cls = getattr(errors, kind, IngestError)
    raise cls(src, reason)


if __name__ == "__main__":
    # The frames go over the original stdout; anything a library prints goes to stderr instead.
    _out = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)

    class _Duplex:
        def __init__(self) -> None:
            self._in = Connection(os.dup(0), writable=False)

        def recv(self) -> Any:
            return self._in.recv()

        def send(self, obj: Any) -> None:
            _out.send(obj)

    _serve(_Duplex(), int(sys.argv[1]) if len(sys.argv) > 1 else 0)
