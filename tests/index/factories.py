"""Hand-built ParsedDocuments: the index tests don't depend on the PDF parser."""

from __future__ import annotations

import hashlib
from datetime import date

from ingest.models import AgendaItem, Chunk, Judgement, Minute, Page, ParsedDocument

# (item, minute, restricted, pdf_page, text)
Section = tuple[str | None, str | None, bool, int, str]


def make_doc(
    source: str,
    sections: list[Section],
    *,
    committee: str = "Children's Select Committee",
    council: str = "Wiltshire Council",
    meeting_date: date | None = date(2017, 12, 19),
    doc_type: str = "minutes",
    version: str = "",
    judgements: list[Judgement] | None = None,
    restricted: bool = False,
) -> ParsedDocument:
    payload = (source + version + repr(sections) + committee + str(meeting_date)).encode()
    sha = hashlib.sha256(payload).hexdigest()
    doc_id = sha[:16]
    pages = sorted({s[3] for s in sections})
    chunks = []
    for n, (item, minute, restr, page, text) in enumerate(sections):
        header = f"{committee} · {meeting_date} · " + (f"minute {minute}" if minute else f"item {item}")
        chunks.append(
            Chunk(
                chunk_id=f"{doc_id}-{n:04d}",
                doc_id=doc_id,
                source=source,
                seq=n,
                text=text,
                header=header,
                pdf_pages=[page],
                page_labels=[str(page + 10)],
                token_count=len(text.split()),
                item=item,
                item_title=f"Item {item}" if item else None,
                minute=minute,
                minute_title=f"Minute {minute}" if minute else None,
                restricted=restr or restricted,
                doc_type=doc_type,
                council=council,
                committee=committee,
                meeting_date=meeting_date.isoformat() if meeting_date else None,
            )
        )
    items = [
        AgendaItem(number=i, title=f"Item {i}", page_labels=(str(p + 10), str(p + 10)), pdf_pages=(p, p), restricted=r)
        for i, r, p in dict.fromkeys((s[0], s[2], s[3]) for s in sections if s[0])
    ]
    minutes = [
        Minute(
            number=m,
            title=f"Minute {m}",
            pdf_pages=(p, p),
            resolved=[f"Resolved: {t[:60]}"],
            resolved_pages=[p],
            agenda_item=i,
        )
        for i, m, _, p, t in sections
        if m
    ]
    return ParsedDocument(
        doc_id=doc_id,
        source=source,
        sha256=sha,
        doc_type=doc_type,
        title=f"{committee} {source}",
        council=council,
        committee=committee,
        meeting_date=meeting_date,
        pages=[Page(p, str(p + 10), " ".join(s[4] for s in sections if s[3] == p)) for p in pages],
        items=items,
        minutes=minutes,
        judgements=judgements or [],
        chunks=chunks,
        restricted=restricted,
    )


CARE = make_doc(
    "care.pdf",
    [
        ("5", "390", False, 1, "The committee noted the number of looked after children had risen to 420."),
        ("6", "391", False, 2, "Foster carer recruitment: the fostering service recruited 24 new households."),
        (
            "7",
            "394",
            False,
            3,
            "School Places Strategy 2017-2022 was approved with capital of £1.9m and 2,250,900 pupils.",
        ),
        ("8", "395", True, 4, "Exempt: the contract award to Acme Transport Ltd for home to school transport."),
    ],
)
TRANSPORT = make_doc(
    "transport.pdf",
    [
        ("3", None, False, 1, "Home to school transport policy consultation closes in March."),
        ("4", None, False, 2, "Councillor Jane O'Neill asked about the cost of bus passes for students."),
    ],
    committee="Cabinet",
    meeting_date=date(2018, 3, 6),
    doc_type="agenda_pack",
)
