"""Facts read from documents (one module per document kind) and cross-source checks."""
