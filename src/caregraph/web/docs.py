"""``caregraph docs``: the vocabulary, entity and source pages written as static HTML, for publishing.

The pages are those the web server shows (same templates, same queries), with relative links between them so the
folder can be put on any web server or opened from disk: ``def/T.html``, ``id/X.html``, ``sources/X.html``, the
indexes ``def/index.html`` and ``sources/index.html``, and ``index.html``. Every list is written whole.

Writing is atomic: the pages go to a new folder beside the target, which replaces the target only once complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from ..errors import StorageError
from ..namespaces import CG, CGD, RDF
from . import describe
from .render import STYLESHEET, Site

# Claims and quotations are shown where they belong (on the page of what they are about, on their source's page)
# rather than each on a page of its own, which would be most of the pages and say nothing more.
_SHOWN_ELSEWHERE = (CG + "Claim", CG + "Quotation")


def entities(graph) -> list[str]:
    """The local names of the entities that get a page: every caregraph IRI the graph mentions, except claims,
    quotations and sources (which have source pages)."""
    rdf_type = ox.NamedNode(RDF + "type")
    hidden = {
        q.subject.value
        for kind in _SHOWN_ELSEWHERE
        for q in graph.store.quads_for_pattern(None, rdf_type, ox.NamedNode(kind), ox.DefaultGraph())
    }
    named = set()
    for quad in graph.store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(CGD):
                named.add(term.value)
    sources = {s["source"] for s in describe.sources(graph)}
    return sorted(iri[len(CGD) :] for iri in named - hidden - sources)


def write(
    graph, output: str | os.PathLike[str], *, progress: Callable[[str], None] = lambda message: None
) -> dict[str, int]:
    """Write every page of ``graph`` into the folder ``output`` (replacing it); returns the pages written per kind."""
    target = Path(output)
    site = Site(graph, static=True)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    except OSError as error:
        raise StorageError(f"cannot write {target}: {error.strerror or error}") from error
    try:
        counts = _write_pages(site, staging, progress)
        _replace(staging, target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise StorageError(f"cannot write {target}: {error.strerror or error}") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return counts


def _write_pages(site: Site, folder: Path, progress: Callable[[str], None]) -> dict[str, int]:
    def page(path: str, html: str) -> None:
        (folder / path).write_text(html, encoding="utf-8")

    for sub in ("def", "id", "sources", "static"):
        (folder / sub).mkdir()
    shutil.copyfile(STYLESHEET, folder / "static" / STYLESHEET.name)
    page("index.html", site.index())
    terms = site.known(CG)  # classes and properties, and the concepts of caregraph's schemes
    sources = [s["source"][len(CGD) :] for s in site.sources]
    names = entities(site.graph)
    site.published = {f"def/{t}" for t in terms} | {f"sources/{s}" for s in sources} | {f"id/{n}" for n in names}
    page("def/index.html", site.vocabulary())
    for name in terms:
        page(f"def/{name}.html", site.term(name))
    progress(f"wrote {len(terms)} vocabulary pages")
    page("sources/index.html", site.source_index())
    for local in sources:
        page(f"sources/{local}.html", site.source(local))
    progress(f"wrote {len(sources)} source pages")
    for number, local in enumerate(names, start=1):
        page(f"id/{local}.html", site.entity(local))
        if number % 1000 == 0:
            progress(f"wrote {number} of {len(names)} entity pages")
    progress(f"wrote {len(names)} entity pages")
    return {"terms": len(terms), "sources": len(sources), "entities": len(names)}


def _replace(staging: Path, target: Path) -> None:
    """Put the complete folder in place of ``target``: readers see the old pages or the new, never a mixture."""
    os.chmod(staging, 0o755)  # mkdtemp makes the folder private; published pages are for everyone
    if not target.exists():
        staging.rename(target)
        return
    if not target.is_dir():
        raise NotADirectoryError(f"{target} is a file, not a folder")
    old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old."))
    old.rmdir()
    target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)
