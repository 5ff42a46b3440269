"""Route catalogues: the YAML format analysts write, its validation and its vocabularies."""
