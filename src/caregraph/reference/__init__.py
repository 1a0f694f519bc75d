"""Import the reference data: every STP, CCG, ICB, first-wave ICS, region, trust and vanguard, from open data files.

``data/reference/`` holds byte-identical copies of official and public data files (its README gives each one's
origin, licence, date and trust). :func:`import_reference` turns them into Turtle beside them, one file per
concern (:data:`CONCERNS`), deterministically sorted, so that regenerating gives byte-identical files.

How rows become triples (data/README.md has the conventions):

* Every row of a file (every table line of the ODS role listing) is a ``cg:Quotation``: the row verbatim, quoted
  from the file's ``cg:ReferenceDataset``, located by line number and row key.
* What a row says about a lasting entity — a type, a name, a code, a footprint — is a ``cg:Claim`` derived from the
  first row of that file that says it. The same triple stated by two files gives two claims.
* What a row records for a period — a CCG's membership of an STP in one year's lookup, an ODS role period, a local
  authority's share of a footprint — is a sourced record derived from its row (or the rows it sums).
* What follows only from several rows together — a footprint's successor when ONS re-issued its code, the 2018
  merger, the dates a code was in use, a first-wave footprint lying within an STP footprint — is derived from all
  of them, with an ``rdfs:comment`` saying how it follows.

The organisation (``cgd:org-<ODS code>``, stable), its role periods (STP, then ICB) and its footprints
(``cgd:footprint-<GSS code>``, one per code, dated by the lookups that list it) are kept apart
(:mod:`.footprints` says whose footprint a code is when no file gives its ODS code).

One module per concern, and this one the importer's entry points:

=======================  ==========================================================================================
``catalogue``            the importer's tables in data/reference/tables/: datasets, publishers, first-wave systems
``rows``                 reading a reference file into rows, each row's text, line and values by column
``terms``                the IRIs, literals and properties the importer writes
``builder``              the graph under construction: quotations, claims, sourced records, memberships
``names``                dated names, and which of them is an entity's label
``footprints``           footprint codes: when each was in use, which replaced which, whose footprint it is
``datasets``             datasets.ttl
``roles``                ods-roles.ttl, and the ODS role periods other files record
``regions``              regions.ttl
``partnerships``         stps.ttl, ccgs.ttl, icbs.ttl and first-wave-ics.ttl
``local_authorities``    local-authorities.ttl
``trusts``               trusts.ttl
``vanguards``            vanguards.ttl
``practices``            practices.ttl, and the allocation files as Data Cube datasets
``turtle``               writing a concern file: its header, then its triples as sorted Turtle
=======================  ==========================================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..files import atomic_write
from ..project import Project
from . import practices
from .builder import Builder
from .catalogue import read_datasets, read_first_wave, read_publishers
from .datasets import add_datasets
from .footprints import Footprints
from .local_authorities import add_local_authorities
from .partnerships import add_ccgs, add_first_wave, add_icbs, add_stps, source_labels
from .regions import add_regions
from .roles import add_roles
from .rows import read_rows
from .trusts import add_trusts
from .turtle import concern_file
from .vanguards import add_vanguards, vanguard_types

CONCERNS: dict[str, str] = {
    "datasets": "the reference datasets themselves: title, publisher, date, licence, file and origin",
    "ods-roles": "the Organisation Data Service role codes as a SKOS concept scheme",
    "regions": "NHS England regions, and the dated memberships of CCGs, STPs and ICBs in them",
    "stps": "sustainability and transformation partnerships 2017-2021: organisations, footprints with their "
    "dated GSS codes and code history, the 2018 merger, ODS role periods",
    "ccgs": "clinical commissioning groups and their dated memberships of STPs, April 2017 to 2021",
    "icbs": "the 42 integrated care boards (July 2022): organisations, ODS role periods, 2022 and 2023 footprints",
    "first-wave-ics": "the ten first-wave integrated care systems' ONS footprints (ICS19, E59) and how they lie "
    "within their STP footprints",
    "local-authorities": "local authority areas and their share of each STP footprint, April 2017, 2019 and 2020",
    "trusts": "acute NHS trusts and their STPs, 2017/18",
    "vanguards": "the 50 new care model vanguards: type, wave and announcement",
    "practices": "GP practices, primary care networks and sub-ICB locations with their dated memberships, and the "
    "practices' registered and weighted populations, 2022/23 and 2024/25",
}
"""Output file stem → what it holds (the header comment of the generated file)."""


def generate(reference_dir: str | Path) -> dict[str, bytes]:
    """The Turtle of every concern file (``stps.ttl`` …) generated from the files in ``reference_dir``."""
    reference_dir = Path(reference_dir)
    project = Project.of_reference_dir(reference_dir)
    datasets = read_datasets(reference_dir)
    rows = {d.slug: read_rows(d, reference_dir) for d in datasets}
    b = Builder(datasets)
    add_datasets(b, read_publishers(reference_dir))
    practices.describe_datasets(b)
    for dataset_rows in rows.values():
        for row in dataset_rows:
            b.quotation(row)
    footprints = Footprints(rows)
    add_roles(b, rows["ods-roles"], reference_dir)
    add_regions(b, rows)
    add_stps(b, rows, footprints)
    add_ccgs(b, rows, footprints)
    add_icbs(b, rows)
    # The first-wave systems are the source-derived entities of the project's data/areas/.
    first_wave = read_first_wave(reference_dir)
    add_first_wave(b, rows, footprints, source_labels(project.areas_dir), first_wave)
    add_local_authorities(b, rows)
    add_trusts(b, rows, footprints)
    add_vanguards(b, rows["nhse-vanguards"], vanguard_types(project.ontology_dir))
    practices.add_practices(b, rows, first_wave)
    b.finish_names()
    return {f"{concern}.ttl": concern_file(concern, what, b.files[concern]) for concern, what in CONCERNS.items()}


def import_reference(
    reference_dir: str | Path,
    output_dir: str | Path | None = None,
    *,
    progress: Callable[[Path, bytes], None] | None = None,
) -> list[Path]:
    """Generate the Turtle from ``reference_dir`` and write each file atomically into ``output_dir`` (default:
    ``reference_dir``). ``progress`` is called with each path written and its bytes. Returns the paths."""
    target = Path(output_dir) if output_dir is not None else Path(reference_dir)
    written = []
    for name, data in generate(reference_dir).items():
        path = atomic_write(target / name, data)
        written.append(path)
        if progress:
            progress(path, data)
    return written


def outdated_files(reference_dir: str | Path, output_dir: str | Path | None = None) -> list[str]:
    """The generated files in ``output_dir`` (default: ``reference_dir``) that differ from a fresh import."""
    target = Path(output_dir) if output_dir is not None else Path(reference_dir)
    stale = []
    for name, data in generate(reference_dir).items():
        path = target / name
        if not path.exists() or path.read_bytes() != data:
            stale.append(name)
    return stale
