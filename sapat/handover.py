"""Open work a person leaves behind, and handing it over to a successor.

Each app that assigns work to people registers a :class:`Provider`::

    from sapat.handover import Provider, register

    register(Provider(
        key="capa.actions",
        label=gettext_lazy("CAPA actions"),
        open_items=lambda user: [(str(a), a.get_absolute_url()) for a in ...],
        hand_over=lambda *, from_user, to_user, actor: <number moved>,
    ))

:func:`sapat.accounts.services.user_deactivate` lists the open work of all
providers, refuses to deactivate someone who has some unless a successor is
named, and hands it all over in one transaction. :data:`deactivated` is sent
inside that transaction once the account is inactive (the staff file closes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.dispatch import Signal

#: Sent with ``user``, ``successor``, ``actor`` and ``left_on`` after the
#: account is deactivated, inside the same transaction.
deactivated = Signal()


@dataclass(frozen=True)
class Provider:
    #: A stable identifier, e.g. "documents.owned".
    key: str
    #: What the items are, for people (lazy translation).
    label: str
    #: ``(label, url)`` of each open item assigned to a user.
    open_items: Callable[..., list[tuple[str, str]]]
    #: Reassigns the open items of ``from_user`` to ``to_user`` (keyword
    #: arguments ``from_user``, ``to_user``, ``actor``); returns how many.
    hand_over: Callable[..., int]


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    """Add (or replace, by key) a provider; returns it."""
    _PROVIDERS[provider.key] = provider
    return provider


def providers() -> list[Provider]:
    return list(_PROVIDERS.values())


def open_work(user) -> list[tuple[Provider, list[tuple[str, str]]]]:
    """Each provider with the open items of ``user`` (only those with some)."""
    work = []
    for provider in providers():
        items = provider.open_items(user)
        if items:
            work.append((provider, list(items)))
    return work
