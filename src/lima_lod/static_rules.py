"""What a static site's server rules are written from: the app's candidate tables, the
``Accept`` patterns that stand for its negotiation, the media types of every kind of file, and
the folders of the interface languages.

``nginx_rules.py`` and ``htaccess.py`` write the rules for nginx and Apache from these, so a
format or language added to the app is added to both. Both servers choose by matching media
types in ``Accept`` in the server's order of preference, then the wildcards: they read no
q-values, so ``text/html;q=0.1, text/turtle`` gets HTML from them and Turtle from the app (the
README says so).
"""

from __future__ import annotations

import mimetypes
import re
from importlib.resources import files

from .formats import BY_NAME, FORMATS, Format, of_file
from .prerender import LANGUAGE_FOLDER

#: The negotiated resources of a static site: (variable, candidate table's name).
TABLES = ("doc", "term", "shapes")


def candidate_tables() -> dict[str, tuple[Format, ...]]:
    """The app's candidate tables by name: documents, the vocabulary, the shapes."""
    from .web.resources import DOCUMENT_FORMATS, TERM_FORMATS

    return {"doc": DOCUMENT_FORMATS, "term": TERM_FORMATS, "shapes": TERM_FORMATS[1:]}


def accept_rules(
    candidates: tuple[Format, ...], default: Format | None = None, by_name: bool = False
) -> list[tuple[str, str]]:
    """(regular expression over ``Accept``, suffix), most preferred first: the candidates' own
    media types in the server's order, then ``type/*`` ranges, then ``*/*`` (``default``, else
    the first candidate). ``by_name``: the format's name instead of its suffix."""

    def mark(fmt: Format) -> str:
        return fmt.name if by_name else fmt.suffix

    rules = []
    for fmt in candidates:
        for media_type in (fmt.media_type, *fmt.aliases):
            rules.append((_in_accept(re.escape(media_type)), mark(fmt)))
    mains: dict[str, str] = {}
    for fmt in candidates:
        mains.setdefault(fmt.media_type.split("/", 1)[0], mark(fmt))
    rules += [(_in_accept(re.escape(main) + r"/\*"), suffix) for main, suffix in mains.items()]
    rules.append((_in_accept(r"\*/\*"), mark(default or candidates[0])))
    return rules


def _in_accept(media: str) -> str:
    return rf"(^|,)\s*{media}\s*(;|,|$)"


def query_tables() -> dict[str, tuple[tuple[Format, ...], Format]]:
    """The example queries' candidates, as files named by format (``queries/{name}.csv``): the
    list (``/queries``) and one query (``/queries/{name}``, every kind's formats), each with its
    default; the page comes first in the map (only browsers name ``text/html``)."""
    from .web.negotiation import CANDIDATES
    from .web.queries import LIST_FORMATS, TEXT

    html = BY_NAME["html"]
    one: list[Format] = [html, TEXT]
    for candidates in CANDIDATES.values():
        one += [f for f in candidates if f not in one]
    return {"query": (tuple(one), TEXT), "list": (LIST_FORMATS, html)}


def release_types() -> tuple[dict[str, str], dict[str, str]]:
    """The content types of release files as the app serves them (``formats.of_file``): by
    extension, and by the name endings no extension tells apart (``-metadata.json``)."""
    by_extension: dict[str, str] = {}
    by_ending: dict[str, str] = {}
    for fmt in FORMATS:
        found, compression = of_file("x" + fmt.suffix)
        content_type = (compression or found).content_type
        if fmt.suffix.startswith(".") and fmt.suffix.count(".") == 1:
            by_extension.setdefault(fmt.suffix[1:], content_type)
        else:
            by_ending[fmt.suffix] = content_type
    return by_extension, by_ending


def asset_types() -> dict[str, str]:
    """The content types of the pages' assets (``static/``) as the app's static files get them
    (by Python's ``mimetypes``), by extension."""
    out: dict[str, str] = {}
    for asset in (files("lima_lod.web") / "static").iterdir():
        guessed, _ = mimetypes.guess_type(asset.name)
        if guessed and "." in asset.name:
            # Starlette names the charset of text/* only, as does this.
            textual = guessed.startswith("text/")
            out[asset.name.rsplit(".", 1)[1]] = guessed + ("; charset=utf-8" if textual else "")
    return out


def languages() -> dict[str, str]:
    """The folder (``/lang/es``) of each interface language but the default, by its code."""
    from .web.i18n import LANGUAGES

    return {code: f"/{LANGUAGE_FOLDER}/{code}" for code in LANGUAGES[1:]}
