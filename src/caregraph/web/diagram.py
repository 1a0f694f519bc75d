"""The picture of the main classes on /def: an SVG drawn here, without a layout service or a script.

The main classes are those that caregraph's object properties relate (a property whose domain and range are both
caregraph classes is an arrow labelled with the property). Each stands in a box on a circle, in the order a walk
along the arrows first meets them, so that related classes stand side by side and the picture is the same on every
build; its sub-classes are listed inside its box, and a sub-class link between two boxes is a dashed arrow. Every
class and property is a link to its page.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from markupsafe import escape

from ..namespaces import RDFS

_LINE = 17  # height of a line of text in a box
_PADDING = 6
_CHAR_WIDTH = 6.8  # of the 12px sans-serif the stylesheet gives the picture's text


def class_diagram(edges: list[tuple[str, str, str]], label: Callable[[str], str], href: Callable[[str], str]) -> str:
    """``edges`` are (class, property or rdfs:subClassOf, class); returns an ``<svg>`` element ('' for none)."""
    relations = [e for e in edges if e[1] != RDFS + "subClassOf"]
    boxes = _walk(relations, label)
    if not boxes:
        return ""
    inside: dict[str, list[str]] = {box: [] for box in boxes}
    arrows = list(relations)
    for sub, link, parent in edges:
        if link == RDFS + "subClassOf" and parent in inside:
            if sub in inside:
                arrows.append((sub, link, parent))
            else:
                inside[parent].append(sub)
    size = {}
    for box in boxes:
        names = [label(box), *(label(s) for s in inside[box])]
        size[box] = (max(len(n) for n in names) * _CHAR_WIDTH + 2 * _PADDING, len(names) * _LINE + 2 * _PADDING - 2)
    widest = max(w for w, _ in size.values())
    tallest = max(h for _, h in size.values())
    radius = max(180.0, 36.0 * len(boxes))
    width, height = 2 * radius + widest + 40, 2 * radius + tallest + 40
    where = {}
    for i, box in enumerate(boxes):
        angle = 2 * math.pi * i / len(boxes) - math.pi / 2
        where[box] = (width / 2 + radius * math.cos(angle), height / 2 + radius * math.sin(angle))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" viewBox="0 0 {width:.0f} {height:.0f}" '
        'role="img" aria-labelledby="diagram-title">',
        '<title id="diagram-title">The main classes of caregraph and the properties that relate them</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>'
        '<marker id="hollow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="hollow"/></marker></defs>',
    ]
    labels = []
    for source, link, target in arrows:
        (x1, y1), (x2, y2) = (
            _border(where[source], size[source], where[target]),
            _border(where[target], size[target], where[source]),
        )
        subclass = link == RDFS + "subClassOf"
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'class="{"subclass" if subclass else "relation"}" '
            f'marker-end="url(#{"hollow" if subclass else "arrow"})"/>'
        )
        if not subclass:  # drawn after every line, so that no line crosses a label
            labels.append(
                f'<a href="{escape(href(link))}"><text x="{(x1 + x2) / 2:.1f}" '
                f'y="{(y1 + y2) / 2 + 4:.1f}" class="relation-label">{escape(label(link))}</text></a>'
            )
    parts += labels
    for box in boxes:
        (x, y), (w, h) = where[box], size[box]
        top = y - h / 2
        parts.append(
            f'<g class="class"><rect x="{x - w / 2:.1f}" y="{top:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'rx="5"/><a href="{escape(href(box))}"><text x="{x:.1f}" y="{top + _PADDING + 11:.1f}" '
            f'class="class-name">{escape(label(box))}</text></a>'
        )
        for n, sub in enumerate(sorted(inside[box], key=lambda c: label(c).lower()), start=1):
            parts.append(
                f'<a href="{escape(href(sub))}"><text x="{x:.1f}" y="{top + _PADDING + 11 + n * _LINE:.1f}" '
                f'class="sub-class">{escape(label(sub))}</text></a>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _walk(edges: list[tuple[str, str, str]], label: Callable[[str], str]) -> list[str]:
    """The classes in the order a breadth-first walk over the links (either way) meets them, from the most
    linked class; ties go by name."""
    neighbours: dict[str, set[str]] = {}
    for source, _, target in edges:
        neighbours.setdefault(source, set()).add(target)
        neighbours.setdefault(target, set()).add(source)
    order: list[str] = []
    for start in sorted(neighbours, key=lambda c: (-len(neighbours[c]), label(c).lower())):
        queue = [start] if start not in order else []
        while queue:
            current = queue.pop(0)
            if current in order:
                continue
            order.append(current)
            queue += sorted((n for n in neighbours[current] if n not in order), key=lambda c: label(c).lower())
    return order


def _border(
    centre: tuple[float, float], size: tuple[float, float], towards: tuple[float, float]
) -> tuple[float, float]:
    """Where the line from the centre of a box towards another point leaves the box."""
    (x, y), (width, height) = centre, size
    dx, dy = towards[0] - x, towards[1] - y
    if dx == 0 and dy == 0:
        return x, y
    scale = min((width / 2) / abs(dx) if dx else math.inf, (height / 2) / abs(dy) if dy else math.inf)
    return x + dx * scale, y + dy * scale
