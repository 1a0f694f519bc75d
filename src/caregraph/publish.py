"""Loading the graph into a SPARQL store through the SPARQL 1.1 Graph Store HTTP Protocol.

The store gets the named graphs of the TriG export (the ontology, the calendar and one graph per source, see
:func:`caregraph.export.named_graph_quads`) and, so that the stored queries see every triple once, the whole graph
in its default graph. Stores differ there: Oxigraph and Fuseki keep a default graph of their own, which queries see
alone; Virtuoso keeps none (``?default`` is refused) and lets a query without ``FROM`` see every graph at once, so
a triple two sources attest would count twice. For such a store the union goes into a named graph of its own
(``union_graph``) and queries name it as their default graph (``…/sparql?default-graph-uri=IRI``).

Each graph is sent as N-Triples and then read back: a store that holds another number of triples than was sent
is an :class:`~caregraph.errors.EndpointError` naming the graph.
"""

from __future__ import annotations

import base64
import http.client
import netrc
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import EndpointError, InputError, unreachable
from .export import ONTOLOGY_GRAPH, canonical_triples, named_graph_quads

DEFAULT_TIMEOUT = 300.0
"""Seconds to wait for one request: loading the largest source's graph takes a few seconds on a laptop."""

USER_VARIABLE = "CAREGRAPH_STORE_USER"
PASSWORD_VARIABLE = "CAREGRAPH_STORE_PASSWORD"
DEFAULT_GRAPH_CHOICES = ("union", "none")


@dataclass(frozen=True)
class Loaded:
    """One graph as loaded: its name (``None`` for the default graph), the triples sent and those the store holds."""

    graph: str | None
    sent: int
    held: int

    @property
    def label(self) -> str:
        return "the default graph" if self.graph is None else f"<{self.graph}>"


def graphs_to_publish(
    graph, *, default_graph: str = "union", union_graph: str | None = None
) -> list[tuple[str | None, list[ox.Triple]]]:
    """The graphs a store receives, in order: the named graphs of the TriG export, then the union (in the default
    graph, in ``union_graph``, or nowhere when ``default_graph`` is ``"none"`` and no ``union_graph`` is given)."""
    if default_graph not in DEFAULT_GRAPH_CHOICES:
        raise InputError(f"--default-graph {default_graph!r}: use one of {', '.join(DEFAULT_GRAPH_CHOICES)}")
    triples = canonical_triples(graph.triples())
    named: dict[str, list[ox.Triple]] = {}
    for quad in named_graph_quads(graph, triples):
        if isinstance(quad.graph_name, ox.NamedNode):  # every quad of the TriG export is in a named graph
            named.setdefault(quad.graph_name.value, []).append(quad.triple)
    out: list[tuple[str | None, list[ox.Triple]]] = list(named.items())
    if union_graph is not None:
        if union_graph in named:
            raise InputError(f"--union-graph <{union_graph}> is one of caregraph's own named graphs; choose another")
        out.append((union_graph, triples))
    elif default_graph == "union":
        out.append((None, triples))
    return out


def credentials(endpoint: str, user: str | None = None, password: str | None = None) -> tuple[str, str] | None:
    """The user and password for ``endpoint``: given, else from $CAREGRAPH_STORE_USER and
    $CAREGRAPH_STORE_PASSWORD, else from the ``~/.netrc`` entry of its host; ``None`` when there are none."""
    user = user or os.environ.get(USER_VARIABLE)
    password = password if password is not None else os.environ.get(PASSWORD_VARIABLE)
    if user:
        if password is None:
            raise InputError(f"a user ({user}) without a password: give --password or set {PASSWORD_VARIABLE}")
        return user, password
    host = urllib.parse.urlsplit(endpoint).hostname or ""
    try:
        entry = netrc.netrc().authenticators(host)
    except FileNotFoundError:
        return None
    except (netrc.NetrcParseError, OSError) as error:
        raise InputError(f"~/.netrc: {error}") from None
    if entry is None:
        return None
    login, _, secret = entry
    return login, secret or ""


class GraphStore:
    """A Graph Store Protocol endpoint (``…/store`` on Oxigraph, ``…/sparql-graph-crud-auth`` on Virtuoso)."""

    def __init__(self, endpoint: str, *, auth: tuple[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        if not re.match(r"https?://[^/\s]+", endpoint):
            raise InputError(f"endpoint {endpoint!r} is not an http:// or https:// URL")
        if not timeout > 0:
            raise InputError(f"the timeout must be a positive number of seconds, not {timeout:g}")
        self.endpoint, self.timeout, self.auth = endpoint, timeout, auth

    def _authorization(self, method: str, url: str) -> str | None:
        """The Authorization header for one request, answering the challenge of a body-less probe first: a store
        that refuses a PUT for want of credentials may close the connection while the graph is still being sent,
        so the graph goes only with the credentials the store asked for (basic, or digest as Virtuoso asks)."""
        if self.auth is None:
            return None
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=self.timeout):
                return None
        except urllib.error.HTTPError as error:
            challenge = error.headers.get("WWW-Authenticate", "") if error.code == 401 else ""
        scheme, _, parameters = challenge.partition(" ")
        if scheme.lower() == "basic":
            return "Basic " + base64.b64encode(":".join(self.auth).encode()).decode()
        if scheme.lower() == "digest":
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, url, *self.auth)
            fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(parameters))
            answer = urllib.request.HTTPDigestAuthHandler(passwords).get_authorization(
                urllib.request.Request(url, method=method), fields
            )
            return None if answer is None else "Digest " + answer
        return None

    def url(self, graph: str | None) -> str:
        target = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
        return self.endpoint + ("&" if "?" in self.endpoint else "?") + target

    def _request(
        self, method: str, graph: str | None, data: bytes | None = None, missing_ok: bool = False
    ) -> tuple[int, str, bytes]:
        where = "the default graph" if graph is None else f"graph <{graph}>"
        try:
            url = self.url(graph)
            request = urllib.request.Request(url, data=data, method=method)
            authorization = self._authorization(method, url)
            if authorization:
                request.add_header("Authorization", authorization)
            if data is not None:
                request.add_header("Content-Type", "application/n-triples")
            else:  # only a GET asks for a format: Virtuoso answers a PUT that does so with 406
                request.add_header("Accept", "application/n-triples, text/turtle;q=0.9")
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            if missing_ok and error.code == 404:
                return 404, "", b""
            # Stores explain an error in an HTML page (Virtuoso) or plain text: the words, without the markup.
            detail = " ".join(re.sub(r"<[^>]*>", " ", error.read().decode("utf-8", "replace")).split())
            raise EndpointError(
                f"store {self.endpoint} answered HTTP {error.code} {error.reason} for {method} of "
                f"{where}: {detail[:300]}",
                hint=_hint(error.code, detail),
            ) from None
        except (OSError, http.client.HTTPException) as error:  # URLError and TimeoutError are OSErrors
            raise unreachable(f"store {self.endpoint}", error, self.timeout) from None

    def count(self, graph: str | None) -> int:
        """How many triples the store holds in ``graph`` (0 when it has no such graph)."""
        status, content_type, body = self._request("GET", graph, missing_ok=True)
        if status == 404 or not body.strip():
            return 0
        media_type = content_type.split(";")[0].strip()
        rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.N_TRIPLES
        try:
            return len({quad.triple for quad in ox.parse(body, format=rdf_format)})
        except SyntaxError as error:
            raise EndpointError(
                f"store {self.endpoint} sent graph <{graph}> as {media_type or 'no media type'} "
                f"that does not parse: {error}"
            ) from None

    def put(self, graph: str | None, triples: list[ox.Triple]) -> None:
        """Replace ``graph`` with ``triples``."""
        self._request("PUT", graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def _hint(code: int, detail: str) -> str | None:
    if "not configured to have default graph" in detail:
        return (
            "this store keeps no default graph of its own (Virtuoso): give --union-graph IRI and query with "
            "…/sparql?default-graph-uri=IRI, or --default-graph none"
        )
    if code in (401, 403):
        return f"give --user and --password, set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or add the host to ~/.netrc"
    return None


def publish(
    graph,
    endpoint: str,
    *,
    default_graph: str = "union",
    union_graph: str | None = None,
    replace: bool = False,
    user: str | None = None,
    password: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Callable[[str], None] | None = None,
) -> list[Loaded]:
    """Load ``graph`` (a :class:`caregraph.graph.CareGraph`) into the Graph Store Protocol ``endpoint``.

    Without ``replace`` a graph the store already holds is not touched and nothing is loaded. After loading, each
    graph is read back and counted; a count other than the one sent raises :class:`EndpointError` naming the
    graph. ``progress`` receives a line per graph. Returns what was loaded, graph by graph::

        from caregraph.publish import publish
        publish(caregraph.load(), "http://localhost:7878/store")
    """
    store = GraphStore(endpoint, auth=credentials(endpoint, user, password), timeout=timeout)
    # One request before the graph is split into its named graphs (seconds at national size), so that a wrong
    # address or password fails at once.
    store.count(ONTOLOGY_GRAPH)
    plan = graphs_to_publish(graph, default_graph=default_graph, union_graph=union_graph)
    if replace and plan[-1][0] is None:
        store.count(None)  # a store without a default graph (Virtuoso) says so before anything is loaded
    if not replace:
        for name, _ in plan:
            held = store.count(name)
            if held:
                where = "the default graph" if name is None else f"graph <{name}>"
                raise EndpointError(
                    f"store {endpoint} already holds {held:,} triples in {where}",
                    hint="give --replace to replace what earlier loads left there",
                )
    loaded = []
    for number, (name, triples) in enumerate(plan, start=1):
        store.put(name, triples)
        result = Loaded(name, len(triples), store.count(name))
        if result.held != result.sent:
            raise EndpointError(
                f"store {endpoint} holds {result.held:,} triples in {result.label} after caregraph sent {result.sent:,}"
            )
        loaded.append(result)
        if progress is not None:
            progress(f"loaded {result.label}: {result.sent:,} triples ({number}/{len(plan)})")
    return loaded
