"""lima-lod: publish the Citizen Corruption Observatory's follow-up of the Lima Commitment as linked open data.

Data flows one way: ``load`` (YAML -> records) -> ``build`` (records + ontology -> RDF dataset)
-> ``validate`` (SHACL) -> ``release`` (dumps, DCAT/VoID) -> ``store`` -> ``web``.
"""

__version__ = "1.0.0"
