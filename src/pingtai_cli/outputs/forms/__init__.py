"""Forms filled from a dossier's facts (Word templates, generic forms)."""
