from django.http import HttpRequest

from .selectors import awaiting_signature


def inbox_block(request: HttpRequest) -> dict:
    return {"steps": awaiting_signature(user=request.user)[:5]}
