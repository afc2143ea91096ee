"""Rulesets as data: schema, files, articles, cases, validation, drafting."""
