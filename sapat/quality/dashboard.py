"""The quality block of "My work": my indicators and their status."""

from django.http import HttpRequest

from .selectors import indicator_list


def kpi_block(request: HttpRequest) -> dict | None:
    indicators = list(indicator_list(user=request.user).filter(owner=request.user)[:8])
    if not indicators:
        return None
    for indicator in indicators:
        indicator.status = indicator.status_of(indicator.latest_value)
    return {"indicators": indicators}
