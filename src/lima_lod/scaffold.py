"""Scaffold a new report folder from the code lists: ``lima-lod new-report COUNTRY YEAR``.

Before the first stage of the flow: it writes the YAML files an observatory fills in. Every
prioritised commitment has its ratings row with empty scores; every report section (from
:mod:`lima_lod.schema`) is there, empty, with a commented example entry; a README (English and
Spanish) says how to fill them in. People fill in numbers and texts, never structure: an empty
scaffold loads with one "fill this in" error per empty value.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import DataError, Location
from .load import Corpus, load_corpus
from .schema import CHOICES, SECTIONS, Field, Section

#: Which file holds which report section (others go to report.yaml), as in data/reports/mx-2021.
FILES: dict[str, tuple[str, ...]] = {
    "report.yaml": (
        "report",
        "working_group",
        "participants",
        "participating_organizations",
        "specialists",
        "context_figures",
    ),
    "ratings.yaml": ("ratings", "quoted_figures"),
    "findings.yaml": ("findings", "conclusions"),
    "calls-to-action.yaml": ("calls_to_action",),
    "references.yaml": ("references",),
    "institutions.yaml": ("organizations",),
}
#: Example values by field type, for the commented example entries.
EXAMPLES: dict[str, str] = {
    "text": '"..."',
    "slug": "an-id",
    "int": "1",
    "score": "1.50",
    "url": "https://example.org/page",
    "year": "2025",
    "month": '"2025-04"',
    "date": '"2025-04"',
    "bool": "false",
    "lang": "es",
}
#: Keys of the report item filled in from the code lists (the rest is for people to fill in).
README = "README.md"


def _quote(value: object) -> str:
    """A YAML scalar: plain when safe, else JSON's double-quoted string (valid YAML)."""
    text = str(value)
    return text if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", text) else json.dumps(text)


def _report_sections() -> list[Section]:
    """The sections a report folder holds: the report and everything that needs a report."""
    named = [s for f in FILES.values() for s in f]
    sections = {
        s.name: s
        for s in SECTIONS
        if s.name == "report" or s.needs == "report" or s.name == "organizations"
    }
    return [sections[n] for n in named if n in sections] + [
        s for n, s in sections.items() if n not in named
    ]


class _Codes:
    """Example ids taken from the code lists, so examples name things that exist."""

    def __init__(self, corpus: Corpus) -> None:
        def first(kind: str, default: str) -> str:
            keys = sorted(k for (_, k) in corpus.ids.get(kind, {}))
            return keys[0] if keys else default

        self.by_kind = {
            kind: first(kind, default)
            for kind, default in (
                ("organization", "an-organization-id"),
                ("commitment", "1"),
                ("axis", "A"),
                ("criterion", "relevance"),
                ("country", "XX"),
                ("call_to_action", "a1"),
                ("finding", "f1"),
                ("report", "xx-2025"),
                ("agreement", "an-agreement"),
                ("methodology", "a-methodology"),
            )
        }

    def example(self, type_: str) -> str:
        if type_.startswith("list:"):
            return f"[{self.example(type_[5:])}]"
        if type_.startswith("ref:"):
            return _quote(self.by_kind.get(type_[4:], "an-id"))
        return EXAMPLES.get(type_, '"..."')


def _hint(f: Field) -> str:
    need = "required" if f.required else "optional"
    return f"{need}; {f.expected}" if f.expected else need


def _example_item(section: Section, codes: _Codes, indent: str) -> list[str]:
    """A commented example entry of a list section, one key per line."""
    lines: list[str] = []
    for n, f in enumerate(section.fields):
        lead = "- " if n == 0 else "  "
        if f.type.startswith("list:item:"):
            nested = next(s for s in SECTIONS if s.name == f.type[len("list:item:") :])
            lines.append(f"{indent}# {lead}{f.name}:{' ' * max(1, 22 - len(f.name))}# {_hint(f)}")
            lines += [
                line.replace("# ", "#     ", 1) for line in _example_item(nested, codes, indent)
            ]
            continue
        choices = sorted(CHOICES.get((section.name, f.name), ()))
        value = _quote(choices[0]) if choices else codes.example(f.type)
        lines.append(
            f"{indent}# {lead}{f.name}: {value}"
            f"{' ' * max(1, 28 - len(f.name) - len(value))}# {_hint(f)}"
        )
    return lines


def _one_item(section: Section, codes: _Codes, filled: dict[str, str]) -> list[str]:
    """A one-item section: the keys filled from the code lists, the others empty to fill in."""
    lines = [f"{section.name}:"]
    for f in section.fields:
        value = filled.get(f.name, "")
        if f.type.startswith("list:item:"):
            lines.append(f"  # {f.name}:   ({_hint(f)}) e.g.")
            nested = next(s for s in SECTIONS if s.name == f.type[len("list:item:") :])
            lines += _example_item(nested, codes, "  #   ")
            continue
        if not value and not f.required:
            lines.append(
                f"  # {f.name}: {codes.example(f.type)}{' ' * max(1, 24 - len(f.name))}# {_hint(f)}"
            )
            continue
        note = "from the code lists" if value else f"FILL IN ({_hint(f)})"
        lines.append(f"  {f.name}: {value}{' ' * max(1, 30 - len(f.name) - len(value))}# {note}")
    return lines


def _list_section(section: Section, codes: _Codes) -> list[str]:
    lines = [
        (
            f"{section.name}: []{' ' * max(1, 24 - len(section.name))}"
            "# fill in: replace [] by entries like the example below"
        )
    ]
    if section.item_type:
        lines.append(f"  # - {codes.example(section.item_type)}")
    else:
        lines += _example_item(section, codes, "  ")
    return lines


def _ratings(section: Section, corpus: Corpus, agreement: str) -> list[str]:
    """One row per prioritised commitment, every score empty."""
    scores = [f for f in section.fields if f.type == "score"]
    lines = [
        (
            f"{section.name}:                 # one row per prioritised commitment; scores as "
            "printed (1.50, not 1.5), with a decimal point"
        )
    ]
    for c in corpus.section("commitments"):
        if c.context.get("agreement") != agreement:
            continue
        text = " ".join(str(c.get("text") or c.get("summary") or "").split())
        axis = f"axis {c['axis']}: " if c.get("axis") else ""
        lines.append(
            f"  - commitment: {c['number']}          # {axis}{text[:70]}"
            f"{'...' if len(text) > 70 else ''}"
        )
        lines += [
            f"    {f.name}:{' ' * max(1, 20 - len(f.name))}# FILL IN: a score 0-3" for f in scores
        ]
        lines.append(
            '    source:                # FILL IN: where in the report, e.g. "Annex 1, Table 1"'
        )
        lines.append('    # note: "..."          # optional')
    return lines


def _find_country(corpus: Corpus, country: str) -> str:
    codes = {k.upper(): k for (_, k) in corpus.ids.get("country", {})}
    if country.upper() not in codes:
        raise DataError(
            Location("data/countries.yaml"),
            "country",
            country,
            "a country code listed in data/countries.yaml (add your country there "
            f"first); known: {', '.join(sorted(codes))}",
        )
    return codes[country.upper()]


def new_report(
    root: Path, country: str, year: str, out: Path | None = None, ratings: str = "yaml"
) -> str:
    """Write a report folder to fill in; return a summary of what was written.

    Args:
        root: the project root (its ``data/`` holds the code lists).
        country: the country's code in ``data/countries.yaml`` (any case).
        year: the report's year (YYYY).
        out: the folder to write (default ``data/reports/<cc>-<year>``); must be new or empty.
        ratings: ``yaml``, or ``csv`` / ``xlsx`` for a spreadsheet laid out as Annex 1.

    Raises:
        DataError: unknown country, a bad year, or a folder that already holds files.
    """
    from .pipeline import reference_files

    if not re.fullmatch(r"\d{4}", str(year)):
        raise DataError(Location("new-report"), "year", year, "a year (YYYY)")
    corpus = load_corpus(reference_files(root))
    code = _find_country(corpus, country)
    key = f"{code.lower()}-{year}"
    folder = out or root / "data" / "reports" / key
    if folder.exists() and any(folder.iterdir()):
        raise DataError(Location(str(folder)), "(folder)", str(folder), "a new or empty folder")
    agreements = corpus.section("agreement")
    methodologies = corpus.section("methodology")
    agreement = str(agreements[0]["id"]) if agreements else ""
    filled = {
        "id": key,
        "country": _quote(code),
        "year": str(year),
        "agreement": agreement,
        "methodology": str(methodologies[0]["id"]) if methodologies else "",
        "observatory": str(methodologies[0].get("observatory") or "") if methodologies else "",
    }
    codes = _Codes(corpus)
    sections = {s.name: s for s in _report_sections()}
    placed = {n for names in FILES.values() for n in names}
    files = dict(FILES)
    files["report.yaml"] = (*FILES["report.yaml"], *(n for n in sections if n not in placed))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, names in files.items():
        if name == "ratings.yaml" and ratings != "yaml":
            names = tuple(n for n in names if n != "ratings")
        head = ["document:                  # FILL IN: the id of your report in data/sources.yaml"]
        if "report" not in names:
            head.append(f"report: {key}")
        body: list[str] = []
        for section_name in names:
            section = sections.get(section_name)
            if section is None:
                continue
            body.append("")
            if section.name == "report":
                body += _one_item(section, codes, filled)
            elif section.name == "ratings":
                body += _ratings(section, corpus, agreement)
            elif not section.many:
                body += [f"# {section.name}:                 # optional; e.g."]
                body += [
                    f"#   {line[2:]}" if line.startswith("  ") else f"# {line}"
                    for line in _one_item(section, codes, {})[1:]
                ]
            else:
                body += _list_section(section, codes)
        (folder / name).write_text("\n".join(head + body) + "\n", encoding="utf-8")
        written.append(name)
    if ratings != "yaml":
        written.append(_write_sheet(folder, corpus, agreement, ratings))
    (folder / README).write_text(readme(key), encoding="utf-8")
    written.append(README)
    return f"wrote {folder}: {', '.join(written)}"


def _write_sheet(folder: Path, corpus: Corpus, agreement: str, kind: str) -> str:
    """The ratings as a spreadsheet to fill in: Annex 1's columns, one row per commitment."""
    from .spreadsheet import SHEET_NAME

    header = [
        "Commitment",
        "Relevance",
        "Effectiveness",
        "Sustainability",
        "Country Average",
        "Source",
    ]
    rows = [
        [c["number"], None, None, None, None, None]
        for c in corpus.section("commitments")
        if c.context.get("agreement") == agreement
    ]
    if kind == "csv":
        import csv

        with (folder / "ratings.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows([["" if v is None else v for v in row] for row in rows])
        return "ratings.csv"
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_NAME
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row][1:5]:
            cell.number_format = "0.00"  # scores keep two printed decimals
    book.save(folder / "ratings.xlsx")
    return "ratings.xlsx"


def readme(key: str) -> str:
    """The README of a scaffolded folder, for the people who fill it in (English and Spanish)."""
    return f"""# Report {key}: how to fill in these files

**English** (más abajo en español)

These files were written by `lima-lod new-report` from the observatory's code lists (agreement,
prioritised commitments, criteria, countries, organisations). You fill in **numbers and texts**;
please do not change the structure (keys, indentation, the commitment numbers).

- `FILL IN` marks a value you must give. Lines starting with `#` are comments: examples of an
  entry. To add an entry, replace `[]` by entries written like the example (without the `#`).
- `document:` at the top of each file: the id of your report in `data/sources.yaml`.
- Every entry has a `source:` saying where in the report it comes from ("Annex 1, Table 2",
  "Credits", "Results, section 3").
- Scores are written exactly as printed, with a decimal **point**: `1.50`, not `1,5` or `1.5`.
  They go from 0 to 3. The ratings can also be filled in a spreadsheet (`ratings.csv` or
  `ratings.xlsx`, columns Commitment, Relevance, Effectiveness, Sustainability, Country Average,
  Source): then remove the `ratings:` list from `ratings.yaml`.
- Institutions the report names go in `institutions.yaml` (with an id you then use elsewhere).

Check your files, in English or Spanish, and get the list of what is left to do:

    lima-lod validate data/reports/{key}
    lima-lod validate data/reports/{key} --lang es --format csv > to-do.csv

Each problem says the file and line (or sheet, row and column), what is wrong and what to write.

---

**Español**

Estos archivos los escribió `lima-lod new-report` a partir de las listas de códigos del
observatorio (acuerdo, compromisos priorizados, criterios, países, organizaciones). Usted rellena
**números y textos**; no cambie la estructura (claves, sangría, números de compromiso).

- `FILL IN` marca un dato que debe rellenar. Las líneas que empiezan con `#` son comentarios:
  ejemplos de una entrada. Para añadir entradas, reemplace `[]` por entradas escritas como el
  ejemplo (sin el `#`).
- `document:` al inicio de cada archivo: el identificador de su informe en `data/sources.yaml`.
- Cada entrada lleva `source:`, que dice de qué parte del informe viene ("Annex 1, Table 2").
- Las puntuaciones se escriben tal como están impresas, con **punto** decimal: `1.50`, no `1,5`.
  Van de 0 a 3. Las puntuaciones también pueden rellenarse en una hoja de cálculo
  (`ratings.csv` o `ratings.xlsx`, columnas Compromiso, Relevancia, Efectividad, Sostenibilidad,
  Promedio, Fuente); entonces quite la lista `ratings:` de `ratings.yaml`.
- Las instituciones que nombra el informe van en `institutions.yaml`.

Revise sus archivos y obtenga la lista de lo que falta:

    lima-lod validate data/reports/{key} --lang es
    lima-lod validate data/reports/{key} --lang es --format csv > pendientes.csv

Cada problema indica el archivo y la línea (o la hoja, fila y columna), qué está mal y qué
escribir en su lugar.
"""
