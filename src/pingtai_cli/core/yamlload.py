"""The YAML loader every shipped or user file is read with."""

from __future__ import annotations

import yaml

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster, same results
