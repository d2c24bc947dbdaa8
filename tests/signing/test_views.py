"""Signing on the intranet and public verification."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sapat.signing import services
from sapat.signing.models import SignedPDF
from tests.accounts.factories import TEST_PASSWORD
from tests.quality.factories import PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_pdf(
    organisation, director, make_user, pdf_keys, django_capture_on_commit_callbacks
):
    policy = PolicyFactory()
    route = services.route_start(obj=policy, actor=make_user("quality_manager"))
    with django_capture_on_commit_callbacks(execute=True):
        services.route_sign(
            step=route.steps.get(), actor=director, password=TEST_PASSWORD
        )
    return SignedPDF.objects.get()


def test_verify_page_by_code_needs_no_login(client, signed_pdf, director):
    response = client.get(reverse("verify_code", args=[signed_pdf.code]))
    assert response.status_code == 200
    content = response.content.decode()
    assert director.full_name in content
    assert signed_pdf.sha256 in content


@pytest.mark.parametrize("code", ["unknown-code", "x" * 300, "%00", "'; DROP TABLE"])
def test_verify_unknown_or_malformed_code_is_a_plain_404(client, code):
    response = client.get(reverse("verify_code", args=[code]))
    assert response.status_code == 404
    assert "signing/verify_not_found.html" in [t.name for t in response.templates]


def test_uploading_the_signed_pdf_says_genuine(client, signed_pdf):
    data = signed_pdf.file.read()
    response = client.post(
        reverse("verify"),
        {"file": SimpleUploadedFile("p.pdf", data, "application/pdf")},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result["record"] == signed_pdf
    assert result["check"].intact


def test_one_changed_byte_is_reported_as_modified(client, signed_pdf):
    data = bytearray(signed_pdf.file.read())
    # Change a byte of the page content, well before the signature.
    position = data.index(b"stream") + 20
    data[position] = (data[position] + 1) % 256
    response = client.post(
        reverse("verify"),
        {"file": SimpleUploadedFile("p.pdf", bytes(data), "application/pdf")},
    )
    result = response.context["result"]
    assert result["record"] is None
    assert result["check"].signed and not result["check"].intact
    assert 'data-testid="verify-result"' in response.content.decode()


def test_upload_that_is_not_a_pdf_gets_a_message(client):
    response = client.post(
        reverse("verify"),
        {"file": SimpleUploadedFile("x.pdf", b"hello", "application/pdf")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["result"] is None


def test_upload_over_20_mb_gets_a_message(client):
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024), "application/pdf"
    )
    response = client.post(reverse("verify"), {"file": big})
    assert response.context["form"].errors["file"]


def test_a_broken_pdf_is_not_one_of_ours(client):
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer<<>>\n%%EOF"
    response = client.post(
        reverse("verify"),
        {"file": SimpleUploadedFile("b.pdf", broken, "application/pdf")},
    )
    assert response.status_code == 200
    assert not response.context["result"]["check"].signed


def test_verify_is_rate_limited(client, settings):
    for _ in range(60):
        client.get(reverse("verify_code", args=["nope"]))
    assert client.get(reverse("verify_code", args=["nope"])).status_code == 403


def test_pdf_download_pair(client, signed_pdf, staff, make_user):
    url = reverse("signing:pdf_download", args=[signed_pdf.pk])
    client.force_login(make_user("expert"))
    assert client.get(url).status_code == 200  # all staff read the policy
    client.logout()
    assert client.get(url).status_code == 302


def test_pdf_status_partial_polls_until_ready(client, signed_pdf, staff):
    client.force_login(staff)
    content = client.get(
        reverse("signing:pdf_status", args=[signed_pdf.pk])
    ).content.decode()
    assert 'data-testid="pdf-link"' in content
    assert "hx-trigger" not in content


def test_inbox_lists_what_awaits_me(client, organisation, director, make_user):
    policy = PolicyFactory()
    services.route_start(obj=policy, actor=make_user("quality_manager"))
    client.force_login(director)
    response = client.get(reverse("signing:inbox"))
    assert [s.route.object_id for s in response.context["steps"]] == [policy.pk]
    client.force_login(make_user("staff"))
    assert client.get(reverse("signing:inbox")).context["steps"] == []


def test_inbox_has_a_query_budget(client, organisation, director, make_user):
    from tests.utils import assert_constant_queries

    manager = make_user("quality_manager")
    client.force_login(director)

    def make(n):
        for _ in range(n):
            services.route_start(obj=PolicyFactory(), actor=manager, agreers=[])

    assert_constant_queries(client, reverse("signing:inbox"), make)


def test_return_form_needs_remarks(client, organisation, director, make_user):
    policy = PolicyFactory()
    route = services.route_start(obj=policy, actor=make_user("quality_manager"))
    client.force_login(director)
    response = client.post(
        reverse("signing:step_return", args=[route.steps.get().pk]),
        {"comment": "", "password": TEST_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["comment"]


def test_delegation_page_pair(client, organisation, director, make_user):
    deputy = make_user("deputy_director")
    data = {
        "deputy": deputy.pk,
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-10",
        "reason": "Отпуск",
    }
    client.force_login(make_user("staff"))
    assert client.post(reverse("signing:delegations"), data).status_code == 403
    client.force_login(director)
    assert client.post(reverse("signing:delegations"), data).status_code == 302
    assert deputy.delegations_received.get().principal == director


def test_delegation_form_rejects_a_reversed_period(
    client, organisation, director, make_user
):
    client.force_login(director)
    response = client.post(
        reverse("signing:delegations"),
        {
            "deputy": make_user("deputy_director").pk,
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-01",
            "reason": "x",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
