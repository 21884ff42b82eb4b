"""The pages' interface in English and Spanish, the reader's language, and the label fallback chain.

Only interface text is translated here. The data's own texts (labels, findings, calls to action)
are shown in the language the report printed them in, with their language tag, never translated.
The reader's language comes from ``?lang=``, else the ``lang`` cookie the switch sets, else
``Accept-Language``, else English.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LANGUAGES = ("en", "es")
DEFAULT = "en"
COOKIE = "lang"
#: Which languages a label is looked for in after the reader's own, in order.
FALLBACK = ("en", "es")

#: Every interface text, keyed; each key in every language of LANGUAGES.
TEXTS: dict[str, dict[str, str]] = {
    "site": {
        "en": "Lima Commitment follow-up, as linked open data",
        "es": "Seguimiento del Compromiso de Lima, como datos abiertos enlazados",
    },
    "home": {"en": "Home", "es": "Inicio"},
    "query": {"en": "SPARQL query", "es": "Consulta SPARQL"},
    "vocabulary": {"en": "Vocabulary", "es": "Vocabulario"},
    "search": {"en": "Search", "es": "Buscar"},
    "search_label": {"en": "Search the data", "es": "Buscar en los datos"},
    "search_placeholder": {
        "en": "commitment, institution, person…",
        "es": "compromiso, institución, persona…",
    },
    "search_results": {"en": "Search results", "es": "Resultados de la búsqueda"},
    "search_none": {"en": "Nothing matches.", "es": "No hay coincidencias."},
    "search_count": {"en": "results for", "es": "resultados para"},
    "search_prompt": {
        "en": "Type a word to search labels, acronyms, numbers and texts.",
        "es": "Escriba una palabra para buscar en etiquetas, siglas, números y textos.",
    },
    "kind": {"en": "Kind", "es": "Tipo"},
    "matched": {"en": "Matched in", "es": "Coincide en"},
    "language": {"en": "Language", "es": "Idioma"},
    "licence": {"en": "Data licence", "es": "Licencia de los datos"},
    "licence_text": {
        "en": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "es": "Creative Commons Atribución 4.0 Internacional (CC BY 4.0)",
    },
    "cite": {"en": "How to cite", "es": "Cómo citar"},
    "cite_text": {
        "en": "Citizen Corruption Observatory, as published by lima-lod",
        "es": "Observatorio Ciudadano de Corrupción, publicado por lima-lod",
    },
    "retrieved": {"en": "Retrieved from", "es": "Consultado en"},
    "release": {"en": "Release", "es": "Versión publicada"},
    "as_data": {"en": "As data", "es": "Como datos"},
    "properties": {"en": "Properties", "es": "Propiedades"},
    "property": {"en": "Property", "es": "Propiedad"},
    "value": {"en": "Value", "es": "Valor"},
    "incoming": {"en": "Pointing here", "es": "Enlaces hacia aquí"},
    "incoming_count": {"en": "resources", "es": "recursos"},
    "more": {"en": "More", "es": "Más"},
    "previous": {"en": "Previous", "es": "Anterior"},
    "page": {"en": "Page", "es": "Página"},
    "provenance": {"en": "Provenance", "es": "Procedencia"},
    "source_location": {"en": "Where in the report", "es": "Dónde en el informe"},
    "source": {"en": "Source", "es": "Fuente"},
    "assessed_by": {"en": "Whose assessment", "es": "De quién es la evaluación"},
    "assessment_note": {
        "en": "Ratings are the civil-society observatory's assessment, not an official one.",
        "es": "Las calificaciones son la evaluación del observatorio de la sociedad civil, "
        "no una evaluación oficial.",
    },
    "type": {"en": "Type", "es": "Tipo"},
    "report": {"en": "Report", "es": "Informe"},
    "country": {"en": "Country", "es": "País"},
    "year": {"en": "Year", "es": "Año"},
    "observatory": {"en": "Observatory", "es": "Observatorio"},
    "local_partner": {"en": "Local partner", "es": "Socio local"},
    "methodology": {"en": "Methodology", "es": "Metodología"},
    "agreement": {"en": "Agreement", "es": "Acuerdo"},
    "summary_chart": {
        "en": "Average rating per thematic axis",
        "es": "Calificación promedio por eje temático",
    },
    "summary_desc": {
        "en": "Country average of each thematic axis on the 0-3 scale.",
        "es": "Promedio del país en cada eje temático, en la escala de 0 a 3.",
    },
    "axis_chart": {
        "en": "Ratings of the commitments of the axis",
        "es": "Calificaciones de los compromisos del eje",
    },
    "axis_desc": {
        "en": "Relevance, effectiveness, sustainability and country average of each "
        "commitment, on the 0-3 scale.",
        "es": "Relevancia, efectividad, sostenibilidad y promedio del país de cada "
        "compromiso, en la escala de 0 a 3.",
    },
    "scores_chart": {"en": "Scores of commitment", "es": "Calificaciones del compromiso"},
    "download_svg": {"en": "Download chart (SVG)", "es": "Descargar gráfico (SVG)"},
    "ratings_table": {"en": "Ratings table", "es": "Tabla de calificaciones"},
    "sort_hint": {
        "en": "Click a column heading to sort.",
        "es": "Pulse el encabezado de una columna para ordenar.",
    },
    "commitment": {"en": "Commitment", "es": "Compromiso"},
    "commitments": {"en": "Commitments", "es": "Compromisos"},
    "number": {"en": "No.", "es": "N.º"},
    "text": {"en": "Text", "es": "Texto"},
    "axis": {"en": "Thematic axis", "es": "Eje temático"},
    "axes": {"en": "Thematic axes", "es": "Ejes temáticos"},
    "criterion": {"en": "Criterion", "es": "Criterio"},
    "relevance": {"en": "Relevance", "es": "Relevancia"},
    "effectiveness": {"en": "Effectiveness", "es": "Efectividad"},
    "sustainability": {"en": "Sustainability", "es": "Sostenibilidad"},
    "overall": {"en": "Country average", "es": "Promedio del país"},
    "average": {"en": "Average", "es": "Promedio"},
    "scale": {"en": "Scale 0-3", "es": "Escala 0-3"},
    "not_rated": {"en": "not rated", "es": "sin calificación"},
    "scores": {"en": "Scores", "es": "Calificaciones"},
    "findings": {"en": "Findings", "es": "Hallazgos"},
    "conclusions": {"en": "Conclusions", "es": "Conclusiones"},
    "progress": {"en": "Progress", "es": "Avances"},
    "weakness": {"en": "Weaknesses", "es": "Debilidades"},
    "calls": {"en": "Calls to action", "es": "Llamados a la acción"},
    "general": {"en": "General", "es": "Generales"},
    "institutions": {"en": "Institutions named", "es": "Instituciones mencionadas"},
    "participants": {"en": "Participants", "es": "Participantes"},
    "organizations": {"en": "Participating organisations", "es": "Organizaciones participantes"},
    "specialists": {"en": "Specialists interviewed", "es": "Especialistas entrevistados"},
    "references": {"en": "References", "es": "Referencias"},
    "downloads": {"en": "Downloads", "es": "Descargas"},
    "quoted": {"en": "Figures quoted in the text", "es": "Cifras citadas en el texto"},
    "contradiction": {
        "en": "The report's figures for this do not agree with each other.",
        "es": "Las cifras del informe sobre esto no concuerdan entre sí.",
    },
    "validation_note": {
        "en": "Validation warning (from the release's validation report)",
        "es": "Advertencia de validación (del informe de validación publicado)",
    },
    "quoted_value": {"en": "Quoted", "es": "Citado"},
    "table_value": {"en": "In the table", "es": "En la tabla"},
    "members": {"en": "Members and roles", "es": "Miembros y funciones"},
    "role": {"en": "Role", "es": "Función"},
    "member_of": {"en": "Member of", "es": "Miembro de"},
    "named_in": {"en": "Named in", "es": "Mencionado en"},
    "interviews": {"en": "Interviews", "es": "Entrevistas"},
    "definition": {"en": "Definition", "es": "Definición"},
    "domain": {"en": "Domain", "es": "Dominio"},
    "range": {"en": "Range", "es": "Rango"},
    "examples": {"en": "Examples from the data", "es": "Ejemplos de los datos"},
    "dimensions": {"en": "Dimensions", "es": "Dimensiones"},
    "concerns": {"en": "Concerns", "es": "Se refiere a"},
    "part_of": {"en": "Part of", "es": "Parte de"},
    "rated_in": {"en": "Rated in", "es": "Calificado en"},
    "open_query": {"en": "Open in the query page", "es": "Abrir en la página de consultas"},
    "skip": {"en": "Skip to content", "es": "Saltar al contenido"},
    "scores_in": {"en": "Scores in", "es": "Puntuaciones en"},
    "chart_data": {"en": "The chart's figures", "es": "Las cifras del gráfico"},
    "sort": {"en": "sort", "es": "ordenar"},
    "home_title": {
        "en": "Follow-up of the Lima Commitment, as linked open data",
        "es": "Seguimiento del Compromiso de Lima, como datos abiertos enlazados",
    },
    "home_intro": {
        "en": "The Citizen Corruption Observatory's national reports on the Lima Commitment "
        '("Democratic Governance against Corruption", VIII Summit of the Americas, '
        "2018): ratings, findings, calls to action, institutions, sources and participants.",
        "es": "Los informes nacionales del Observatorio Ciudadano de Corrupción sobre el "
        'Compromiso de Lima ("Gobernabilidad Democrática frente a la Corrupción", '
        "VIII Cumbre de las Américas, 2018): calificaciones, hallazgos, llamados a la "
        "acción, instituciones, fuentes y participantes.",
    },
    "endpoint": {"en": "SPARQL endpoint", "es": "Punto de acceso SPARQL"},
    "triples": {"en": "triples", "es": "tripletas"},
    "browse": {"en": "Browse", "es": "Explorar"},
    "home_report": {"en": "Mexico report, 2021", "es": "Informe de México, 2021"},
    "home_dataset": {
        "en": "Mexico's ratings (a slice of the RDF Data Cube)",
        "es": "Calificaciones de México (un corte del cubo RDF Data Cube)",
    },
    "home_cube": {
        "en": "every report's ratings (the cube)",
        "es": "las calificaciones de todos los informes (el cubo)",
    },
    "home_agreement": {
        "en": "The Lima Commitment and its commitments",
        "es": "El Compromiso de Lima y sus compromisos",
    },
    "home_commitment": {
        "en": "Commitment 10: conflicts of interest and declarations of assets",
        "es": "Compromiso 10: conflictos de intereses y declaraciones patrimoniales",
    },
    "home_vocabulary": {"en": "The cfu vocabulary", "es": "El vocabulario cfu"},
    "home_shapes": {"en": "its SHACL shapes", "es": "sus formas SHACL"},
    "file": {"en": "File", "es": "Archivo"},
    "media_type": {"en": "Media type", "es": "Tipo de medio"},
    "graphs": {"en": "Named graphs", "es": "Grafos con nombre"},
    # kinds of hits whose class is not ours (ours are named by the vocabulary's labels)
    "broader": {"en": "Broader term", "es": "Término más amplio"},
    "uses": {"en": "Uses in the data", "es": "Usos en los datos"},
    "documentation": {
        "en": "In the vocabulary's documentation",
        "es": "En la documentación del vocabulario",
    },
    "compare": {"en": "Compare", "es": "Comparar"},
    "compare_title": {
        "en": "Comparisons across countries and rounds",
        "es": "Comparaciones entre países y rondas",
    },
    "compare_intro": {
        "en": "Every report is one slice of one ratings cube: the same commitment, axis or "
        "criterion side by side in every country and round.",
        "es": "Cada informe es un corte de un único cubo de calificaciones: el mismo compromiso, "
        "eje o criterio, lado a lado en cada país y ronda.",
    },
    "compare_one": {
        "en": "One report is available: the comparisons show it alone until more are published.",
        "es": "Hay un informe disponible: las comparaciones lo muestran solo hasta que se "
        "publiquen más.",
    },
    "compare_many": {"en": "reports are available", "es": "informes disponibles"},
    "compare_link": {"en": "Compare across reports", "es": "Comparar entre informes"},
    "compare_by_report": {"en": "in every report", "es": "en cada informe"},
    "compare_reports": {"en": "Reports", "es": "Informes"},
    "compare_countries": {"en": "Change between rounds", "es": "Cambio entre rondas"},
    "compare_none": {
        "en": "No report rates this yet.",
        "es": "Ningún informe lo califica todavía.",
    },
    "compare_commitment_desc": {
        "en": "Relevance, effectiveness, sustainability and country average of the commitment "
        "in each report, on the 0-3 scale.",
        "es": "Relevancia, efectividad, sostenibilidad y promedio del país del compromiso en "
        "cada informe, en la escala 0-3.",
    },
    "compare_axis_desc": {
        "en": "Mean country average of the axis's rated commitments in each report, on the "
        "0-3 scale.",
        "es": "Media de los promedios del país de los compromisos calificados del eje en cada "
        "informe, en la escala 0-3.",
    },
    "compare_criterion_desc": {
        "en": "Score of each commitment on this criterion in each report, on the 0-3 scale.",
        "es": "Calificación de cada compromiso en este criterio en cada informe, en la escala 0-3.",
    },
    "compare_country_desc": {
        "en": "Country average of each commitment in the first and the later round, on the "
        "0-3 scale.",
        "es": "Promedio del país de cada compromiso en la primera ronda y en la posterior, en "
        "la escala 0-3.",
    },
    "axis_average": {"en": "Axis average", "es": "Promedio del eje"},
    "commitments_rated": {"en": "Commitments rated", "es": "Compromisos calificados"},
    "first_round": {"en": "First round", "es": "Primera ronda"},
    "later_round": {"en": "Later round", "es": "Ronda posterior"},
    "change": {
        "en": "Change, first to latest round",
        "es": "Cambio, de la primera a la última ronda",
    },
    "one_round": {
        "en": "Only one round of this country is available: there is no change to show yet.",
        "es": "Solo hay una ronda de este país: todavía no hay cambio que mostrar.",
    },
    "methodology_flag": {
        "en": "Not strictly comparable: these figures come from rounds that used a different "
        "methodology, criteria or rating scale.",
        "es": "No estrictamente comparables: estas cifras provienen de rondas que usaron otra "
        "metodología, otros criterios u otra escala de calificación.",
    },
    "used_only": {
        "en": "What each round used that the others did not:",
        "es": "Lo que usó cada ronda y las demás no:",
    },
    "kind:BibliographicResource": {"en": "Reference", "es": "Referencia"},
    "kind:Person": {"en": "Person", "es": "Persona"},
    "kind:Organization": {"en": "Organisation", "es": "Organización"},
    "kind:Observation": {"en": "Observation", "es": "Observación"},
    "kind:Concept": {"en": "Concept", "es": "Concepto"},
    "kind:Membership": {"en": "Membership", "es": "Membresía"},
    "kind:Role": {"en": "Role", "es": "Función"},
    "kind:Document": {"en": "Document", "es": "Documento"},
    "kind:Class": {"en": "Vocabulary class", "es": "Clase del vocabulario"},
    "kind:ObjectProperty": {"en": "Vocabulary property", "es": "Propiedad del vocabulario"},
    "kind:DatatypeProperty": {"en": "Vocabulary property", "es": "Propiedad del vocabulario"},
    "kind:Dataset": {"en": "Dataset", "es": "Conjunto de datos"},
    "kind:Distribution": {"en": "Distribution", "es": "Distribución"},
    # error pages (for browsers; other clients get the message as text)
    "error.404": {"en": "Not found", "es": "No se encontró"},
    "error.406": {
        "en": "Not available in the format asked for",
        "es": "No disponible en el formato pedido",
    },
    "error.other": {"en": "The request could not be answered", "es": "No se pudo responder"},
    "error.message": {"en": "What the server says", "es": "Lo que dice el servidor"},
    "error.help": {
        "en": "Try the search box above, the home page or the example queries.",
        "es": "Pruebe el buscador de arriba, la página de inicio o las consultas de ejemplo.",
    },
    # the query page and the example queries' pages
    "query.title": {"en": "SPARQL query", "es": "Consulta SPARQL"},
    "query.endpoint": {"en": "Endpoint", "es": "Punto de acceso"},
    "query.description": {"en": "service description as", "es": "descripción del servicio en"},
    "query.label": {"en": "Query", "es": "Consulta"},
    "query.run": {"en": "Run query", "es": "Ejecutar la consulta"},
    "query.as": {"en": "as", "es": "como"},
    "query.as_table": {"en": "a table on this page", "es": "una tabla en esta página"},
    "query.no_editor": {
        "en": "The interactive editor (YASGUI) is not installed on this server (make install installs it); this plain form works without it.",
        "es": "El editor interactivo (YASGUI) no está instalado en este servidor (make install lo instala); este formulario sencillo funciona sin él.",
    },
    "query.examples": {"en": "Example queries", "es": "Consultas de ejemplo"},
    "query.examples_intro": {
        "en": "Each runs with one click; each has its own address, which gives its text, its results or a page.",
        "es": "Cada una se ejecuta con un clic; cada una tiene su propia dirección, que da su texto, sus resultados o una página.",
    },
    "query.run_example": {"en": "Run", "es": "Ejecutar"},
    "query.example_iri": {"en": "its page", "es": "su página"},
    "query.downloads": {"en": "Download the results", "es": "Descargar los resultados"},
    "query.permalink": {"en": "Permalink", "es": "Enlace permanente"},
    "query.permalink_help": {
        "en": "reproduces this query and this view of its results",
        "es": "reproduce esta consulta y esta vista de sus resultados",
    },
    "query.results": {"en": "Results", "es": "Resultados"},
    "query.answer": {"en": "Answer", "es": "Respuesta"},
    "query.error": {"en": "Error", "es": "Error"},
    "query.result": {"en": "result", "es": "resultado"},
    "query.results_n": {"en": "results", "es": "resultados"},
    "query.truncated": {"en": "cut at the limit of", "es": "cortados en el límite de"},
    "query.shown": {
        "en": "This page shows the first %d of %d; download them all with the form above.",
        "es": "Esta página muestra los primeros %d de %d; descárguelos todos con el formulario de arriba.",
    },
    "query.open": {"en": "Open in the query page", "es": "Abrir en la página de consulta"},
    "query.text": {"en": "Query text", "es": "Texto de la consulta"},
    "query.formats": {"en": "This query as", "es": "Esta consulta en"},
    "editor.editor": {"en": "SPARQL query editor", "es": "Editor de consultas SPARQL"},
    "editor.endpoint": {"en": "SPARQL endpoint", "es": "Punto de acceso SPARQL"},
    "editor.pageSize": {"en": "Rows per page", "es": "Filas por página"},
    "editor.filter": {"en": "Filter the results", "es": "Filtrar los resultados"},
    "nav.examples": {"en": "Example queries", "es": "Consultas de ejemplo"},
}


@dataclass(frozen=True)
class Texts:
    """The interface texts of one language, called as ``t("key")`` in templates."""

    lang: str

    def __call__(self, key: str) -> str:
        entry = TEXTS[key]
        return entry.get(self.lang) or entry[DEFAULT]


def _accepted(header: str | None) -> list[str]:
    """The primary language tags of an ``Accept-Language`` header, most wanted first."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, index, tag.split("-")[0].lower()))
    return [tag for _, _, tag in sorted(ranked)]


def choose(param: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The reader's language: ``?lang=``, else the cookie, else Accept-Language, else English."""
    for wanted in (param, cookie):
        if wanted and wanted.lower() in LANGUAGES:
            return wanted.lower()
    for tag in _accepted(accept_language):
        if tag in LANGUAGES:
            return tag
        if tag == "*":
            break
    return DEFAULT


def chain(lang: str) -> tuple[str, ...]:
    """Languages to look for a label in: the reader's, then English, then Spanish."""
    return (lang, *(f for f in FALLBACK if f != lang))


def pick(values: Iterable[tuple[str, str]], lang: str) -> tuple[str, str] | None:
    """Choose one ``(text, language)`` by the fallback chain, then untagged, then any (sorted).

    Never a random language: with no preferred one the choice is the first in a fixed order.
    """
    found = sorted(set(values))
    for wanted in (*chain(lang), ""):
        for text, tag in found:
            if tag.lower().split("-")[0] == wanted if wanted else not tag:
                return text, tag
    return found[0] if found else None
