"""The `cllr` command. Each subcommand is a thin shell over a module that does the work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cllr.offline import ensure_offline

if TYPE_CHECKING:
    from cllr.settings import Settings

ensure_offline()

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="cllr: answers over council committee papers, cited to item and page.",
)


def _settings(data_dir: Optional[Path]):
    from cllr.settings import Settings

    return Settings(data_dir=data_dir) if data_dir else Settings()


DataDir = Annotated[Optional[Path], typer.Option("--data-dir", help="overrides CLLR_DATA_DIR")]


@app.command()
def inspect(  # noqa: C901
    file: Path,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    data_dir: DataDir = None,
) -> None:
    """Print the structure recovered from one paper (nothing is stored)."""
    from ingest.errors import IngestError
    from ingest.pipeline import parse_file

    try:
        doc = parse_file(file, _settings(data_dir))
    except IngestError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(1) from None
    out = doc.to_inspect_json()
    if as_json:
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    typer.echo(
        f"{out['source']}  {out['doc_type']}  {out['council'] or '-'} · {out['committee'] or '-'} · "
        f"{out['meeting_date'] or '-'}\n  {out['title']}"
    )
    if out["meeting_time"] or out["venue"]:
        typer.echo(f"  at {out['meeting_time'] or '-'}, {out['venue'] or '-'}")
    for note in out["unsure"]:  # a field left empty because the paper did not say it clearly
        typer.echo(f"  unsure: {note}")
    typer.echo(
        f"  {len(out['pages'])} pages, {len(out['items'])} items, {len(out['minutes'])} minutes, "
        f"{len(out['judgements'])} judgements, {out['chunks']} chunks; {len(out['votes'])} votes, "
        f"{len(out['attendance'])} attendance, {len(out['declarations'])} declarations"
    )
    ocrd = [p for p in out["pages"] if p["ocr"]]
    if ocrd:
        low = [p["pdf_page"] for p in ocrd if p["low_confidence"]]
        typer.echo(f"  {len(ocrd)} pages read by OCR" + (f"; low confidence on pages {low}" if low else ""))
    if out["inspection"]:
        i = out["inspection"]
        typer.echo(
            f"  inspection: {i['kind'] or '-'} of {i['authority'] or '-'}, {i['start_date'] or '-'} to "
            f"{i['end_date'] or '-'}, lead inspector {i['lead_inspector'] or '-'}"
        )
    for i in out["items"]:
        typer.echo(
            f"  item {i['number']}: {i['title']}  pages {i['page_labels']} -> pdf {i['pdf_pages']}"
            + ("  [restricted]" if i["restricted"] else "")
        )
    for m in out["minutes"]:
        typer.echo(f"  minute {m['number']}: {m['title']}  pdf {m['pdf_pages']}  resolved: {len(m['resolved'])}")
    for j in out["judgements"]:
        typer.echo(f"  judgement: {j['area']} -> {j['grade']}")
    for v in out["votes"]:
        typer.echo(
            f"  vote (minute {v['minute'] or '-'}, pdf {v['pdf_page']}): for {v['for_count']}, "
            f"against {v['against_count']}, abstain {v['abstain_count']}"
            + (f", {v['outcome']}" if v['outcome'] else "")
        )
    for d in out["declarations"]:
        typer.echo(f"  declaration (minute {d['minute'] or '-'}, pdf {d['pdf_page']}): {d['member']}: {d['interest']}")


def _say_embedding(settings: Settings) -> None:
    """Which backend embeds what on this CPU (index/cpu.py), on stderr: a person should know."""
    from index.embedder import describe_choice

    typer.echo(describe_choice(settings.embed_backend, settings.embed_bulk_backend), err=True)


@app.command()
def ingest(paths: list[Path], data_dir: DataDir = None) -> None:
    """Ingest papers (files or folders) into the data directory and index them for search."""
    from index.library import Library
    from rich.progress import Progress

    settings = _settings(data_dir)
    library = Library(settings)
    files = library.expand_paths(paths)
    _say_embedding(settings)
    failed = 0
    with Progress(transient=True) as progress:
        task = progress.add_task("ingesting", total=len(files))
        # later files parse in the parse worker while this one embeds (and the model loads meanwhile)
        for result in library.ingest_files(files):
            progress.console.print(result.summary())
            failed += result.status == "failed"
            progress.advance(task)
    library.refresh_keyword()  # build BM25 now, once, rather than on the first search
    if failed:
        typer.echo(f"{failed} of {len(files)} files failed", err=True)
        raise typer.Exit(2)


@app.command()
def search(
    query: str,
    committee: Annotated[Optional[str], typer.Option()] = None,
    council: Annotated[Optional[str], typer.Option()] = None,
    date_from: Annotated[Optional[str], typer.Option("--from")] = None,
    date_to: Annotated[Optional[str], typer.Option("--to")] = None,
    doc_type: Annotated[Optional[str], typer.Option("--type")] = None,
    k: Annotated[int, typer.Option("-k")] = 10,
    role: Annotated[str, typer.Option(help="public, member, officer or admin")] = "officer",
    as_json: Annotated[bool, typer.Option("--json")] = False,
    data_dir: DataDir = None,
) -> None:
    """Hybrid search: ranked passages with source, item/minute, printed page and PDF page."""
    from index.library import Library
    from index.filters import FilterError, SearchFilters

    library = Library(_settings(data_dir))
    try:
        filters = SearchFilters.parse(
            council=council, committee=committee, date_from=date_from, date_to=date_to, doc_type=doc_type
        )
        hits = library.search(query, filters=filters, role=role, k=k)
    except FilterError as e:  # a mistyped date or role: say so, no traceback
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps([h.to_json() for h in hits], indent=2, ensure_ascii=False))
        return
    for rank, h in enumerate(hits, 1):
        typer.echo(h.describe(rank))


@app.command()
def decisions(
    query: Annotated[str, typer.Argument(help="a topic, e.g. \"school transport\"; empty lists all")] = "",
    committee: Annotated[Optional[str], typer.Option()] = None,
    council: Annotated[Optional[str], typer.Option()] = None,
    date_from: Annotated[Optional[str], typer.Option("--from")] = None,
    date_to: Annotated[Optional[str], typer.Option("--to")] = None,
    outcome: Annotated[
        Optional[str], typer.Option(help="agreed, amended, deferred, refused, noted or recommended")
    ] = None,
    timeline: Annotated[
        bool, typer.Option("--timeline", help="what has been decided about the topic, oldest first, one line each")
    ] = False,
    limit: Annotated[int, typer.Option("-n", "--limit")] = 20,
    role: Annotated[str, typer.Option(help="public, member, officer or admin")] = "officer",
    as_json: Annotated[bool, typer.Option("--json")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV for a spreadsheet or a report")] = False,
    data_dir: DataDir = None,
) -> None:
    """The decision register: decisions on a topic, ranked, each cited to its minute and page."""
    from index.filters import FilterError
    from index.library import Library

    library = Library(_settings(data_dir))
    try:
        if timeline:
            steps = library.decision_timeline(
                query,
                committee=committee,
                council=council,
                date_from=date_from,
                date_to=date_to,
                role=role,
                limit=limit,
            )
        else:
            hits = library.decisions(
                query,
                committee=committee,
                council=council,
                date_from=date_from,
                date_to=date_to,
                outcome=outcome,
                role=role,
                limit=limit,
            )
    except FilterError as e:  # a mistyped date, role or outcome: say so, no traceback
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    if timeline:
        if as_json:
            typer.echo(json.dumps([s.to_json() for s in steps], indent=2, ensure_ascii=False))
        elif not steps:
            typer.echo("No decisions on this in the papers.")
        for s in steps if not as_json else []:
            r = s.record
            typer.echo(f"{r.meeting_date or 'undated'}  {r.line()}\n    [{r.cite}; {r.source}]")
        return
    if as_csv:
        from index.decisions import to_csv

        typer.echo(to_csv([h.record.to_json() for h in hits]), nl=False)
    elif as_json:
        typer.echo(json.dumps([h.to_json() for h in hits], indent=2, ensure_ascii=False))
    else:
        for rank, h in enumerate(hits, 1):
            r = h.record
            vote = f"  vote {r.vote['for']}-{r.vote['against']}-{r.vote['abstain']}" if r.vote else ""
            typer.echo(
                f"{rank:>2}. {r.cite}  [{r.outcome}]{vote}{'  [Part II]' if r.restricted else ''}\n"
                f"    {r.minute_title}: {' '.join(r.text.split())[:300]}\n    {r.source}"
            )


@app.command()
def brief(
    target: Annotated[
        str,
        typer.Argument(
            metavar="PACK.pdf|MEETING_ID", help="a paper (ingested first) or a meeting id, e.g. 2025-01-30-cabinet"
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", help="md, json or html (a printable page)")] = "md",
    role: Annotated[str, typer.Option(help="public, member, officer or admin")] = "officer",
    data_dir: DataDir = None,
) -> None:
    """A meeting's briefing: each item's pages, author, purpose, recommendations as printed, key
    figures, Part II flag and earlier decisions, every line cited to its page and item."""
    from index.library import Library
    from service.briefing.command import BriefError, brief as make_brief

    library = Library(_settings(data_dir))
    try:
        typer.echo(make_brief(library, target, fmt=fmt, role=role))
    except BriefError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    finally:
        library.close()


@app.command()
def ask(
    question: str,
    conversation: Annotated[Optional[str], typer.Option("--conversation")] = None,
    role: Annotated[str, typer.Option()] = "officer",
    as_json: Annotated[bool, typer.Option("--json")] = False,
    data_dir: DataDir = None,
) -> None:
    """Answer a question from the papers, with citations (or say the papers don't cover it)."""
    import logging
    from service.engine import build_engine

    # The engine logs a fallback for servers' logs; here the one line below says it instead.
    logging.getLogger("cllr.service.engine").addHandler(logging.NullHandler())
    engine = build_engine(_settings(data_dir))
    result = engine.ask(question, conversation_id=conversation, role=role)
    if result.fallback_reason:
        typer.echo(f"note: answered without the language model: {result.fallback_reason}", err=True)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return
    typer.echo(result.answer)
    for c in result.citations:
        typer.echo(f"  - {c.describe()}")
    typer.echo(f"(conversation {result.conversation_id})")


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    data_dir: DataDir = None,
) -> None:
    """Run the HTTP service (API + chat widget) over the data directory."""
    import uvicorn
    from service.app import create_app
    from service.server import uvicorn_options

    settings = _settings(data_dir)
    _say_embedding(settings)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", **uvicorn_options(settings))


db_app = typer.Typer(no_args_is_help=True, help="The database schema (Alembic migrations).")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDir = None) -> None:
    """Migrate CLLR_DATABASE_URL to the current schema (the service also does this at startup;
    safe to run while other processes start)."""
    from index.migrate import upgrade

    typer.echo(f"database at revision {upgrade(_settings(data_dir).sqlalchemy_url)}")


@db_app.command("current")
def db_current(data_dir: DataDir = None) -> None:
    """Print the database's schema revision and the newest one this cllr knows."""
    from sqlalchemy import create_engine
    from index.migrate import current, head

    engine = create_engine(_settings(data_dir).sqlalchemy_url)
    with engine.connect() as conn:
        typer.echo(f"current {current(conn) or '(none)'}  head {head()}")
    engine.dispose()


import_app = typer.Typer(no_args_is_help=True, help="Import papers from a council's publishing system.")
app.add_typer(import_app, name="import")


@import_app.command("moderngov")
def import_moderngov(
    base_url: Annotated[str, typer.Option("--base-url", help="site root serving mgWebService.asmx")],
    committee: Annotated[Optional[str], typer.Option(help="committee id or title (default: all)")] = None,
    date_from: Annotated[Optional[str], typer.Option("--from", help="YYYY-MM-DD (default: a year ago)")] = None,
    date_to: Annotated[Optional[str], typer.Option("--to", help="YYYY-MM-DD (default: today)")] = None,
    interval: Annotated[
        Optional[float],
        typer.Option(help="seconds between requests to the site (default CLLR_MODERNGOV_INTERVAL_S, 1)"),
    ] = None,
    timeout: Annotated[
        Optional[float], typer.Option(help="seconds to wait for one answer (default CLLR_MODERNGOV_TIMEOUT_S, 120)")
    ] = None,
    retries: Annotated[
        Optional[int],
        typer.Option(help="further tries after a timeout, 429 or 5xx (default CLLR_MODERNGOV_RETRIES, 4)"),
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="ask again for meetings already imported with their minutes")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Download and index a ModernGov site's papers, minutes and decisions (incremental: a re-run
    fetches only what is new, and carries on where a stopped run left off)."""
    from datetime import date
    from index.library import Library
    from index.moderngov.client import ModernGovError
    from index.moderngov.importer import import_moderngov as run

    try:
        d_from = date.fromisoformat(date_from) if date_from else None
        d_to = date.fromisoformat(date_to) if date_to else None
    except ValueError as e:
        typer.echo(f"error: {e} (dates are YYYY-MM-DD)", err=True)
        raise typer.Exit(2) from None
    library = Library(_settings(data_dir))
    try:
        report = run(
            library,
            base_url,
            committee=committee,
            date_from=d_from,
            date_to=d_to,
            refresh=refresh,
            min_interval_s=interval,
            timeout_s=timeout,
            retries=retries,
            log=typer.echo,
        )
    except ModernGovError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(1) from None
    typer.echo(report.summary())
    if report.failed:
        raise typer.Exit(2)


# add_help_option=False: `--help` must reach the runner's argparse, which knows the options.
@app.command(
    name="eval", add_help_option=False, context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def eval_(ctx: typer.Context) -> None:
    """Run gold questions through the answer engine and score them (see `cllr eval --help`)."""
    from evals.runner import main

    raise typer.Exit(main(ctx.args))


@app.command(
    name="bench", add_help_option=False, context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def bench(ctx: typer.Context) -> None:
    """Ingest and query speed, cllr beside the plain llama-index pipeline (see `cllr bench --help`)."""
    from evals.bench import main

    raise typer.Exit(main(ctx.args))


if __name__ == "__main__":
    app()
