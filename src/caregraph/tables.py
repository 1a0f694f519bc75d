"""Readable tables for the terminal: aligned columns, cut to the terminal's width, numbers to the right.

A table far wider than the terminal would be cut to stubs of every column, so it is shown instead as one block per
row, a line per column (as ``psql`` does in expanded mode): nothing is cut and each value can be read whole.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence


def _is_number(text: str) -> bool:
    return text.replace(",", "").replace(".", "", 1).lstrip("-").isdigit()


def render_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, width: int | None = None, title: str | None = None
) -> str:
    """Rows as an aligned text table; the widest columns are shortened with "…" to fit ``width``."""
    cells = [["" if value is None else str(value) for value in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    limit = width or shutil.get_terminal_size((120, 24)).columns
    separators = 2 * (len(headers) - 1)
    if len(headers) > 2 and sum(widths) + separators > _EXPAND_BEYOND * limit:
        return _render_records(headers, cells, title)
    while sum(widths) + separators > limit and max(widths) > 12:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    numeric = [bool(cells) and all(_is_number(row[i]) for row in cells if row[i]) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            if len(value) > widths[i]:
                value = value[: widths[i] - 1] + "…"
            parts.append(value.rjust(widths[i]) if numeric[i] else value.ljust(widths[i]))
        return "  ".join(parts).rstrip()

    out = []
    if title:
        out.append(title)
    out.append(line(list(headers)))
    out.append("  ".join("-" * w for w in widths))
    out.extend(line(row) for row in cells)
    return "\n".join(out)


_EXPAND_BEYOND = 2.0
"""Tables wider than this many terminal widths are shown one block per row."""


def _render_records(headers: Sequence[str], cells: list[list[str]], title: str | None) -> str:
    name_width = max(len(h) for h in headers)
    out = [title] if title else []
    for number, row in enumerate(cells, start=1):
        out.append(f"-[ row {number} ]" + "-" * max(0, name_width - 4))
        # A short row shows the columns it has, as in the aligned table.
        out.extend(f"{header.ljust(name_width)}  {value}".rstrip() for header, value in zip(headers, row, strict=False))
    return "\n".join(out)
