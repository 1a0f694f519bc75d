"""Adding a record to data/ once it passes, and taking one back out."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, StorageError
from ..files import atomic_write
from ..graph import CareGraph, parse_turtle
from ..namespaces import RDF, RDFS
from ..project import RECORD_FOLDERS, Project
from .records import project_of, read_bytes, validate_records
from .report import Report, term_text

_TYPE = ox.NamedNode(RDF + "type")
_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
_DEFAULT = ox.DefaultGraph()

# --- adding a record -----------------------------------------------------------------------------------------


@dataclass
class AddOutcome:
    report: Report
    target: Path | None  # where the record was written; None when it did not conform


def folder_for(file: str | os.PathLike[str], graph: CareGraph) -> str:
    """The data/ folder a record belongs in, from the kind of its main node (a partnership → areas …)."""
    triples = parse_turtle(file)
    types = {t.object.value for t in triples if t.predicate == _TYPE and isinstance(t.object, ox.NamedNode)}
    ancestors: set[str] = set()
    frontier = set(types)
    while frontier:
        ancestors |= frontier
        following = set()
        for iri in frontier:
            for quad in graph.store.quads_for_pattern(ox.NamedNode(iri), _SUBCLASS, None, _DEFAULT):
                if isinstance(quad.object, ox.NamedNode):
                    following.add(quad.object.value)
        frontier = following - ancestors
    for kind, folder in RECORD_FOLDERS:
        if kind in ancestors:
            return folder
    raise InputError(
        f"{file}: cannot tell which folder of data/ this record belongs in",
        hint="name it with --folder, e.g. --folder areas (areas, organisations, contracts, sources …)",
    )


def add_record(
    file: str | os.PathLike[str],
    graph: CareGraph,
    *,
    folder: str | None = None,
    shapes=None,
    engine: str = "fast",
    sources: Sequence[str | os.PathLike[str]] = (),
    fail_on: str = "violation",
) -> AddOutcome:
    """Validate ``file`` in the context of ``graph``; only if no result reaches ``fail_on``, copy it into
    data/<folder>/ of the graph's project.

    The copy is atomic (a temporary file renamed into place) and never replaces an existing file; when the record
    fails nothing is written. The installed copy of caregraph is read-only: adding to it is refused (bad input)
    before anything is validated, naming where the record would have gone.
    """
    project = project_of(graph)
    source = Path(file)
    if source.suffix != ".ttl":
        raise InputError(f"{file}: a record is a Turtle file ending in .ttl")
    data = read_bytes(source)
    if project.read_only:
        project.writable(_target(project, source, folder, graph))
    report = validate_records([source], graph, shapes, engine=engine, sources=sources)
    if report.fails(fail_on):
        return AddOutcome(report, None)
    target = _target(project, source, folder, graph)
    if target.exists():
        raise InputError(
            f"{project.relative(target)} already exists; caregraph does not overwrite an existing record",
            hint="rename the file, or edit the existing record",
        )
    atomic_write(target, data, overwrite=False)
    return AddOutcome(report, target)


def _target(project: Project, source: Path, folder: str | None, graph: CareGraph) -> Path:
    chosen = folder or folder_for(source, graph)
    if Path(chosen).is_absolute() or ".." in Path(chosen).parts or not Path(chosen).parts:
        raise InputError(f"--folder {chosen}: name a folder inside data/, such as areas")
    return project.data_dir / chosen / source.name


@dataclass
class RemoveOutcome:
    target: Path
    removed: bool  # False when other records point at the file's nodes
    pointing: list[tuple[str, str, str]]  # (node, property, the file's node it points at), as CURIEs


def remove_record(file: str | os.PathLike[str], graph: CareGraph) -> RemoveOutcome:
    """Remove a record file from data/, unless other records point at the nodes it describes.

    The nodes a file describes are the subjects of its triples; a triple of the graph whose object is one of
    them and whose subject is not keeps the file in place (the outcome names every such triple).
    """
    project = project_of(graph)
    target = Path(file)
    if not target.is_absolute() and not target.exists():
        target = project.root / target
    target = target.resolve()
    try:
        inside = target.relative_to(project.data_dir.resolve())
    except ValueError:
        raise InputError(
            f"{file}: not a record of {project.data_dir}; remove only removes files under data/",
            hint="name the file as `caregraph add` printed it",
        ) from None
    if inside.parts[0] == "reference":
        raise InputError(f"{file}: the files of data/reference/ are generated; run caregraph import-reference")
    if not target.is_file():
        raise InputError(f"{file}: no such file in {project.data_dir}")
    project.writable(target)
    nodes = {t.subject for t in parse_turtle(target, display=project.relative(target))}
    pointing = sorted(
        {
            (term_text(q.subject), term_text(q.predicate), term_text(q.object))
            for node in nodes
            if not isinstance(node, ox.BlankNode)
            for q in graph.store.quads_for_pattern(None, None, node, _DEFAULT)
            if q.subject not in nodes
        }
    )
    if pointing:
        return RemoveOutcome(target, False, pointing)
    try:
        target.unlink()
    except OSError as error:
        raise StorageError(f"cannot remove {target}: {error.strerror or error}") from None
    return RemoveOutcome(target, True, [])
