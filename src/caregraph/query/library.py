"""The library of stored queries: the files ``queries/<slug>.rq``, each read and checked once while it is unchanged,
and their catalogue as ``queries/README.md`` shows it."""

from __future__ import annotations

from pathlib import Path

from ..errors import UnknownTermError
from .header import LIBRARY_FIELDS
from .prepared import Query, is_sparql


def library(queries_dir: str | Path | None = None) -> dict[str, Path]:
    """Slug → file of every stored query, sorted by slug (default folder: the project's ``queries/``)."""
    if queries_dir is None:
        from ..project import Project

        queries_dir = Project.locate().queries_dir
    return {path.stem: path for path in sorted(Path(queries_dir).glob("*.rq"))}


def catalogue(queries_dir: str | Path | None = None) -> str:
    """The stored queries as a Markdown table — topic (the first tag), query, question, parameters with their
    defaults — sorted by topic, as queries/README.md shows it (a test keeps that copy current)."""
    rows = []
    for slug in library(queries_dir):
        query = stored(slug, queries_dir)
        parameters = "<br>".join(
            f"`{p.name}` (optional)" if p.default == "UNDEF" else f"`{p.name}` = `{p.default}`"
            for p in query.parameters.values()
        )
        rows.append((query.tags[0] if query.tags else "", slug, query.question, parameters))
    lines = ["| topic | query | question | parameters (default) |", "|---|---|---|---|"]
    lines += [
        f"| {topic} | [`{slug}`]({slug}.rq) | {question} | {parameters} |"
        for topic, slug, question, parameters in sorted(rows)
    ]
    return "\n".join(lines) + "\n"


_STORED: dict[tuple[str, int, int], Query] = {}
"""Stored queries already read, by file, modification time and size: running a stored query again (in a loop, in
a notebook) skips reading and checking it, which took most of the time of a small query (bench/README.md)."""


def stored(name: str, queries_dir: str | Path | None = None) -> Query:
    """The stored query ``name``; an unknown name raises :class:`UnknownTermError` with the closest names."""
    if queries_dir is None:
        from ..project import Project

        queries_dir = Project.locate().queries_dir
    path = Path(queries_dir) / f"{name}.rq"
    try:  # a plain name, no folders: no need to list the library
        stat = path.stat() if path.name == f"{name}.rq" and path.is_file() else None
    except OSError:  # a name too long for a file name, say: then it is no stored query's
        stat = None
    if stat is not None:
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in _STORED:
            if len(_STORED) > 1000:
                _STORED.clear()
            _STORED[key] = Query.from_file(path, slug=name, display=f"queries/{path.name}", require=LIBRARY_FIELDS)
        return _STORED[key]
    queries = library(queries_dir)
    if name not in queries:
        import difflib

        close = difflib.get_close_matches(name, queries, n=3, cutoff=0.5)
        close += [slug for slug in queries if name.lower() in slug and slug not in close][: 3 - len(close)]
        error = UnknownTermError("stored query", name, close)
        error.hint = "`caregraph queries` lists the stored queries"
        raise error
    path = queries[name]
    return Query.from_file(path, slug=name, display=f"queries/{path.name}", require=LIBRARY_FIELDS)


def resolve(query: str | Path | Query, queries_dir: str | Path | None = None) -> Query:
    """A :class:`Query` from a Query, SPARQL text, a path to a ``.rq`` file, or a stored query's name."""
    if isinstance(query, Query):
        return query
    if isinstance(query, Path):
        return Query.from_file(query)
    if is_sparql(query):
        return Query.from_text(query, "<query>")
    if query.endswith(".rq") or "/" in query:
        return Query.from_file(query)
    return stored(query, queries_dir)
