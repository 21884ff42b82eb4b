"""The nginx rules of a static site: ``map`` blocks (``http {}`` context) and locations
(``server {}`` context) that reproduce the app's 303s, negotiation, ``Vary``, 406s and 404s,
its languages (``?lang=``), variants (``?format=``, ``?page=``) and media types.
"""

from __future__ import annotations

import re

from .formats import BY_NAME, Format
from .iris import DOCUMENT_PATH, THING_PATH
from .layout import HOME_PAGE, SERVER_RULES_FOLDER
from .linked import ERROR_PAGE, PAGED_FOLDER
from .static_rules import (
    accept_rules,
    asset_types,
    candidate_tables,
    languages,
    query_tables,
    release_types,
)


def _media(candidates: tuple[Format, ...], by_name: bool = False) -> str:
    """An nginx ``types`` block of the candidates (by suffix, or by ``?format=`` name)."""
    return _nginx_types(
        {(f.name if by_name else f.suffix.lstrip(".")): f.content_type for f in candidates}
    )


def _nginx_types(content_types: dict[str, str]) -> str:
    """An nginx ``types`` block (extension -> content type), the charset on the textual ones."""
    types = " ".join(f"{c.split(';')[0]} {ext};" for ext, c in content_types.items())
    textual = " ".join(sorted({c.split(";")[0] for c in content_types.values() if "charset" in c}))
    return f"types {{ {types} }}\n    charset utf-8; charset_types {textual or 'text/plain'};"


def nginx_http() -> str:
    """The ``map`` blocks (``http {}`` context): the suffix each ``Accept`` gets, ``""`` if none."""
    out = [
        "# lima-lod: content negotiation for the static site (include in http {}).",
        "# Written by 'lima-lod static' from the app's candidate tables; do not edit.",
    ]
    for name, candidates in candidate_tables().items():
        out.append(f"map $http_accept $lima_{name} {{")
        out.append('    default "";')
        out.append(f'    "" {candidates[0].suffix};')
        out += [f'    "~*{pattern}" {suffix};' for pattern, suffix in accept_rules(candidates)]
        out.append("}")
    out.append("map $arg_lang $lima_lang {")
    out.append('    default "";')
    out += [f"    {code} {folder};" for code, folder in languages().items()]
    out.append("}")
    out.append("map $arg_page $lima_paged {")
    out.append('    default "";')
    out.append(f'    "~^(?<number>[1-9][0-9]{{0,5}})$" /{PAGED_FOLDER}/$number;')
    out.append("}")
    out.append("map $arg_format $lima_format {")
    out.append('    default "";')
    out.append('    "~^(?<name>[a-z0-9+-]+)$" $name;')
    out.append("}")
    for name, (candidates, default) in query_tables().items():
        out.append(f"map $http_accept $lima_{name}_accept {{")
        out.append('    default "";')
        out.append(f'    "" {default.name};')
        out += [
            f'    "~*{pattern}" {mark};'
            for pattern, mark in accept_rules(candidates, default, by_name=True)
        ]
        out.append("}")
        # An explicit ?format= wins over Accept, as in the app.
        out.append(f"map $lima_format $lima_{name} {{")
        out.append(f'    "" $lima_{name}_accept;')
        out.append("    default $lima_format;")
        out.append("}")
    return "\n".join(out) + "\n"


def nginx_server(cache_control: str) -> str:
    """The locations (``server {}`` context): 303s from ``/id/``, negotiated ``/doc/`` and
    ``/def/``, ``Vary``, ``Content-Location``, 406 and 404 as the app answers them."""
    tables = candidate_tables()
    docs = tables["doc"]
    suffixes = "|".join(f.suffix.lstrip(".") for f in docs)
    media = _media(docs)
    thing, document = THING_PATH, DOCUMENT_PATH
    return f"""# lima-lod: content negotiation for the static site (include in server {{}},
# after nginx-http.conf in http {{}}). Written by 'lima-lod static'; do not edit.
absolute_redirect off;
location ^~ /{SERVER_RULES_FOLDER}/ {{ return 404; }}
location ~ "^{thing}(?<lima_key>.+)$" {{
    add_header Vary Accept always;
    if ($lima_doc = "") {{ return 406; }}
    if (!-f $document_root{document}$lima_key{docs[0].suffix}) {{ return 404; }}
    return 303 {document}$lima_key$lima_doc;
}}
location ~ "^{document}.+\\.({suffixes})$" {{
    {media}
    add_header Cache-Control "{cache_control}";
    try_files $lima_lang$lima_paged$uri $lima_paged$uri =404;
}}
location ~ "^{document}(?<lima_doc_key>.+)$" {{
    {media}
    add_header Vary Accept always;
    add_header Content-Location {document}$lima_doc_key$lima_doc;
    add_header Cache-Control "{cache_control}";
    if ($lima_doc = "") {{ return 406; }}
    try_files $lima_lang{document}$lima_doc_key$lima_doc {document}$lima_doc_key$lima_doc =404;
}}
{_nginx_term("= /def/cfu", "/def/cfu", "term", media, cache_control)}
{
        _nginx_term(
            '~ "^/def/cfu/(?<lima_version>[^/]+)$"',
            "/def/cfu/$lima_version",
            "term",
            media,
            cache_control,
        )
    }
{_nginx_term("= /def/shapes", "/def/shapes", "shapes", media, cache_control)}
{_nginx_linked(cache_control)}
"""


def _nginx_term(match: str, stem: str, table: str, media: str, cache_control: str) -> str:
    return f"""location {match} {{
    {media}
    add_header Vary Accept always;
    add_header Cache-Control "{cache_control}";
    if ($lima_{table} = "") {{ return 406; }}
    try_files $lima_lang{stem}$lima_{table} {stem}$lima_{table} =404;
}}"""


def _nginx_linked(cache_control: str) -> str:
    """The locations of the linked pages (``prerender.LINKED``), the home page in each
    language and the error page: each page in the language ``?lang=`` names, as the app."""
    from .web.frame import PAGE_VARY
    from .web.queries import CACHE_CONTROL as QUERIES_CACHE

    tables = query_tables()
    one, listing = tables["query"][0], tables["list"][0]
    html = _media((BY_NAME["html"],))
    return f"""error_page 404 $lima_lang/{ERROR_PAGE};
location = / {{
    {html}
    add_header Vary "{PAGE_VARY}" always;
    add_header Cache-Control "{cache_control}";
    try_files $lima_lang/{HOME_PAGE} /{HOME_PAGE} =404;
}}
location ~ "^/(compare(/.*)?|term/[^/]+)$" {{
    {html}
    add_header Vary "{PAGE_VARY}" always;
    add_header Cache-Control "{cache_control}";
    try_files $lima_lang$uri.html $uri.html =404;
}}
{_nginx_releases(cache_control)}
location ^~ /static/ {{
    {_nginx_types(asset_types())}
}}
location = /favicon.ico {{
    types {{ image/x-icon ico; }}
}}
location ^~ /charts/ {{
    types {{ image/svg+xml svg; }}
    add_header Vary "Accept-Language, Cookie" always;
    add_header Cache-Control "{cache_control}";
    try_files $lima_lang$lima_paged$uri $lima_paged$uri =404;
}}
location = /queries {{
    {_media(listing, by_name=True)}
    add_header Vary "Accept" always;
    add_header Cache-Control "{QUERIES_CACHE}";
    try_files $lima_lang$uri.$lima_list $uri.$lima_list =404;
}}
location ~ "^/queries/[a-z0-9][a-z0-9-]*$" {{
    {_media(one, by_name=True)}
    add_header Vary "Accept" always;
    add_header Content-Location "$uri?format=$lima_query" always;
    add_header Cache-Control "{QUERIES_CACHE}";
    try_files $lima_lang$uri.$lima_query $uri.$lima_query =404;
}}"""


def _nginx_releases(cache_control: str) -> str:
    """The release files, with the content types the app gives them."""
    by_extension, by_ending = release_types()
    endings = "\n".join(
        f"""    location ~ "{re.escape(ending)}$" {{
        {_nginx_types({ending.rsplit(".", 1)[-1]: content_type})}
        add_header Cache-Control "{cache_control}";
    }}"""
        for ending, content_type in by_ending.items()
    )
    return f"""location ^~ /releases/ {{
    {_nginx_types(by_extension)}
    default_type text/plain;
    add_header Cache-Control "{cache_control}";
{endings}
}}"""
