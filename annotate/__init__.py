"""annotate: build and score NLP datasets from news (entities, quotes, events) with Label Studio."""

__version__ = "0.1.0"
