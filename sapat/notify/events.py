"""The kinds of notification, with their texts in the source language.

Each app registers its events in ``AppConfig.ready()``::

    register(Event("capa.assigned", title=_("Action %(code)s is yours"), ...))

A notification stores only the event code and its parameters, so it is shown
in the reader's language and e-mailed in the recipient's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Event:
    code: str
    title: str
    body: str = ""


_EVENTS: dict[str, Event] = {}


def register(event: Event) -> Event:
    _EVENTS[event.code] = event
    return event


def get(code: str) -> Event | None:
    return _EVENTS.get(code)


def _format(template, context: dict) -> str:
    text = str(template)
    try:
        return text % context if context else text
    except (KeyError, TypeError, ValueError):
        # A renamed parameter must not break the bell: show the bare text.
        return text


def render_title(code: str, context: dict) -> str:
    event = _EVENTS.get(code)
    return _format(event.title, context) if event else code


def render_body(code: str, context: dict) -> str:
    event = _EVENTS.get(code)
    return _format(event.body, context) if event and event.body else ""


register(
    Event(
        "accounts.welcome",
        title=_("Welcome to the portal, %(name)s"),
        body=_(
            "Your account is ready. Start with the documents in force and the "
            "Quality Manual; your tasks appear on the My work page."
        ),
    )
)
register(
    Event(
        "accounts.roles_changed",
        title=_("Your roles were changed"),
        body=_("Your roles are now: %(roles)s."),
    )
)
register(
    Event(
        "accounts.calendar_seeded",
        title=_("Public holidays of %(year)s added"),
        body=_(
            "%(count)s fixed public holidays were added to the working calendar. "
            "Add the movable holidays and the moved days off by hand."
        ),
    )
)
