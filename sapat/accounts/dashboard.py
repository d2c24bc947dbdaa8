"""The accounts block of the "My work" dashboard."""

from django.http import HttpRequest

from .roles import ROLES_BY_GROUP


def my_roles_block(request: HttpRequest) -> dict | None:
    user = request.user
    roles = [
        ROLES_BY_GROUP[name]
        for name in user.groups.values_list("name", flat=True)
        if name in ROLES_BY_GROUP
    ]
    return {"roles": roles, "profile_user": user}
