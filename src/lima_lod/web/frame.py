"""The frame every HTML page shares, whatever made it: the reader's language and its texts, links
that keep a chosen language, the language switch, the search box's text, and the response.

Resource pages (``site.Frame``), the query page, the example-query pages and the error pages all
render inside ``templates/base.html`` with the context of one ``Chrome``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from ..iris import DOCUMENT_PATH
from .i18n import COOKIE, LANGUAGES, Texts, choose

#: What a page's language is chosen by (``?lang=`` is in the URL): caches must key on these.
PAGE_VARY = "Accept, Accept-Language, Cookie"


def reader_language(request: Request) -> str:
    """``?lang=``, else the switch's cookie, else ``Accept-Language``, else English."""
    return choose(
        request.query_params.get("lang"),
        request.cookies.get(COOKIE),
        request.headers.get("accept-language"),
    )


@dataclass(frozen=True)
class Link:
    """A resource as a page shows it: its name in the reader's language, where to follow it."""

    text: str
    href: str | None = None
    lang: str = ""
    iri: str = ""


class Chrome:
    """What the pages of one request share: language, texts, link helpers, the switch."""

    def __init__(self, request: Request) -> None:
        self.request = request
        asked = request.query_params.get("lang")
        self.explicit = asked if asked in LANGUAGES else None
        self.lang = reader_language(request)
        self.t = Texts(self.lang)

    def href(self, path: str) -> str:
        """A link on this server that keeps an explicitly chosen language."""
        if not self.explicit:
            return path
        return path + ("&" if "?" in path else "?") + urlencode({"lang": self.explicit})

    def switch(self) -> list[tuple[str, str, bool]]:
        """The language switch: (code, link to this page in that language, is current)."""
        # The path as sent (a percent-encoded key stays one segment); a negotiated document's
        # page links to its HTML document, the page it is (as a pre-rendered site holds it).
        raw = self.request.scope.get("raw_path") or self.request.url.path.encode()
        path = raw.decode("ascii", "replace").split("?", 1)[0]
        if path.startswith(DOCUMENT_PATH) and not path.endswith(".html"):
            path += ".html"
        out = []
        for code in LANGUAGES:
            params = {k: v for k, v in self.request.query_params.items() if k != "lang"}
            params["lang"] = code
            out.append((code, f"{path}?{urlencode(params)}", code == self.lang))
        return out

    def context(self, **extra: Any) -> dict[str, Any]:
        """The template context of ``base.html``, plus the page's own values."""
        return {
            "lang": self.lang,
            "t": self.t,
            "switch": self.switch(),
            "href": self.href,
            "here": self.request.url.path,
            "searched": self.request.query_params.get("q", ""),
            "title": None,
            **extra,
        }

    def respond(
        self, body: bytes, headers: dict[str, str] | None = None, status: int = 200
    ) -> Response:
        """The page, varying on what chose its language; an explicit choice is remembered."""
        response = Response(
            body,
            status_code=status,
            media_type="text/html; charset=utf-8",
            headers={**(headers or {}), "Vary": PAGE_VARY},
        )
        if self.explicit:
            remember(response, self.explicit)
        return response


def remember(response: Response, lang: str) -> None:
    """Remember a language chosen explicitly (``?lang=``) for the pages after: the cookie."""
    response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="lax")


def remembering(lang: str) -> tuple[bytes, bytes]:
    """The header that remembers a chosen language, as a page answered with it sends it."""
    response = Response()
    remember(response, lang)
    return next(h for h in response.raw_headers if h[0] == b"set-cookie")
