"""Lowest layer: errors, models, patterns, time budget, regions, progress; imports no other layer."""
