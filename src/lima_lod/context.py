"""The JSON-LD context of the vocabulary, generated from the ontology, so that our JSON-LD reads
as plain JSON (``"commitment": 10, "score": 1.83``): publishing stage, beside the dumps.
"""

from __future__ import annotations

#: The file name of the context, in the release's vocabulary folder and under ``/def/cfu/``.
CONTEXT_FILE = "context.jsonld"
