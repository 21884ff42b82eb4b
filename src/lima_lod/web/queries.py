"""The example queries of ``queries/``, each at a stable IRI ``/queries/<name>``, and ``/queries``.

``/queries/<name>`` negotiates: the query's text (``application/sparql-query``, the default for
a client that states no preference), its results in every format its kind can be written in
(SPARQL results for SELECT/ASK, RDF for CONSTRUCT/DESCRIBE) or, for browsers, a page with its
description, text and results. The results come through the endpoint's own path (protocol,
negotiation, cache, guard, runner, limits): this module adds no way around it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from ..errors import NotAcceptable, QueryError
from ..formats import BY_NAME, Format
from ..iris import Iris
from ..results import Kind
from .frame import Chrome, Link
from .negotiation import CANDIDATES, negotiate, override, store_choice
from .pages import table
from .protocol import Operation

if TYPE_CHECKING:
    from .endpoint import Endpoint

#: A query's file name without ``.rq``: also its IRI's last segment, so kept to safe characters.
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: What the text of a query is served as.
TEXT = BY_NAME["sparql"]
#: What the list of examples is served as.
#: ``/queries`` as a page or as JSON (``?format=json``, the name its file has in a static site).
LIST_FORMATS: tuple[Format, ...] = (BY_NAME["html"], replace(BY_NAME["release-json"], name="json"))
CACHE_CONTROL = "public, max-age=300"
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_NOT_CODE = re.compile(r"<[^>\s]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|#[^\n]*")


class NoSuchQuery(QueryError):
    """No example query has the name asked for."""

    status = 404


@dataclass(frozen=True)
class Example:
    """One example query: its name, the sentence its comment opens with, the comment, the text."""

    name: str
    title: str
    description: str
    text: str
    kind: Kind

    @property
    def detail(self) -> str:
        """The description after its first sentence (which is the title)."""
        rest = self.description.removeprefix(self.title).lstrip(".: ")
        return rest[:1].upper() + rest[1:]

    @property
    def path(self) -> str:
        """Where the query is served: its stable IRI on this server."""
        return f"/queries/{self.name}"

    def run_link(self, view: str = "table") -> str:
        """The query page with this query loaded and run, in the given results view."""
        return "/sparql?" + urlencode({"query": self.text, "view": view})


def kind_of(text: str) -> Kind:
    """What a query answers with, from its query form (comments, IRIs and strings skipped)."""
    match = _FORM.search(_NOT_CODE.sub(" ", text))
    form = match.group(1).upper() if match else "SELECT"
    return {"ASK": Kind.BOOLEAN, "CONSTRUCT": Kind.GRAPH, "DESCRIBE": Kind.GRAPH}.get(
        form, Kind.SOLUTIONS
    )


def description_of(text: str) -> str:
    """The leading comment lines of a query, as one paragraph."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(line for line in lines if line)


def first_sentence(description: str, name: str) -> str:
    """A title: the description's first sentence, else the name in words."""
    match = re.match(r"(.+?[.:])(\s|$)", description)
    if match:
        return match.group(1).rstrip(".:")
    return description or name.replace("-", " ").capitalize()


def read_examples(folder: Path, iris: Iris) -> list[Example]:
    """The example queries of a folder (``*.rq``, sorted by name), rebased to this deployment.

    A missing folder gives no examples: a server run outside the project still starts.
    """
    examples = []
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        if not NAME.match(path.stem):
            continue
        text = iris.rebase_text(path.read_text(encoding="utf-8"))
        description = description_of(text)
        examples.append(
            Example(
                path.stem, first_sentence(description, path.stem), description, text, kind_of(text)
            )
        )
    return examples


class Queries:
    """Answers ``/queries`` and ``/queries/<name>`` for one app."""

    def __init__(self, endpoint: Endpoint, examples: list[Example]) -> None:
        self.endpoint = endpoint
        self.examples = {e.name: e for e in examples}

    def example(self, request: Request) -> Example:
        name = str(request.path_params["name"])
        if name not in self.examples:
            raise NoSuchQuery(f"no example query {name!r}; see /queries")
        return self.examples[name]

    @staticmethod
    def formats(example: Example) -> tuple[Format, ...]:
        """What a query's IRI can be had in: its text first, then its results, then a page."""
        results = tuple(f for f in CANDIDATES[example.kind] if f.name != "html")
        return (TEXT, *results, BY_NAME["html"])

    @staticmethod
    def choose(request: Request, candidates: tuple[Format, ...]) -> Format:
        wanted = request.query_params.get("format")
        fmt = (
            override(wanted, candidates)
            if wanted
            else negotiate(request.headers.get("accept"), candidates)
        )
        if fmt is None:
            raise NotAcceptable("available as " + ", ".join(f.media_type for f in candidates))
        return fmt

    async def one(self, request: Request) -> Response:
        """``/queries/<name>``: the query's text, its results or its page."""
        example = self.example(request)
        fmt = self.choose(request, self.formats(example))
        headers = {
            "Vary": "Accept",
            "Cache-Control": CACHE_CONTROL,
            "Content-Location": f"{example.path}?format={fmt.name}",
        }
        if fmt is TEXT:
            return Response(example.text.encode(), media_type=fmt.content_type, headers=headers)
        if fmt.name != "html":
            # The endpoint's own path: same negotiation, cache, guard, runner and headers.
            response = await self.endpoint.respond(
                request, Operation(query=example.text, format=fmt.name)
            )
            response.headers.update(headers)
            return response
        chrome = Chrome(request)
        answer = await self.endpoint.answer(
            example.text, None, store_choice({kind: BY_NAME["html"] for kind in Kind})
        )
        body = self.endpoint.pages.render(
            chrome,
            "example.html",
            title=Link(example.title, lang="en"),
            canonical=self.endpoint.settings.public + example.path,
            example=example,
            table=table(answer),
            answer=answer,
            formats=[f for f in self.formats(example) if f.name != "html"],
        )
        return chrome.respond(body, headers)

    def listing(self, request: Request) -> Response:
        """``/queries``: every example query, as a page or as JSON."""
        fmt = self.choose(request, LIST_FORMATS)
        headers = {"Vary": "Accept", "Cache-Control": CACHE_CONTROL}
        if fmt.name == "html":
            chrome = Chrome(request)
            body = self.endpoint.pages.render(
                chrome,
                "examples.html",
                title=Link(chrome.t("nav.examples")),
                examples=self.examples.values(),
            )
            return chrome.respond(body, headers)
        public = self.endpoint.settings.public
        items = [
            {
                "name": e.name,
                "iri": public + e.path,
                "title": e.title,
                "description": e.description,
                "form": e.kind.value,
                "query": e.text,
                "run": public + e.run_link(),
            }
            for e in self.examples.values()
        ]
        return Response(
            json.dumps({"queries": items}, ensure_ascii=False, indent=1).encode(),
            media_type=fmt.content_type,
            headers=headers,
        )


Handler = Callable[[Request], Awaitable[Response] | Response]


def register(
    app: FastAPI,
    endpoint: Endpoint,
    guarded: Callable[[Handler], Callable[[Request], Awaitable[Response]]],
) -> None:
    """Add ``/queries`` and ``/queries/{name}`` to an app; ``guarded`` turns errors to answers."""
    queries = Queries(endpoint, endpoint.pages.examples)
    app.add_route("/queries", guarded(queries.listing), methods=["GET", "HEAD"])
    app.add_route("/queries/{name}", guarded(queries.one), methods=["GET", "HEAD"])
