"""Dossier → facts with evidence: listing and safety, classification, cache, sources/ and facts/."""
