"""The Apache rules of a static site: a ``.htaccess`` (mod_rewrite, mod_headers) at its root
that reproduces the app's 303s, negotiation, ``Vary``, 406s and 404s, its languages
(``?lang=``), variants (``?format=``, ``?page=``) and media types, and ``queries/.htaccess``
(the media types of the example queries' files).
"""

from __future__ import annotations

import re

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
