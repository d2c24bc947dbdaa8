"""The admin cannot bypass the services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from sapat.signing.models import Approvable, ApprovalStatus, Signature
from sapat.signing.services import route_start
from tests.accounts.factories import TEST_PASSWORD
from tests.quality.factories import PolicyFactory

pytestmark = pytest.mark.django_db


def _approvable_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if issubclass(model, Approvable)
    ]


def test_every_approvable_model_has_an_admin_that_guards_status():
    assert _approvable_admins(), "no approvable model is registered"


@pytest.mark.parametrize(
    ("model", "model_admin"),
    _approvable_admins(),
    ids=lambda x: getattr(x, "__name__", ""),
)
def test_status_and_signed_fields_are_read_only_once_sent(
    rf, director, model, model_admin
):
    request = rf.get("/")
    request.user = director
    readonly = model_admin.get_readonly_fields(request, None)
    assert "approval_status" in readonly and "approved_at" in readonly
    obj = model(approval_status=ApprovalStatus.APPROVED)
    readonly = model_admin.get_readonly_fields(request, obj)
    assert set(obj.signed_fields) <= set(readonly)
    assert not model_admin.has_delete_permission(request, obj)


def test_no_admin_post_changes_an_approved_policy(client, make_user):
    superuser = make_user("director", is_superuser=True)
    policy = PolicyFactory(approval_status=ApprovalStatus.APPROVED, text="Signed text")
    client.force_login(superuser)
    url = reverse("admin:quality_qualitypolicy_change", args=[policy.pk])
    client.post(
        url,
        {
            "year": policy.year,
            "title": "Forged",
            "text": "Forged",
            "approval_status": "draft",
        },
    )
    policy.refresh_from_db()
    assert (policy.title, policy.text, policy.approval_status) != (
        "Forged",
        "Forged",
        "draft",
    )
    assert policy.approval_status == ApprovalStatus.APPROVED


def test_signatures_are_read_only_in_the_admin(client, make_user):
    client.force_login(make_user("director", is_superuser=True))
    model_admin = admin.site._registry[Signature]
    request = type("R", (), {"user": make_user("director", is_superuser=True)})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_history_revert_is_disabled(settings):
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED


def test_admin_approval_asks_for_the_password(
    client, organisation, director, make_user
):
    director.is_staff = True
    director.save()
    policy = PolicyFactory()
    route_start(obj=policy, actor=make_user("quality_manager"))
    client.force_login(director)
    url = reverse("admin:quality_qualitypolicy_changelist")
    first = client.post(url, {"action": "approve", "_selected_action": [policy.pk]})
    assert first.status_code == 200
    assert "admin/signing/approve_confirmation.html" in [
        t.name for t in first.templates
    ]
    wrong = client.post(
        url, {"action": "approve", "_selected_action": [policy.pk], "password": "nope"}
    )
    assert wrong.context["form"].errors["password"]
    policy.refresh_from_db()
    assert policy.approval_status == ApprovalStatus.APPROVAL
    client.post(
        url,
        {
            "action": "approve",
            "_selected_action": [policy.pk],
            "password": TEST_PASSWORD,
            "comment": "",
        },
    )
    policy.refresh_from_db()
    assert policy.approval_status == ApprovalStatus.APPROVED
