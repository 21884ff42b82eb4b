"""``lima-lod static OUT_DIR``: the whole site of a release as files, for any static web server.

The pre-rendered documents (``prerender.py``; rendered now if the release has none), the
release files under ``releases/<v>/``, the pages' static assets, and the rules that reproduce
the app's content negotiation: ``_server/nginx-http.conf`` (``map`` blocks, to include in
``http {}``), ``_server/nginx-server.conf`` (locations, to include in ``server {}``) and a
``.htaccess`` for Apache (mod_rewrite, mod_headers). Both are written from the same candidate
tables as the app's negotiation (``web/resources.py``), so a format added there is added here.

Both servers choose by matching media types in ``Accept`` in the server's order of
preference, then the wildcards: they read no q-values, so ``text/html;q=0.1, text/turtle``
gets HTML from them and Turtle from the app (the README says so).
"""

from __future__ import annotations

import mimetypes
import re
import shutil
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path

from .formats import BY_NAME, FORMATS, Format, of_file
from .iris import DOCUMENT_PATH, THING_PATH
from .layout import (
    HOME_PAGE,
    HTACCESS,
    NGINX_HTTP,
    NGINX_SERVER,
    SERVER_RULES_FOLDER,
    SITE_FOLDER,
    SITE_MANIFEST,
    Release,
    find_release,
    site_release_path,
)
from .prerender import ERROR_PAGE, LANGUAGE_FOLDER, PAGED_FOLDER, Site, render_site
from .settings import Settings

#: The negotiated resources of a static site: (variable, candidate table's name).
TABLES = ("doc", "term", "shapes")


@dataclass(frozen=True)
class Written:
    """What ``lima-lod static`` wrote."""

    folder: Path
    documents: int
    bytes: int


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


def _types(candidates: tuple[Format, ...], by_name: bool = False) -> str:
    return " ".join(
        f"{fmt.media_type} {fmt.name if by_name else fmt.suffix.lstrip('.')};" for fmt in candidates
    )


def _media(candidates: tuple[Format, ...], by_name: bool = False) -> str:
    """An nginx ``types`` block of the candidates, with the charset the textual ones carry."""
    textual = " ".join(sorted({f.media_type for f in candidates if "charset" in f.content_type}))
    return f"types {{ {_types(candidates, by_name)} }}\n    charset utf-8; charset_types {textual};"


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
    listing = (html, replace(LIST_FORMATS[1], name="json"))  # linked as ?format=json
    return {"query": (tuple(one), TEXT), "list": (listing, html)}


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


def _nginx_types(content_types: dict[str, str]) -> str:
    """An nginx ``types`` block (extension -> content type), the charset on the textual ones."""
    types = " ".join(f"{c.split(';')[0]} {ext};" for ext, c in content_types.items())
    textual = " ".join(sorted({c.split(";")[0] for c in content_types.values() if "charset" in c}))
    return f"types {{ {types} }}\n    charset utf-8; charset_types {textual or 'text/plain'};"


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
    textual = " ".join(sorted({f.media_type for f in docs if "charset" in f.content_type}))
    media = f"types {{ {_types(docs)} }}\n    charset utf-8; charset_types {textual};"
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


def htaccess(cache_control: str) -> str:
    """The same rules for Apache 2.4 (mod_rewrite, mod_headers), as a ``.htaccess`` at the root
    of the site (the site must be the document root: the rules look files up under it)."""
    from .web.frame import PAGE_VARY

    tables = candidate_tables()
    docs = tables["doc"]
    suffixes = "|".join(f.suffix.lstrip(".") for f in docs)
    out = [
        "# lima-lod: content negotiation for the static site (Apache 2.4, mod_rewrite and",
        "# mod_headers; the site is the document root). Written by 'lima-lod static'.",
        "Options -MultiViews",
        "DirectoryIndex index.html",
        "# /def/cfu is both a document and a folder (of versions): no 301 to /def/cfu/",
        "DirectorySlash Off",
    ]
    out += [f'AddType "{fmt.content_type}" {fmt.suffix}' for fmt in docs]
    out.append("AddType image/x-icon .ico")
    out += [f'AddType "{content_type}" .{ext}' for ext, content_type in asset_types().items()]
    by_extension, by_ending = release_types()
    documents = {fmt.suffix for fmt in docs}
    out += [
        f'AddType "{content_type}" .{ext}'
        for ext, content_type in by_extension.items()
        if f".{ext}" not in documents
    ]
    for ending, content_type in by_ending.items():
        out += [
            f'<FilesMatch "{re.escape(ending)}$">',
            f'    ForceType "{content_type}"',
            "</FilesMatch>",
        ]
    out += [
        "RewriteEngine On",
        "",
        "# The suffix each Accept gets, per candidate table: the most preferred rule last.",
    ]
    for name, candidates in tables.items():
        variable = f"LIMA_{name.upper()}"
        out += [
            "RewriteCond %{HTTP:Accept} ^$",
            (f"RewriteRule ^ - [E={variable}:{candidates[0].suffix}]"),
        ]
        for pattern, suffix in reversed(accept_rules(candidates)):
            out += [
                f'RewriteCond %{{HTTP:Accept}} "{pattern}" [NC]',
                f"RewriteRule ^ - [E={variable}:{suffix}]",
            ]
    out += _htaccess_languages()
    thing, document = THING_PATH.lstrip("/"), DOCUMENT_PATH.lstrip("/")
    out += [
        "",
        "# An HTML document in the language ?lang= names, its page ?page= names",
        "RewriteCond %{ENV:LIMA_LANG}%{ENV:LIMA_PAGED} .",
        "RewriteCond %{DOCUMENT_ROOT}/%{ENV:LIMA_LANG}%{ENV:LIMA_PAGED}$0 -f",
        (f"RewriteRule ^({document}|def/).+\\.html$ %{{ENV:LIMA_LANG}}%{{ENV:LIMA_PAGED}}$0 [END]"),
        "RewriteCond %{ENV:LIMA_PAGED} .",
        f"RewriteRule ^{document}.+\\.html$ - [R=404,L]",
        "",
        "# /id/{key}: 406, 404, else 303 See Other to the document, with Vary: Accept",
        "RewriteCond %{ENV:LIMA_DOC} ^$",
        f"RewriteRule ^{thing}. - [R=406,L,E=LIMA_VARY:1]",
        f"RewriteCond %{{DOCUMENT_ROOT}}/{document}$1{docs[0].suffix} !-f",
        f"RewriteRule ^{thing}(.+)$ - [R=404,L,E=LIMA_VARY:1]",
        # QSD: the document's IRI, without the query string (?lang=), as the app answers
        f"RewriteRule ^{thing}(.+)$ /{document}$1%{{ENV:LIMA_DOC}} [R=303,L,QSD,E=LIMA_VARY:1]",
        "",
        "# /doc/{key} without a suffix: the negotiated document, Vary and Content-Location",
        f"RewriteCond %{{REQUEST_URI}} !\\.({suffixes})$",
        "RewriteCond %{ENV:LIMA_DOC} ^$",
        f"RewriteRule ^{document}. - [R=406,L,E=LIMA_VARY:1]",
        f"RewriteCond %{{REQUEST_URI}} !\\.({suffixes})$",
        (
            f"RewriteRule ^{document}(.+)$ {document}$1%{{ENV:LIMA_DOC}} "
            f"[END,E=LIMA_VARY:1,E=LIMA_LOCATION:/{document}$1%{{ENV:LIMA_DOC}}]"
        ),
        "",
        "# /def/cfu, /def/cfu/{version}, /def/shapes: negotiated, with Vary",
    ]
    for pattern, stem, name in (
        (r"^def/cfu(/[^/]+)?$", "def/cfu$1", "TERM"),
        (r"^def/shapes$", "def/shapes", "SHAPES"),
    ):
        out += [
            f"RewriteCond %{{ENV:LIMA_{name}}} ^$",
            f"RewriteRule {pattern} - [R=406,L,E=LIMA_VARY:1]",
            f"RewriteRule {pattern} {stem}%{{ENV:LIMA_{name}}} [END,E=LIMA_VARY:1]",
        ]
    out += _htaccess_linked()
    out += [
        "",
        "# After an internal rewrite Apache renames the variables REDIRECT_*.",
        "Header always set Vary Accept env=LIMA_VARY",
        "Header always set Vary Accept env=REDIRECT_LIMA_VARY",
        f'Header always set Vary "{PAGE_VARY}" env=REDIRECT_LIMA_PAGE',
        'Header always set Vary "Accept-Language, Cookie" env=REDIRECT_LIMA_CHART',
        'Header set Content-Location "%{REDIRECT_LIMA_LOCATION}e" env=REDIRECT_LIMA_LOCATION',
        f'<If "%{{REQUEST_URI}} =~ m#^/({document}|def/|releases/)#">',
        f'    Header set Cache-Control "{cache_control}"',
        "</If>",
        f"RewriteRule ^{SERVER_RULES_FOLDER}/ - [R=404,L]",
    ]
    return "\n".join(out) + "\n"


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


def _htaccess_languages() -> list[str]:
    """The folder of the language ``?lang=`` names (``LIMA_LANG``), and the error page in it."""
    out = ["", "# ?lang=: the pages in that interface language, kept under lang/{code}/"]
    for code, folder in languages().items():
        out += [
            f"RewriteCond %{{QUERY_STRING}} (^|&)lang={code}(&|$)",
            f"RewriteRule ^ - [E=LIMA_LANG:{folder.lstrip('/')}/]",
        ]
    out += [
        "# ?page=: a later page of a resource page, kept under page/{n}/",
        "RewriteCond %{QUERY_STRING} (^|&)page=([1-9][0-9]{0,5})(&|$)",
        f"RewriteRule ^ - [E=LIMA_PAGED:{PAGED_FOLDER}/%2/]",
    ]
    out.append(f"ErrorDocument 404 /{ERROR_PAGE}")
    for code, folder in languages().items():
        out += [
            f'<If "%{{QUERY_STRING}} =~ /(^|&)lang={code}(&|$)/">',
            f"    ErrorDocument 404 {folder}/{ERROR_PAGE}",
            "</If>",
        ]
    return out


def _htaccess_linked() -> list[str]:
    """The rules of the home page in each language and of the linked pages
    (``prerender.LINKED``): comparison and term pages, charts, the example queries."""
    out = [
        "",
        "# The home page, comparison and term pages, charts: in the language ?lang= names",
        "RewriteCond %{ENV:LIMA_LANG} .",
        f"RewriteRule ^$ %{{ENV:LIMA_LANG}}{HOME_PAGE} [END,E=LIMA_PAGE:1]",
    ]
    for pattern, file, flag in (
        (r"^(compare(/.*)?|term/[^/]+)$", "$0.html", "LIMA_PAGE"),
        (r"^charts/.+$", "$0", "LIMA_CHART"),
    ):
        out += [
            f"RewriteCond %{{DOCUMENT_ROOT}}/%{{ENV:LIMA_LANG}}{file} -f",
            f"RewriteRule {pattern} %{{ENV:LIMA_LANG}}{file} [END,E={flag}:1]",
            f"RewriteRule {pattern} {file} [END,E={flag}:1]",
        ]
    out += ["", "# /queries and /queries/{name}: ?format= names the file, else Accept chooses"]
    for name, (candidates, default) in query_tables().items():
        variable = f"LIMA_{name.upper()}"
        out += [
            "RewriteCond %{HTTP:Accept} ^$",
            f"RewriteRule ^ - [E={variable}:{default.name}]",
        ]
        for pattern, mark in reversed(accept_rules(candidates, default, by_name=True)):
            out += [
                f'RewriteCond %{{HTTP:Accept}} "{pattern}" [NC]',
                f"RewriteRule ^ - [E={variable}:{mark}]",
            ]
        out += [
            "RewriteCond %{QUERY_STRING} (^|&)format=([a-z0-9+-]+)(&|$)",
            f"RewriteRule ^ - [E={variable}:%2]",
        ]
    for pattern, name in ((r"^queries$", "LIST"), (r"^queries/[a-z0-9][a-z0-9-]*$", "QUERY")):
        file = f"$0.%{{ENV:LIMA_{name}}}"
        out += [
            f"RewriteCond %{{DOCUMENT_ROOT}}/%{{ENV:LIMA_LANG}}{file} -f",
            f"RewriteRule {pattern} %{{ENV:LIMA_LANG}}{file} [END,E=LIMA_VARY:1]",
            f"RewriteRule {pattern} {file} [END,E=LIMA_VARY:1]",
        ]
    return out


def queries_htaccess() -> str:
    """``queries/.htaccess``: the media type of an example query's file, named by its format."""
    one = query_tables()["query"][0]
    return "".join(f'AddType "{fmt.content_type}" .{fmt.name}\n' for fmt in one)


def write_static(settings: Settings, out: Path, release: Release | None = None) -> Written:
    """Write the served release's whole site into ``out`` (rendering it first if needed).

    Args:
        settings: as the site is served (the IRI base, the public URL pages show).
        out: the folder to write; files already there are replaced.
        release: the release to write (default: the latest one).
    """
    from .web.resources import CACHE_CONTROL

    release = release or find_release(settings.dist)
    site = Site.read(release)
    if site is None or site.lazy or site.base != settings.base:
        site = render_site(settings, release)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(site.folder, out, dirs_exist_ok=True)
    shutil.copytree(
        release.path,
        out / site_release_path(release.version),
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(SITE_FOLDER, SITE_MANIFEST),
    )
    assets = files("lima_lod.web") / "static"
    for asset in assets.iterdir():
        if asset.is_file():
            (out / "static").mkdir(exist_ok=True)
            (out / "static" / asset.name).write_bytes(asset.read_bytes())
    rules = out / SERVER_RULES_FOLDER
    rules.mkdir(exist_ok=True)
    (rules / NGINX_HTTP).write_text(nginx_http(), encoding="utf-8")
    (rules / NGINX_SERVER).write_text(nginx_server(CACHE_CONTROL), encoding="utf-8")
    (out / HTACCESS).write_text(htaccess(CACHE_CONTROL), encoding="utf-8")
    if (out / "queries").is_dir():
        (out / "queries" / HTACCESS).write_text(queries_htaccess(), encoding="utf-8")
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    return Written(out, len(site.documents), size)
