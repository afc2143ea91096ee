"""`pingtai rules …`: the encoded regulations, explained (placeholder until the rules helper lands)."""

from __future__ import annotations
