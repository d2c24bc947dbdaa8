"""The evidence map: what shows each ISO 9001 clause is met.

A clause is covered when it has a governing document in force, at least one
record from the last 12 months and, once audits exist, an audit in the
current cycle. Each app registers a provider for the kind of evidence it
holds, so this module never imports the apps::

    evidence.register("record", records_per_clause)

A provider takes a list of clause ids and returns ``{clause_id: [Evidence]}``
with a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

KINDS = {
    "document": _("governing document in force"),
    "record": _("record from the last 12 months"),
    "audit": _("audited in the current cycle"),
}


@dataclass(frozen=True)
class Evidence:
    kind: str
    label: str
    url: str = ""


Provider = Callable[[list[int]], dict[int, list[Evidence]]]
_PROVIDERS: dict[str, list[Provider]] = defaultdict(list)


def register(kind: str, provider: Provider) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown evidence kind {kind!r}")
    if provider not in _PROVIDERS[kind]:
        _PROVIDERS[kind].append(provider)


def required_kinds() -> list[str]:
    """Documents and records are always required; audits once they exist."""
    return [k for k in KINDS if k != "audit" or _PROVIDERS.get("audit")]


def collect(clause_ids: list[int]) -> dict[int, dict[str, list[Evidence]]]:
    found: dict[int, dict[str, list[Evidence]]] = {
        cid: {kind: [] for kind in KINDS} for cid in clause_ids
    }
    for kind, providers in _PROVIDERS.items():
        for provider in providers:
            for cid, items in provider(clause_ids).items():
                if cid in found:
                    found[cid][kind].extend(items)
    return found
