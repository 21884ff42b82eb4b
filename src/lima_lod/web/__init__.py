"""The HTTP side of lima-lod: the SPARQL endpoint and its pages (last in the flow, kept thin)."""
