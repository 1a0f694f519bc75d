"""Where caregraph's files are: the ontology, the data, the shapes, the checks and the stored queries.

A *project* is a folder laid out like the caregraph repository::

    ontology/*.ttl          the vocabulary (one file per topic)
    ontology/shapes/*.ttl   SHACL shapes
    ontology/checks/*.rq    quality checks
    data/**/*.ttl           the facts, each attested by a source; a record's folder follows its kind
                            (:data:`RECORD_FOLDERS`: areas/, organisations/, contracts/, sources/)
    data/reference/         copies of the reference data files the importer reads, and the Turtle it writes
    queries/*.rq            stored queries

The project in use is, in order: the ``--root`` option or ``CAREGRAPH_ROOT``; the caregraph checkout that contains
the current folder (found as git finds its repository: this folder, then each parent in turn); else the copy the
installed package carries (inside the wheel, or the checkout of an editable install). That last copy is
*read-only*: it belongs to the installation, a reinstall replaces it, and a record written there would be lost,
so `add` and `remove` refuse it and say how to choose a project. Source documents, which caregraph quotes but does
not redistribute, are found through ``--sources``, ``CAREGRAPH_SOURCES`` or ``../shared/sources`` beside the
project.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError
from .namespaces import CG, ORG

_PACKAGE_DIR = Path(__file__).resolve().parent

RECORD_FOLDERS = (
    (CG + "Partnership", "areas"),
    (ORG + "OrganizationalCollaboration", "areas"),
    (ORG + "Organization", "organisations"),
    (ORG + "FormalOrganization", "organisations"),
    (ORG + "OrganizationalUnit", "organisations"),
    (CG + "Agreement", "contracts"),
    (CG + "FinancialArrangement", "contracts"),
    (CG + "Procurement", "contracts"),
    (CG + "Commitment", "contracts"),
    (CG + "SourceDocument", "sources"),
    (CG + "ReferenceDataset", "sources"),
)
"""Where `caregraph add` files a record under data/, by the kind of its main node (checked in this order)."""


def is_checkout(folder: Path) -> bool:
    """Whether ``folder`` is the root of a caregraph project: it holds the ontology's root file and a data/ folder."""
    return (folder / "ontology" / "caregraph.ttl").is_file() and (folder / "data").is_dir()


class Project:
    """A project folder, compared by its root.

    A plain class, not a dataclass: every command locates its project, and importing dataclasses (with inspect
    behind it) made a sixth of a command-line query's start-up (bench/README.md).
    """

    __slots__ = ("root", "read_only")

    def __init__(self, root: Path, *, read_only: bool = False) -> None:
        self.root = root
        self.read_only = read_only  # the installed copy: read from, never written to

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Project) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    def __repr__(self) -> str:
        return f"Project(root={self.root!r}, read_only={self.read_only!r})"

    @classmethod
    def locate(cls, root: str | os.PathLike[str] | None = None) -> Project:
        """The project at ``root``, or the default one (see the module documentation)."""
        if root is None:
            root = os.environ.get("CAREGRAPH_ROOT") or None
        if root is not None:
            project = cls(Path(root).resolve())
            if not project.ontology_dir.is_dir():
                raise InputError(f"{project.root} is not a caregraph project: it has no ontology/ folder")
            return project
        here = Path.cwd().resolve()
        for folder in (here, *here.parents):
            if is_checkout(folder):
                return cls(folder)
        for candidate in (_PACKAGE_DIR.parents[1], _PACKAGE_DIR / "resources"):
            if (candidate / "ontology").is_dir():
                return cls(candidate, read_only=True)
        raise InputError("cannot find caregraph's ontology and data; pass --root pointing at a caregraph checkout")

    def writable(self, target: Path) -> None:
        """Refuse to write ``target`` into the installed copy, saying where it would have gone and what to do."""
        if self.read_only:
            raise InputError(
                f"not inside a caregraph project: would have written {target}, into the copy installed with "
                "caregraph, which is read-only (a reinstall would lose it)",
                hint="run the command inside your caregraph checkout, or pass --root DIR (or set CAREGRAPH_ROOT) "
                "to name the project to write to",
            )

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "ontology" / "shapes"

    @property
    def checks_dir(self) -> Path:
        return self.root / "ontology" / "checks"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def reference_dir(self) -> Path:
        return self.root / "data" / "reference"

    @property
    def areas_dir(self) -> Path:
        return self.root / "data" / "areas"

    @classmethod
    def of_reference_dir(cls, reference_dir: str | os.PathLike[str]) -> Project:
        """The project whose data/reference/ is ``reference_dir``."""
        return cls(Path(reference_dir).parent.parent)

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def ontology_files(self) -> list[Path]:
        """The ontology's Turtle files (not the shapes), sorted."""
        return sorted(self.ontology_dir.glob("*.ttl"))

    def data_files(self) -> list[Path]:
        """Every Turtle file under data/, sorted by path."""
        return sorted(self.data_dir.rglob("*.ttl"))

    def graph_files(self) -> list[Path]:
        """The files merged into the caregraph graph: ontology, then data."""
        return self.ontology_files() + self.data_files()

    def shape_files(self) -> list[Path]:
        return sorted(self.shapes_dir.glob("*.ttl"))

    def relative(self, path: Path) -> str:
        """A path as shown in messages: relative to the project root when inside it."""
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)

    def sources_dir(self, sources: str | os.PathLike[str] | None = None) -> Path:
        """The folder holding the source documents' texts (``000_….txt``), which quotations are checked against."""
        candidates = [sources, os.environ.get("CAREGRAPH_SOURCES"), self.root.parent / "shared" / "sources"]
        for candidate in candidates:
            if candidate and Path(candidate).is_dir():
                return Path(candidate).resolve()
        raise InputError(
            "cannot find the source documents (000_….txt …) that quotations are checked against",
            hint="pass --sources DIR or set CAREGRAPH_SOURCES",
        )
