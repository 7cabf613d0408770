"""BM25 keyword search (bm25s) over each chunk's header + text, persisted beside the vectors.

Councillors search for minute numbers ("394"), money ("£1.9m", "2,250,900") and names as often as
for topics, so the tokeniser keeps those whole: numbers lose their thousands commas and the pound
sign (both spellings then match), decimals and suffixes stay ("1.9m", "7a", "2.1"), words are
lower-cased and stemmed (PyStemmer, English) with stopwords dropped.

bm25s has no incremental update, so the index is *derived* from the store: it records the store
generation it was built at and rebuilds when that moves (lazily, on the next search, so a bulk
ingest costs one rebuild). Tokens are cached per chunk id, so a rebuild only tokenises new chunks
and the bm25s matrix build is the main cost (see evals/bench_retrieval.py for 100k-chunk timings).
"""
from __future__ import annotations

import os
import pickle
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

_TOKEN = re.compile(r"£?\d[\d,]*(?:\.\d+)?[a-z]*|[a-z]+(?:['’][a-z]+)*")
_STOP = frozenset("""a an and are as at be been but by for from had has have he her his i if in into is it its
of on or our she so than that the their them then there these they this those to was we were what when
where which who whom why will with would you your shall may""".split())


class _Stem:
    """English stemmer with a cache: corpus vocabularies repeat, stemming is the tokeniser's hot spot."""

    def __init__(self) -> None:
        import Stemmer  # PyStemmer
        self._stem = Stemmer.Stemmer("english").stemWord
        self._cache: dict[str, str] = {}

    def __call__(self, w: str) -> str:
        s = self._cache.get(w)
        if s is None:
            if len(self._cache) > 500_000:
                self._cache.clear()
            s = self._cache[w] = self._stem(w)
        return s


_stemmer: _Stem | None = None


def tokenize(text: str) -> list[str]:
    global _stemmer
    if _stemmer is None:
        _stemmer = _Stem()
    out: list[str] = []
    for m in _TOKEN.finditer(text.lower()):
        t = m.group(0)
        if t[0].isdigit() or t[0] == "£":
            t = t.lstrip("£").replace(",", "").rstrip(".")
            if t:
                out.append(t)
        else:
            t = t.replace("’", "'")
            if t.endswith("'s"):
                t = t[:-2]
            t = t.replace("'", "")   # O'Neill → oneill
            if t and t not in _STOP and len(t) > 1:
                out.append(_stemmer(t))
    return out


@dataclass(frozen=True)
class KeywordHit:
    chunk_id: str
    score: float


@dataclass
class _State:
    generation: int = -1
    vocab: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, np.ndarray] = field(default_factory=dict)   # chunk_id → token ids (cache)
    chunk_ids: list[str] = field(default_factory=list)           # row order of the BM25 matrix
    doc_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    # doc ids as small ints: np.isin over 100k object strings took ~300 ms per filtered query
    doc_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    doc_index: dict[str, int] = field(default_factory=dict)
    restricted: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    scores: dict | None = None                                    # bm25s sparse matrix arrays


class KeywordIndex:
    """Rows come from a callable so the index never reads the store's tables itself."""

    FILE = "bm25.pkl"

    def __init__(self, directory: Path):
        self.dir = directory
        self._state = _State()
        self._loaded = False
        self._lock = threading.RLock()
        self._model = None

    # ------------------------------------------------------------------ persistence
    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        path = self.dir / self.FILE
        if path.is_file():
            try:
                with path.open("rb") as f:
                    self._state = pickle.load(f)
                if not hasattr(self._state, "doc_codes"):   # written by an older version: rebuild
                    raise ValueError("old keyword index format")
                self._model = self._make_model(self._state)
            except Exception:   # a torn or old-format file is just a cache miss: rebuild from the store
                self._state = _State()

    def _save(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / f".{self.FILE}.{os.getpid()}.tmp"
        with tmp.open("wb") as f:
            pickle.dump(self._state, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.dir / self.FILE)   # atomic: readers see the old or the new index

    @property
    def generation(self) -> int:
        with self._lock:
            self._load()
            return self._state.generation

    def __len__(self) -> int:
        with self._lock:
            self._load()
            return len(self._state.chunk_ids)

    # ------------------------------------------------------------------ building
    def _ids(self, tokens: Iterable[str]) -> np.ndarray:
        vocab = self._state.vocab
        out = []
        for t in tokens:
            i = vocab.get(t)
            if i is None:
                i = vocab[t] = len(vocab)
            out.append(i)
        return np.asarray(out, dtype=np.int32)

    def prime(self, rows: Iterable[tuple[str, str]]) -> None:
        """Tokenise (chunk_id, header + text) ahead of the rebuild (e.g. during ingest)."""
        with self._lock:
            self._load()
            for cid, text in rows:
                self._state.tokens[cid] = self._ids(tokenize(text))

    def rebuild(self, generation: int, order: Sequence[tuple[str, str, bool]],
                fetch_text: "callable[[list[str]], dict[str, str]]") -> None:  # type: ignore[valid-type]
        """order: (chunk_id, doc_id, restricted) for every chunk in the store; fetch_text returns
        header + text for chunk ids the token cache lacks."""
        with self._lock:
            self._load()
            st = self._state
            live = {cid for cid, _, _ in order}
            for cid in [c for c in st.tokens if c not in live]:
                del st.tokens[cid]
            missing = [cid for cid, _, _ in order if cid not in st.tokens]
            if missing:
                texts = fetch_text(missing)
                for cid in missing:
                    st.tokens[cid] = self._ids(tokenize(texts.get(cid, "")))
            st.chunk_ids = [cid for cid, _, _ in order]
            st.doc_ids = np.asarray([d for _, d, _ in order], dtype=object)
            st.doc_index = {}
            for _, d, _ in order:
                st.doc_index.setdefault(d, len(st.doc_index))
            st.doc_codes = np.asarray([st.doc_index[d] for _, d, _ in order], dtype=np.int32)
            st.restricted = np.asarray([r for _, _, r in order], dtype=bool)
            st.generation = generation
            st.scores = None
            if st.chunk_ids:
                import bm25s
                model = bm25s.BM25()
                # our own vocabulary (append-only, so ids stay valid across rebuilds)
                model.index(([st.tokens[c].tolist() for c in st.chunk_ids], dict(st.vocab)),
                            create_empty_token=False, show_progress=False)
                st.scores = model.scores
            self._model = self._make_model(st)
            self._save()

    @staticmethod
    def _make_model(st: _State):  # type: ignore[no-untyped-def]
        if st.scores is None:
            return None
        import bm25s
        model = bm25s.BM25()
        model.scores = st.scores
        model.vocab_dict = st.vocab
        model.nonoccurrence_array = None   # only BM25L/BM25+ have one; we use the default (Lucene) variant
        return model

    # ------------------------------------------------------------------ search
    def search(self, query: str, k: int, *, allow_restricted: bool,
               doc_ids: Sequence[str] | None = None) -> list[KeywordHit]:
        with self._lock:
            self._load()
            st, model = self._state, self._model
        if model is None or k <= 0:
            return []
        q = [st.vocab[t] for t in dict.fromkeys(tokenize(query)) if t in st.vocab]
        n_vocab = len(st.scores["indptr"]) - 1
        q = [i for i in q if i < n_vocab]
        if not q:
            return []
        mask = None
        if not allow_restricted or doc_ids is not None:
            allowed = ~st.restricted if not allow_restricted else np.ones(len(st.chunk_ids), dtype=bool)
            if doc_ids is not None:
                codes = [st.doc_index[d] for d in doc_ids if d in st.doc_index]
                allowed &= np.isin(st.doc_codes, np.asarray(codes, dtype=np.int32))
            mask = allowed.astype(np.float32)
        scores = model.get_scores_from_ids(q, weight_mask=mask)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        # ties broken by row order so results are deterministic
        top = sorted(top.tolist(), key=lambda i: (-float(scores[i]), i))
        return [KeywordHit(st.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]
