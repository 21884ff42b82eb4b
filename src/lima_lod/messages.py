"""Say a data error in plain words, in English or Spanish: what is wrong and what to write instead.

A :class:`~lima_lod.errors.DataError` carries a message key (``code``) and parameters; errors
raised before keys existed are given one from what they expected. Each interface (the CLI's
``validate``, a web page) renders the same key in the reader's language, as the Open Contracting
validator does. ``str(error)`` stays the programmer's one-line English form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .errors import CellLocation, DataError, Location

LANGS = ("en", "es")

#: Message key -> language -> (what is wrong, what to write instead). ``{key}``, ``{value}`` and
#: the error's parameters fill the templates.
MESSAGES: dict[str, dict[str, tuple[str, str]]] = {
    "missing": {
        "en": ("'{key}' is empty", "fill this in{expected}"),
        "es": ("'{key}' está vacío", "rellene este dato{expected}"),
    },
    "decimal-comma": {
        "en": (
            "'{key}' is {value}: a decimal comma",
            "write the number with a decimal point, as printed: {suggestion}",
        ),
        "es": (
            "'{key}' es {value}: una coma decimal",
            "escriba el número con punto decimal, tal como está impreso: {suggestion}",
        ),
    },
    "out-of-scale": {
        "en": (
            "'{key}' is {value}, outside the 0-3 scale",
            "write a score from 0 to 3 as printed in the report (e.g. 1.50)",
        ),
        "es": (
            "'{key}' es {value}, fuera de la escala 0-3",
            "escriba una puntuación de 0 a 3 tal como está impresa en el informe (p. ej. 1.50)",
        ),
    },
    "bad-value": {
        "en": ("'{key}' is {value}", "write {expected}"),
        "es": ("'{key}' es {value}", "escriba {expected}"),
    },
    "unknown-key": {
        "en": ("'{key}' is not a key of {section}", "check the spelling; the keys are: {known}"),
        "es": (
            "'{key}' no es una clave de {section}",
            "revise la ortografía; las claves son: {known}",
        ),
    },
    "unknown-section": {
        "en": ("'{key}' is not a section", "check the spelling; the sections are: {known}"),
        "es": ("'{key}' no es una sección", "revise la ortografía; las secciones son: {known}"),
    },
    "unknown-id": {
        "en": (
            "'{key}' names {value}, which is not defined",
            "use the id of {kind} defined in the data{known}",
        ),
        "es": (
            "'{key}' nombra {value}, que no está definido",
            "use el identificador de {kind} definido en los datos{known}",
        ),
    },
    "unknown-commitment": {
        "en": (
            "commitment {value} is not one of the prioritised commitments",
            "write one of the prioritised commitment numbers: {known}",
        ),
        "es": (
            "el compromiso {value} no es uno de los compromisos priorizados",
            "escriba uno de los números de compromiso priorizados: {known}",
        ),
    },
    "missing-row": {
        "en": ("commitment {number} has no row", "add a row for commitment {number}"),
        "es": (
            "el compromiso {number} no tiene fila",
            "añada una fila para el compromiso {number}",
        ),
    },
    "duplicate": {
        "en": (
            "{value} is given twice (first at {first})",
            "keep one, or give this one its own id",
        ),
        "es": (
            "{value} aparece dos veces (la primera en {first})",
            "deje uno, o dé a este su propio identificador",
        ),
    },
    "syntax": {
        "en": (
            "the file is not well-formed {format}: {value}",
            "check the indentation and the quotes on and just before this line",
        ),
        "es": (
            "el archivo no es {format} bien formado: {value}",
            "revise la sangría y las comillas en esta línea y la anterior",
        ),
    },
    "file": {
        "en": ("the file cannot be read: {value}", "give {expected}"),
        "es": ("no se puede leer el archivo: {value}", "indique {expected}"),
    },
    "shape": {
        "en": ("{message}", "{fix}"),
        "es": ("{message}", "{fix}"),
    },
}

#: Title of each kind of problem in the summary.
KINDS: dict[str, dict[str, str]] = {
    "missing": {"en": "Values to fill in", "es": "Datos por rellenar"},
    "decimal-comma": {"en": "Numbers with a decimal comma", "es": "Números con coma decimal"},
    "out-of-scale": {"en": "Scores outside the scale", "es": "Puntuaciones fuera de la escala"},
    "bad-value": {"en": "Values of the wrong kind", "es": "Valores de tipo incorrecto"},
    "unknown-key": {"en": "Unknown keys", "es": "Claves desconocidas"},
    "unknown-section": {"en": "Unknown sections", "es": "Secciones desconocidas"},
    "unknown-id": {"en": "References to undefined ids", "es": "Referencias a ids no definidos"},
    "unknown-commitment": {"en": "Commitments not prioritised", "es": "Compromisos no priorizados"},
    "missing-row": {"en": "Commitments without a row", "es": "Compromisos sin fila"},
    "duplicate": {"en": "Repeated ids or rows", "es": "Identificadores o filas repetidos"},
    "syntax": {"en": "Files that do not parse", "es": "Archivos que no se pueden leer"},
    "file": {"en": "Files that cannot be read", "es": "Archivos ilegibles"},
    "shape": {"en": "Checks on the published data", "es": "Controles de los datos publicados"},
}

#: What the loader expects, in Spanish (the English is the loader's own wording).
EXPECTED_ES: dict[str, str] = {
    "non-empty text": "un texto no vacío",
    "an id of letters, digits, '.', '_', '-'": "un identificador de letras, cifras, '.', '_', '-'",
    "a whole number": "un número entero",
    "a number 0-3": "un número de 0 a 3",
    "an http(s) URL without spaces": "una URL http(s) sin espacios",
    "a year (YYYY)": "un año (AAAA)",
    "a month (YYYY-MM)": "un mes (AAAA-MM)",
    "a date (YYYY, YYYY-MM or YYYY-MM-DD)": "una fecha (AAAA, AAAA-MM o AAAA-MM-DD)",
    "true or false": "true o false",
    "a language tag (BCP 47), such as es or en": "una etiqueta de idioma (BCP 47), como es o en",
    "a value for required key": "un valor (obligatorio)",
    "the id of a source in data/sources.yaml": "el identificador de una fuente de data/sources.yaml",
    "a ratings row for every prioritised commitment": "una fila de puntuaciones por cada compromiso priorizado",
    "a text key": "una clave de texto",
    "each key once in a mapping": "cada clave una sola vez",
    "a mapping of sections": "un conjunto de secciones (clave: valor)",
    "UTF-8 text": "texto UTF-8",
    "a readable file": "un archivo legible",
    "an existing file or folder": "un archivo o carpeta existente",
    "a list of items": "una lista de elementos",
    "at least one data file": "al menos un archivo de datos",
    "where in the source document this comes from": "de qué parte del documento fuente viene",
    "the commitment's official number": "el número oficial del compromiso",
    "a whole number 0-3": "un número entero de 0 a 3",
    "the language the title is printed in (default en)": "el idioma en que está impreso el título (en por omisión)",
    "an ISO 3166-1 alpha-2 code": "un código ISO 3166-1 alfa-2",
    "progress, weakness or general": "progress, weakness o general",
}

#: Kinds of things a reference names, in Spanish.
KIND_ES: dict[str, str] = {
    "a commitment": "un compromiso",
    "an organization": "una organización",
    "a country": "un país",
    "an agreement": "un acuerdo",
    "a methodology": "una metodología",
    "a report": "un informe",
    "an axis": "un eje",
    "a criterion": "un criterio",
    "a call to action": "un llamado a la acción",
    "a finding": "un hallazgo",
}

_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.DOTALL), k)
    for p, k in (
        (r"^a value for required key(?: \((?P<why>.*)\))?$", "missing"),
        (r"^a number 0-3$", "score"),
        (r"^one of the keys of (?P<section>\w+): (?P<known>.*)$", "unknown-key"),
        (r"^one of the sections (?P<known>.*)$", "unknown-section"),
        (
            r"^the id of (?P<kind>an? .+?) defined in data/(?:; known: (?P<known>.*))?$",
            "unknown-id",
        ),
        (r"^an id not used before \(already defined at (?P<first>.*)\)$", "duplicate"),
        (r"^well-formed (?P<format>.*)$", "syntax"),
        (r"^(UTF-8 text|a readable file|an existing file or folder)$", "file"),
    )
)


@dataclass(frozen=True)
class Problem:
    """One problem, said for a person: where, what is wrong, what to write instead."""

    kind: str
    severity: str  # "error" (the data cannot be published) or "warning"
    location: Location | None
    key: str
    value: str
    problem: str
    fix: str

    def where(self, lang: str = "en") -> str:
        """The place, in the reader's language."""
        return place(self.location, lang)

    def row(self, lang: str = "en") -> dict[str, str]:
        """The problem as one row of a to-do list."""
        loc = self.location
        cell = loc if isinstance(loc, CellLocation) else None
        return {
            "severity": self.severity,
            "kind": self.kind,
            "file": loc.file if loc else "",
            "line": str(loc.line or "") if loc else "",
            "sheet": cell.sheet if cell else "",
            "row": str(cell.row or "") if cell else "",
            "column": cell.column if cell else "",
            "key": self.key,
            "value": self.value,
            "problem": self.problem,
            "fix": self.fix,
            "where": self.where(lang),
        }


def place(location: Location | None, lang: str = "en") -> str:
    """A file and line, or a file, sheet, row and column, in the reader's language."""
    if location is None:
        return ""
    if isinstance(location, CellLocation) and lang == "es":
        parts = [
            location.file,
            f"hoja {location.sheet}" if location.sheet else "",
            f"fila {location.row}" if location.row else "",
            f"columna {location.column} ({location.header})" if location.column else "",
        ]
        return ", ".join(p for p in parts if p)
    return str(location)


def key_of(error: DataError) -> tuple[str, dict[str, object]]:
    """The message key and parameters of an error: its own, or read from what it expected."""
    if error.code:
        return error.code, dict(error.params)
    for pattern, kind in _RULES:
        match = pattern.match(error.expected)
        if match is None:
            continue
        params: dict[str, object] = {k: v for k, v in match.groupdict().items() if v is not None}
        if kind == "score":
            suggestion = decimal_comma(error.value)
            if suggestion is not None:
                return "decimal-comma", {"suggestion": suggestion}
            if isinstance(error.value, (int, Decimal)) and not isinstance(error.value, bool):
                return "out-of-scale", {}
            return "bad-value", {"expected": error.expected}
        if kind == "missing":
            params["expected"] = params.pop("why", "")
        if kind == "unknown-id" and params.get("kind") == "a commitment":
            return "unknown-commitment", {"known": params.get("known", "")}
        return kind, params
    return "bad-value", {"expected": error.expected}


def decimal_comma(value: object) -> str | None:
    """The number a value with a decimal comma means (``'1,5'`` -> ``'1.5'``), or None."""
    if not isinstance(value, str) or not re.fullmatch(r"\s*\d+,\d+\s*", value):
        return None
    try:
        return str(Decimal(value.strip().replace(",", ".")))
    except InvalidOperation:
        return None


def _es(text: str) -> str:
    """Put the loader's English words for what it expected into Spanish where known."""
    if text in EXPECTED_ES:
        return EXPECTED_ES[text]
    for english, spanish in KIND_ES.items():
        if text == english:
            return spanish
    return text


def _shown(value: object) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, (Decimal, int)) else repr(value)


def render(error: DataError, lang: str = "en") -> Problem:
    """Say one data error in a language (``en`` or ``es``)."""
    kind, params = key_of(error)
    values = {k: str(v) for k, v in params.items()}
    if lang == "es":
        values = {k: _es(v) for k, v in values.items()}
    if kind == "unknown-id":
        known = values.get("known", "")
        values["known"] = f" ({'p. ej.' if lang == 'es' else 'e.g.'} {known})" if known else ""
    if kind == "missing":
        values["expected"] = f": {values['expected']}" if values.get("expected") else ""
    values.setdefault("expected", _es(error.expected) if lang == "es" else error.expected)
    values.setdefault("known", "")
    values.setdefault("number", _shown(error.value))
    values.setdefault("first", "")
    values.setdefault("format", "")
    values.update(key=error.key, value=_shown(error.value))
    wrong, fix = MESSAGES[kind][lang if lang in LANGS else "en"]
    location = (
        error.location if isinstance(error.location, Location) else Location(str(error.location))
    )
    return Problem(
        kind,
        "error",
        location,
        error.key,
        _shown(error.value),
        wrong.format(**values),
        fix.format(**values),
    )


def errors_of(error: DataError) -> list[DataError]:
    """The single errors inside an error (a DataErrors holds several)."""
    inner = getattr(error, "errors", None)
    return list(inner) if isinstance(inner, list) else [error]
