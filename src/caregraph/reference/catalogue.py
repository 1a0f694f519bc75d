"""The importer's own tables in ``data/reference/tables/``: the reference datasets' metadata, their publishers and
the first-wave systems. They are CSV files that researchers edit, headed by ``#`` comments; columns are found by
name, and a missing column or a malformed value names its file and line."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..namespaces import CGD

TABLES = "tables"
"""The folder of data/reference/ that holds the importer's tables."""


@dataclass(frozen=True)
class Dataset:
    """One reference file: where it is, how it is cited, and the columns that identify a row."""

    slug: str
    file: str
    concern: str
    title: str
    description: str
    publisher: str
    date_as_given: str
    licence: str
    origin: tuple[str, ...]
    key: tuple[str, ...]
    date: tuple[str, str] | None = None
    comment: str | None = None

    @property
    def iri(self) -> str:
        return CGD + "dataset-" + self.slug


@dataclass(frozen=True)
class FirstWaveArea:
    """How a first-wave ICS footprint relates to the STP footprint (April 2019) whose area it is in.

    ``part`` lists the CCGs (ODS codes, April 2019) whose area the ICS name names, when that is part of the STP;
    empty when the ICS bears the name of the STP's own area.
    """

    system: str
    stp: str
    part: tuple[str, ...] = ()


class _Line(dict):
    """A table row by column name; a column the file lacks names the file and line."""

    def __init__(self, values: dict[str, str], where: str) -> None:
        super().__init__(values)
        self.where = where

    def __missing__(self, column: str) -> str:
        raise InputError(f"{self.where}: no column {column!r}")


def read_table(reference_dir: str | Path, name: str) -> Iterator[_Line]:
    """The rows of ``data/reference/tables/<name>``, without its ``#`` comment lines."""
    path = Path(reference_dir) / TABLES / name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", hint="the importer's tables are in data/reference/tables/") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read: {error}") from None
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]
    if not numbered:
        raise InputError(f"{path}: no header row")
    reader = csv.reader(line for _, line in numbered)
    header = next(reader)
    for (number, _), values in zip(numbered[1:], reader, strict=True):
        if len(values) != len(header):
            raise InputError(f"{path}:{number}: {len(values)} fields where the header has {len(header)}")
        yield _Line(dict(zip(header, values, strict=True)), f"{path}:{number}")


def read_datasets(reference_dir: str | Path) -> tuple[Dataset, ...]:
    """The reference datasets, in the order their names are preferred as display labels (newest ONS first)."""
    ranked = []
    for line in read_table(reference_dir, "datasets.csv"):
        date = (line["date"], line["date_type"]) if line["date"] else None
        try:
            preference = int(line["preference"])
        except ValueError:
            raise InputError(f"{line.where}: preference {line['preference']!r} is not a whole number") from None
        ranked.append(
            (
                preference,
                Dataset(
                    line["slug"],
                    line["file"],
                    line["concern"],
                    line["title"],
                    line["description"],
                    line["publisher"],
                    line["date_as_given"],
                    line["licence"],
                    tuple(line["origin"].split()),
                    tuple(line["key"].split()),
                    date,
                    line["comment"] or None,
                ),
            )
        )
    return tuple(dataset for _, dataset in sorted(ranked, key=lambda pair: pair[0]))


def read_publishers(reference_dir: str | Path) -> dict[str, str]:
    """The datasets' publishers: ``cgd:`` local name → name."""
    return {line["organisation"]: line["name"] for line in read_table(reference_dir, "publishers.csv")}


def read_first_wave(reference_dir: str | Path) -> dict[str, FirstWaveArea]:
    """The ten ICS19 codes → the shared system entities and the STP footprints of April 2019 they lie within."""
    return {
        line["ics19_code"]: FirstWaveArea(line["system"], line["stp19_code"], tuple(line["ccgs_in_part"].split()))
        for line in read_table(reference_dir, "first-wave-systems.csv")
    }
