"""The documents block of "My work": what I still have to read and sign."""

from django.http import HttpRequest

from .selectors import my_acknowledgements


def to_acknowledge_block(request: HttpRequest) -> dict | None:
    revisions = list(my_acknowledgements(user=request.user)[:6])
    if not revisions:
        return None
    return {"revisions": revisions}
