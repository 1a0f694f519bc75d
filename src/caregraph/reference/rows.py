"""Reading a reference file into rows: each row's verbatim text, its line and its values by column.

A CSV file gives one row per line after its header; the ODS role listing, a Markdown file, one row per line of its
first table. A row's key (the dataset's key columns) names its ``cg:Quotation`` and must not repeat in its file.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from .catalogue import Dataset
from .terms import cgd, slugify


@dataclass(frozen=True)
class Row:
    """One row of a reference file: its verbatim text, where it stands, and its values by column."""

    dataset: Dataset
    line: int
    text: str
    values: Mapping[str, str] = field(repr=False)

    def __getitem__(self, column: str) -> str:
        try:
            return self.values[column].strip()
        except KeyError:
            raise InputError(f"{self.dataset.file}:{self.line}: no column {column!r}") from None

    @property
    def key(self) -> str:
        return "-".join(self[c] for c in self.dataset.key)

    @property
    def iri(self) -> ox.NamedNode:
        return cgd(f"quote-{self.dataset.slug}-{slugify(self.key, lower=False)}")


def read_rows(dataset: Dataset, reference_dir: Path) -> list[Row]:
    """The rows of one reference file (a CSV file, or the table of a Markdown file)."""
    path = reference_dir / dataset.file
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(
            f"{path}: no such file", hint="data/reference/README.md lists the files and where they come from"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read: {error}") from None
    lines = text.splitlines()
    if dataset.file.endswith(".md"):
        return _table_rows(dataset, lines)
    header = next(csv.reader(lines[:1]), None)
    if not header:
        raise InputError(f"{dataset.file}:1: no header row")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        values = next(csv.reader([line]))
        if len(values) != len(header):
            raise InputError(f"{dataset.file}:{number}: {len(values)} fields where the header has {len(header)}")
        rows.append(Row(dataset, number, line, dict(zip(header, values, strict=True))))
    _check_keys(dataset, rows)
    return rows


def _table_rows(dataset: Dataset, lines: list[str]) -> list[Row]:
    """The data rows of the first Markdown table (``|a |b |``), after its header and ``|:--|`` rule."""
    cells = [
        (n, [c.strip() for c in line.strip().strip("|").split("|")])
        for n, line in enumerate(lines, start=1)
        if line.startswith("|")
    ]
    if len(cells) < 2:
        raise InputError(f"{dataset.file}: no table")
    header = cells[0][1]
    # As in Markdown, a row need not have as many cells as the header: missing ones are left out, extra ones dropped.
    rows = [Row(dataset, n, lines[n - 1], dict(zip(header, values, strict=False))) for n, values in cells[2:]]
    _check_keys(dataset, rows)
    return rows


def _check_keys(dataset: Dataset, rows: list[Row]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        if row.key in seen:
            raise InputError(f"{dataset.file}:{row.line}: row key {row.key!r} repeats line {seen[row.key]}")
        seen[row.key] = row.line


def first_rows(rows: list[Row], column: str) -> list[Row]:
    """The first row of each value of ``column``, sorted by that value."""
    first: dict[str, Row] = {}
    for row in rows:
        first.setdefault(row[column], row)
    return [first[k] for k in sorted(first)]
