"""The picture of the main classes on /def: an SVG drawn here, without a layout service or a script.

The classes stand on a circle in alphabetical order, so the picture is the same on every build; each object
property whose domain and range are caregraph classes is an arrow labelled with the property, each sub-class link
a dashed arrow. Every class and property is a link to its page.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from markupsafe import escape

from ..namespaces import RDFS

_BOX_HEIGHT = 26
_CHAR_WIDTH = 6.6  # of the 12px sans-serif the stylesheet gives the picture's text


def class_diagram(edges: list[tuple[str, str, str]], label: Callable[[str], str],
                  href: Callable[[str], str]) -> str:
    """``edges`` are (class, property or rdfs:subClassOf, class); returns an ``<svg>`` element."""
    classes = sorted({e[0] for e in edges} | {e[2] for e in edges}, key=lambda c: label(c).lower())
    if not classes:
        return ""
    radius = max(160.0, 34.0 * len(classes))
    widest = max(len(label(c)) for c in classes) * _CHAR_WIDTH + 16
    width = 2 * (radius + widest / 2) + 40
    height = 2 * radius + 2 * _BOX_HEIGHT + 40
    centre_x, centre_y = width / 2, height / 2
    where = {}
    for i, iri in enumerate(classes):
        angle = 2 * math.pi * i / len(classes) - math.pi / 2
        where[iri] = (centre_x + radius * math.cos(angle), centre_y + radius * math.sin(angle))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" viewBox="0 0 {width:.0f} {height:.0f}" '
             f'role="img" aria-labelledby="diagram-title">',
             '<title id="diagram-title">The main classes of caregraph and the properties that relate them</title>',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>'
             '<marker id="hollow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="hollow"/></marker></defs>']
    for source, link, target in edges:
        (x1, y1), (x2, y2) = where[source], where[target]
        x1, y1 = _edge_of_box(x1, y1, x2, y2, label(source))
        x2, y2 = _edge_of_box(x2, y2, x1, y1, label(target))
        subclass = link == RDFS + "subClassOf"
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     f'class="{"subclass" if subclass else "relation"}" '
                     f'marker-end="url(#{"hollow" if subclass else "arrow"})"/>')
        if not subclass:
            parts.append(f'<a href="{escape(href(link))}"><text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 - 3:.1f}" '
                         f'class="relation-label">{escape(label(link))}</text></a>')
    for iri in classes:
        x, y = where[iri]
        name = label(iri)
        box = len(name) * _CHAR_WIDTH + 16
        parts.append(f'<a href="{escape(href(iri))}"><rect x="{x - box / 2:.1f}" y="{y - _BOX_HEIGHT / 2:.1f}" '
                     f'width="{box:.1f}" height="{_BOX_HEIGHT}" rx="5"/>'
                     f'<text x="{x:.1f}" y="{y + 4:.1f}">{escape(name)}</text></a>')
    parts.append("</svg>")
    return "\n".join(parts)


def _edge_of_box(x: float, y: float, towards_x: float, towards_y: float, name: str) -> tuple[float, float]:
    """Where the line from the centre of a class's box towards another point leaves the box."""
    half_width, half_height = (len(name) * _CHAR_WIDTH + 16) / 2, _BOX_HEIGHT / 2
    dx, dy = towards_x - x, towards_y - y
    if dx == 0 and dy == 0:
        return x, y
    scale = min(half_width / abs(dx) if dx else math.inf, half_height / abs(dy) if dy else math.inf)
    return x + dx * scale, y + dy * scale
