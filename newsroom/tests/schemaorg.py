"""Checks JSON-LD against schema.org's vocabulary: every type and property exists, and every
property applies to (is in the domain of) the type it is given on, or one of that type's
ancestors. The vocabulary is the subset the site uses, in data/schemaorg-subset.json, taken from
schema.org's published definitions."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

SUBSET = Path(__file__).parent / "data" / "schemaorg-subset.json"


@functools.cache
def vocabulary() -> dict[str, Any]:
    return json.loads(SUBSET.read_text())


def ancestors(name: str) -> set[str]:
    types = vocabulary()["types"]
    found, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in found and current in types:
            found.add(current)
            todo.extend(types[current])
    return found


def problems(data: Any, path: str = "$") -> list[str]:
    """What in `data` (a JSON-LD document) schema.org does not define; empty when all is."""
    found: list[str] = []
    if isinstance(data, list):
        for index, item in enumerate(data):
            found += problems(item, f"{path}[{index}]")
        return found
    if not isinstance(data, dict):
        return found
    vocab = vocabulary()
    context = data.get("@context")
    if context is not None and context != "https://schema.org":
        found.append(f"{path}: @context is {context!r}")
    declared = data.get("@type")
    names = [declared] if isinstance(declared, str) else list(declared or [])
    lineage: set[str] = set()
    for name in names:
        if name not in vocab["types"]:
            found.append(f"{path}: type {name!r} is not in schema.org")
        lineage |= ancestors(name)
    for key, value in data.items():
        if key.startswith("@"):
            continue
        domain = vocab["properties"].get(key)
        if domain is None:
            found.append(f"{path}.{key}: property {key!r} is not in schema.org")
        elif names and not lineage & set(domain):
            found.append(f"{path}.{key}: {key!r} does not apply to {'/'.join(names)}")
        found += problems(value, f"{path}.{key}")
    return found
