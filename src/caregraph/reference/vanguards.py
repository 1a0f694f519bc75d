"""vanguards.ttl: the 50 new care model vanguards with their type (a concept of ``cg:VanguardTypeScheme``), their
designation wave and the day or month it was announced."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..graph import parse_turtle
from ..namespaces import SKOS
from .builder import Builder
from .rows import Row
from .terms import HAS_TIME, LABEL, A, calendar, cg, cgd, english, slugify, typed


def vanguard_types(ontology_dir: Path) -> dict[str, ox.NamedNode]:
    """The vanguard file's type codes → the concepts of cg:VanguardTypeScheme whose skos:notation they are."""
    triples = [t for path in sorted(ontology_dir.glob("*.ttl")) for t in parse_turtle(path)]
    in_scheme = {
        t.subject
        for t in triples
        if isinstance(t.subject, ox.NamedNode)
        and t.predicate.value == SKOS + "inScheme"
        and t.object == cg("VanguardTypeScheme")
    }
    return {
        t.object.value: t.subject
        for t in triples
        if t.predicate.value == SKOS + "notation"
        and isinstance(t.subject, ox.NamedNode)
        and t.subject in in_scheme
        and isinstance(t.object, ox.Literal)
    }


PROGRAMME = cgd("programme-new-care-models")


def vanguard_slug(name: str) -> str:
    """``"Better Care Together (Morecambe Bay Health Community)"`` → ``better-care-together``."""
    return slugify(name.split("(")[0])


def add_vanguards(b: Builder, rows: list[Row], types: Mapping[str, ox.NamedNode]) -> None:
    """Each vanguard, its wave and its designation; ``types`` is :func:`vanguard_types`."""
    seen: dict[str, Row] = {}
    for row in rows:
        name, slug = row["vanguard_name"], vanguard_slug(row["vanguard_name"])
        if slug in seen:
            raise InputError(f"{row.dataset.file}:{row.line}: {name!r} gives the same IRI as line {seen[slug].line}")
        seen[slug] = row
        kind = types.get(row["vanguard_type_code"])
        if kind is None:
            raise InputError(f"{row.dataset.file}:{row.line}: unknown vanguard type {row['vanguard_type_code']!r}")
        vanguard, wave = cgd("vanguard-" + slug), cgd("wave-vanguards-" + row["wave"])
        b.describe("vanguards", vanguard, [cg("Vanguard")], [], row, name)
        b.claim("vanguards", vanguard, cg("vanguardType"), kind, [row])
        b.claim("vanguards", vanguard, cg("partOfProgramme"), PROGRAMME, [row])
        b.claim("vanguards", wave, A, cg("DesignationWave"), [row])
        b.claim(
            "vanguards",
            wave,
            LABEL,
            english(f"new care model vanguards, wave {row['wave']}"),
            [row],
            "Named from the file's wave column.",
        )
        b.claim("vanguards", wave, cg("waveNumber"), typed(int(row["wave"]), "integer"), [row])
        b.claim("vanguards", wave, cg("waveOf"), PROGRAMME, [row])
        announced = row["announced"]
        when = calendar(("day-" if len(announced) == 10 else "month-") + announced)
        b.record(
            "vanguards",
            cgd("designation-vanguard-" + slug),
            cg("Designation"),
            [(cg("designatedArea"), vanguard), (cg("inWave"), wave), (HAS_TIME, when)],
            [row],
        )
