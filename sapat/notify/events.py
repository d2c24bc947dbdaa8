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
            "Fixed public holidays added to the working calendar: %(count)s. "
            "Add the movable holidays and the moved days off by hand."
        ),
    )
)
register(
    Event(
        "signing.sign_requested",
        title=_("Awaiting your signature: %(title)s"),
        body=_("Open it, read it, then agree, approve or return it with remarks."),
    )
)
register(
    Event(
        "signing.approved",
        title=_("Approved: %(title)s"),
        body=_("The signed PDF is being prepared; it appears on the page."),
    )
)
register(
    Event(
        "signing.returned",
        title=_("Returned with remarks: %(title)s"),
        body=_("Remarks: %(comment)s"),
    )
)
register(
    Event(
        "signing.delegated",
        title=_("You approve for %(principal)s"),
        body=_("From %(starts_on)s to %(ends_on)s you may approve in their stead."),
    )
)
register(
    Event(
        "quality.target_missed",
        title=_("Target missed: %(indicator)s"),
        body=_(
            "Value %(value)s against the target %(target)s for the period from "
            "%(period)s. Consider raising a nonconformity."
        ),
    )
)
register(
    Event(
        "quality.concept_review_due",
        title=_("The development concept is to be reviewed by %(deadline)s"),
        body=_("Review it from the year's results and the management review."),
    )
)
