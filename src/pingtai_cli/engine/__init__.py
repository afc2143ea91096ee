"""Pure evaluation of facts against a ruleset: derive, checks, consistency, materials, verdict."""
