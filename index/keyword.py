"""BM25 keyword search (bm25s) over each chunk's header + text, persisted beside the vectors.

Councillors search for minute numbers ("394"), money ("£1.9m", "2,250,900") and names as often as
for topics, so the tokeniser keeps those whole: numbers lose their thousands commas and the pound
sign (both spellings then match), decimals and suffixes stay ("1.9m", "7a", "2.1"), words are
lower-cased and stemmed (PyStemmer, English) with stopwords dropped.

bm25s has no incremental update, so the index is *derived* from the store: it records the store
generation it was built at and rebuilds when that moves (lazily, on the next search, so a bulk
ingest costs one rebuild). Tokens are cached per chunk id, so a rebuild only tokenises new chunks.

Memory (a serving process at 100k chunks must stay under 1.5 GB): the token cache lives in its own
file (`bm25-tokens.pkl`: one flat int32 array + offsets) that only a rebuild reads, so a process
that just searches holds the score matrix, the row ids and the filter codes, not every chunk's
tokens (~70 MB at 100k as per-chunk arrays). The matrix is built in numpy from the flat arrays,
bit-for-bit what `bm25s.BM25.index` builds (tests/index/test_keyword.py) without its list of lists
of Python ints (~0.5 GB at 100k chunks).
"""

from __future__ import annotations

import math
import os
import pickle
import re
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

_TOKEN = re.compile(r"£?\d[\d,]*(?:\.\d+)?[a-z]*|[a-z]+(?:['’][a-z]+)*")
_STOP = frozenset(
    """a an and are as at be been but by for from had has have he her his i if in into is it its
of on or our she so than that the their them then there these they this those to was we were what when
where which who whom why will with would you your shall may""".split()
)


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
            t = t.replace("'", "")  # O'Neill → oneill
            if t and t not in _STOP and len(t) > 1:
                out.append(_stemmer(t))
    return out


@dataclass(frozen=True)
class KeywordHit:
    chunk_id: str
    score: float


FORMAT = 2  # 1: tokens inside the state (per-chunk arrays); 2: tokens in their own file


@dataclass
class _State:
    generation: int = -1
    version: int = FORMAT
    stamp: str = ""  # names the token cache file written with this state (same vocabulary)
    vocab: dict[str, int] = field(default_factory=dict)
    chunk_ids: list[str] = field(default_factory=list)  # row order of the BM25 matrix
    # doc ids as small ints: np.isin over 100k object strings took ~300 ms per filtered query
    doc_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    doc_index: dict[str, int] = field(default_factory=dict)
    restricted: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    scores: dict | None = None  # bm25s sparse matrix arrays


class KeywordIndex:
    """Rows come from a callable so the index never reads the store's tables itself."""

    FILE = "bm25.pkl"
    TOKENS = "bm25-tokens.pkl"

    def __init__(self, directory: Path):
        self.dir = directory
        self._state = _State()
        self._pending: dict[str, np.ndarray] = {}  # primed since the last rebuild: chunk_id → token ids
        self._loaded = False
        self._lock = threading.RLock()
        self._model = None
        self._restricted_only: tuple[str, frozenset[str]] | None = None  # (state stamp, terms)

    # ------------------------------------------------------------------ persistence
    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        path = self.dir / self.FILE
        if path.is_file():
            try:
                with path.open("rb") as f:
                    st = pickle.load(f)
                if vars(st).get("version", 1) != FORMAT:  # (the class default would hide its absence)
                    # older format: keep its vocabulary and cached tokens, rebuild the rest
                    old_tokens = getattr(st, "tokens", None) or {}
                    if not hasattr(st, "doc_codes") or not isinstance(old_tokens, dict):
                        raise ValueError("old keyword index format")
                    self._state = _State(vocab=st.vocab)
                    self._pending.update(old_tokens)
                    return
                self._state = st
                self._model = self._make_model(self._state)
            except Exception:  # a torn or old-format file is just a cache miss: rebuild from the store
                self._state = _State()
                self._pending.clear()

    def _write(self, name: str, obj: object) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / f".{name}.{os.getpid()}.tmp"
        with tmp.open("wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.dir / name)  # atomic: readers see the old or the new file

    def _save(self) -> None:
        self._write(self.FILE, self._state)

    def _read_tokens(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The token cache file: (chunk ids, flat token ids, offsets); empty when absent or torn."""
        try:
            with (self.dir / self.TOKENS).open("rb") as f:
                got = pickle.load(f)
            ids, flat, offsets = got["ids"], got["flat"], got["offsets"]
            # token ids mean something only with the vocabulary they were written with: a file from
            # another state (another process's rebuild, or a crash between the two writes) is a miss
            if got.get("stamp") != self._state.stamp or not self._state.stamp or len(offsets) != len(ids) + 1:
                raise ValueError("token cache of another state")
            return ids, flat, offsets
        except Exception:
            return [], np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64)

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
                self._pending[cid] = self._ids(tokenize(text))

    def rebuild(
        self,
        generation: int,
        order: Sequence[tuple[str, str, bool]],
        fetch_text: Callable[[list[str]], dict[str, str]],
    ) -> None:
        """order: (chunk_id, doc_id, restricted) for every chunk in the store; fetch_text returns
        header + text for chunk ids the token cache lacks."""
        with self._lock:
            self._load()
            st = self._state
            ids = [cid for cid, _, _ in order]
            flat, offsets = self._tokens_for(ids, fetch_text)
            st.chunk_ids = ids
            st.doc_index = {}
            for _, d, _ in order:
                st.doc_index.setdefault(d, len(st.doc_index))
            st.doc_codes = np.asarray([st.doc_index[d] for _, d, _ in order], dtype=np.int32)
            st.restricted = np.asarray([r for _, _, r in order], dtype=bool)
            st.generation = generation
            st.version = FORMAT
            st.stamp = uuid.uuid4().hex
            st.scores = bm25_matrix(flat, offsets, len(st.vocab)) if ids else None
            self._model = self._make_model(st)
            # tokens first, then the state naming them
            self._write(self.TOKENS, {"stamp": st.stamp, "ids": ids, "flat": flat, "offsets": offsets})
            self._save()
            self._pending.clear()

    def _tokens_for(self, ids: list[str], fetch_text) -> tuple[np.ndarray, np.ndarray]:
        """Token ids of `ids` in that order, as (flat int32, offsets): from the primed tokens, the
        cache file, or by tokenising the store's text of the rest."""
        old_ids, old_flat, old_off = self._read_tokens()
        if old_ids == ids and not self._pending:  # nothing moved (e.g. a second process)
            return old_flat, old_off
        where = {cid: i for i, cid in enumerate(old_ids)}
        missing = [cid for cid in ids if cid not in self._pending and cid not in where]
        if missing:
            texts = fetch_text(missing)
            for cid in missing:
                self._pending[cid] = self._ids(tokenize(texts.get(cid, "")))
        lengths = np.empty(len(ids), dtype=np.int64)
        for n, cid in enumerate(ids):
            p = self._pending.get(cid)
            lengths[n] = len(p) if p is not None else old_off[where[cid] + 1] - old_off[where[cid]]
        offsets = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        flat = np.empty(int(offsets[-1]), dtype=np.int32)
        for n, cid in enumerate(ids):
            p = self._pending.get(cid)
            if p is None:
                i = where[cid]
                p = old_flat[old_off[i] : old_off[i + 1]]
            flat[offsets[n] : offsets[n + 1]] = p
        return flat, offsets

    @staticmethod
    def _make_model(st: _State):
        if st.scores is None:
            return None
        import bm25s

        model = bm25s.BM25()
        model.scores = st.scores
        model.vocab_dict = st.vocab
        model.nonoccurrence_array = None  # only BM25L/BM25+ have one; we use the default (Lucene) variant
        return model

    def restricted_only_terms(self) -> frozenset[str]:
        """Terms (as `tokenize` makes them) that occur in restricted passages and in no open one:
        a supplier's name in a Part II report, a tender price. No text a public caller may read
        holds one, so the service's release check treats one in a public response as a leak."""
        with self._lock:
            self._load()
            st = self._state
            cached = self._restricted_only
            if cached is not None and cached[0] == st.stamp:
                return cached[1]
            terms: frozenset[str] = frozenset()
            if st.scores is not None and bool(st.restricted.any()):
                indptr, indices = st.scores["indptr"], st.scores["indices"]
                # per token (a CSC column): how many of the passages holding it are open
                opened = np.concatenate([[0], np.cumsum(~st.restricted[indices], dtype=np.int64)])
                open_count = opened[indptr[1:]] - opened[indptr[:-1]]
                total = np.diff(indptr)
                only = set(np.flatnonzero((open_count == 0) & (total > 0)).tolist())
                terms = frozenset(t for t, i in st.vocab.items() if i in only)
            self._restricted_only = (st.stamp, terms)
            return terms

    # ------------------------------------------------------------------ search
    def search(
        self, query: str, k: int, *, allow_restricted: bool, doc_ids: Sequence[str] | None = None
    ) -> list[KeywordHit]:
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


def bm25_matrix(flat: np.ndarray, offsets: np.ndarray, n_vocab: int) -> dict:
    """The score matrix `bm25s.BM25().index((token id lists, vocab), create_empty_token=False)` builds
    (Lucene BM25, its k1 and b, float32, CSC by token), computed with the same operations in the same
    precision but over flat arrays: bm25s takes a list of lists of Python ints and counts per document."""
    import bm25s

    cfg = bm25s.BM25()
    k1, b = cfg.k1, cfg.b
    n_docs = len(offsets) - 1
    lengths = np.diff(offsets)
    avg_doc_len = lengths.mean()
    # (document, token) pairs and their counts, a block of documents at a time (bounded memory)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for a in range(0, n_docs, 8192):
        z = min(a + 8192, n_docs)
        rows = np.repeat(np.arange(a, z, dtype=np.int64), lengths[a:z])
        pairs, counts = np.unique(rows * n_vocab + flat[offsets[a] : offsets[z]], return_counts=True)
        parts.append(((pairs // n_vocab).astype(np.int32), (pairs % n_vocab).astype(np.int32), counts.astype(np.int32)))
    doc_idx = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int32)
    voc_idx = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int32)
    tf = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.int32)
    del parts
    df = np.bincount(voc_idx, minlength=n_vocab)
    idf = np.zeros(n_vocab, dtype=np.float32)
    for t in np.flatnonzero(df).tolist():  # math.log, as bm25s (np.log may differ in the last bit)
        idf[t] = math.log(1 + (n_docs - int(df[t]) + 0.5) / (int(df[t]) + 0.5))
    # per document, as bm25s: k1 * ((1 - b) + b * l_d / l_avg) in float64, tf as float32
    norm = k1 * ((1 - b) + (b * lengths.astype(np.float64)) / avg_doc_len)
    tf32 = tf.astype(np.float32)
    scores = (idf[voc_idx] * (tf32 / (norm[doc_idx] + tf32))).astype(np.float32)
    data, indices, indptr = bm25s.BM25._np_csc(data=scores, rows=doc_idx, cols=voc_idx, shape=(n_docs, n_vocab))
    return {"data": data.astype(np.float32), "indices": indices, "indptr": indptr, "num_docs": n_docs}
