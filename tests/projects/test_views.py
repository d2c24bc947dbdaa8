import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from projects import services
from projects.models import Client, ClientDocument, Project, TeamMember
from tests.projects.factories import (
    ClientDocumentFactory,
    ClientFactory,
    DecisionFactory,
    MeetingFactory,
    PlanItemFactory,
    WorkPlanFactory,
    make_project,
)
from tests.training.factories import ExpertFactory
from tests.utils import assert_constant_queries

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def document(project):
    return ClientDocumentFactory(
        project=project,
        file=SimpleUploadedFile("charter.pdf", PDF, content_type="application/pdf"),
    )


# --- Client property: 404 for everyone outside the team, on every path ------


def _property_paths(project, document):
    return [
        reverse("projects:client_document_detail", args=[document.pk]),
        reverse("projects:client_document_download", args=[document.pk]),
        reverse("projects:project_detail", args=[project.pk]) + "?tab=property",
        reverse("projects:client_document_create", args=[project.pk]),
    ]


@pytest.mark.parametrize("who", ["outsider", "staff"])
def test_client_property_is_404_outside_the_team(
    client, request, project, document, who
):
    client.force_login(request.getfixturevalue(who))
    for path in _property_paths(project, document):
        assert client.get(path).status_code == 404, path
    response = client.post(
        reverse("projects:client_document_return", args=[document.pk]),
        {"returned_on": "2026-03-01", "returned_to": "x"},
    )
    assert response.status_code == 404
    document.refresh_from_db()
    assert document.returned_on is None


@pytest.mark.parametrize("who", ["outsider", "staff"])
def test_client_property_is_absent_from_lists_and_search(
    client, request, project, document, who
):
    client.force_login(request.getfixturevalue(who))
    url = reverse("projects:client_document_list")
    for query in ("", f"?q={document.title[:8]}", "?held=1"):
        response = client.get(url + query)
        assert response.status_code == 200
        assert document.title not in response.content.decode()
    # The portfolio and the project page never show it either.
    response = client.get(reverse("projects:project_detail", args=[project.pk]))
    assert document.title not in response.content.decode()


@pytest.mark.parametrize("who", ["pm", "referent", "member", "director"])
def test_client_property_is_visible_to_team_and_top_management(
    client, request, project, document, who, make_user
):
    if who == "member":
        user = make_user("expert")
        TeamMember.objects.create(
            project=project, user=user, role="expert", added_by=project.project_manager
        )
        services.sync_team_permissions(project)
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    for path in _property_paths(project, document)[:3]:
        assert client.get(path).status_code == 200, path
    response = client.get(reverse("projects:client_document_list") + "?q=Өзүн")
    assert document.title in response.content.decode()


# --- Projects: visibility and permission pairs -------------------------------


def test_project_is_404_for_staff_outside_the_team(client, staff, project):
    client.force_login(staff)
    assert (
        client.get(reverse("projects:project_detail", args=[project.pk])).status_code
        == 404
    )
    response = client.get(reverse("projects:project_list"))
    assert project.code not in response.content.decode()


def test_project_create_permission_pair(client, staff, pm):
    customer = ClientFactory()
    data = {
        "client": customer.pk,
        "code": "П-2026-001",
        "title": "Программалык аккредитация",
        "service_type": "programmatic",
        "project_manager": pm.pk,
        "start_date": "2026-01-10",
    }
    url = reverse("projects:project_create")
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    assert not Project.objects.exists()
    client.force_login(pm)
    response = client.post(url, data)
    project = Project.objects.get()
    assert response.status_code == 302
    assert project.history.first().history_user == pm
    assert project.stages.count() == 7


def test_stage_finish_permission_pair(client, outsider, pm, project):
    stage = project.stages.get(kind="negotiation")
    url = reverse("projects:stage_finish", args=[project.pk, stage.pk])
    client.force_login(outsider)
    assert client.post(url, {"finished_on": "2026-01-20"}).status_code == 403
    stage.refresh_from_db()
    assert stage.status == "active"
    client.force_login(pm)
    client.post(url, {"finished_on": "2026-01-20"})
    stage.refresh_from_db()
    project.refresh_from_db()
    assert stage.status == "done" and project.status == "requirements"
    assert stage.history.first().history_user == pm


def test_stage_finished_before_the_previous_one_shows_the_message(client, pm, project):
    services.stage_finish(
        actor=pm,
        stage=project.stages.get(kind="negotiation"),
        finished_on=datetime.date(2026, 1, 20),
    )
    stage = project.stages.get(kind="requirements")
    client.force_login(pm)
    with translation.override("en"):
        response = client.post(
            reverse("projects:stage_finish", args=[project.pk, stage.pk]),
            {"finished_on": "2026-01-10"},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert "cannot finish before the previous one" in response.content.decode()
    stage.refresh_from_db()
    assert stage.status == "active"


def test_team_add_permission_pair(client, pm, director, project, make_user):
    member = make_user("expert")
    url = reverse("projects:team_add", args=[project.pk])
    client.force_login(pm)
    assert client.post(url, {"user": member.pk, "role": "expert"}).status_code == 403
    assert not project.team.exists()
    client.force_login(director)
    assert client.post(url, {"user": member.pk, "role": "expert"}).status_code == 302
    row = project.team.get()
    assert row.user == member and row.history.first().history_user == director


def test_team_add_twice_is_a_form_error(client, chief, project, make_user):
    member = make_user("expert")
    services.team_add(actor=chief, project=project, role="expert", user=member)
    client.force_login(chief)
    with translation.override("en"):
        response = client.post(
            reverse("projects:team_add", args=[project.pk]),
            {"user": member.pk, "role": "lead"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert "is already in the team" in response.content.decode()
    assert project.team.count() == 1


def test_team_member_without_an_account_is_a_form_error(client, chief, project):
    expert = ExpertFactory(user=None)
    client.force_login(chief)
    with translation.override("en"):
        response = client.post(
            reverse("projects:team_add", args=[project.pk]),
            {"expert": expert.pk, "role": "expert"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert "has no account in the portal" in response.content.decode()
    assert not project.team.exists()


def test_client_document_register_permission_pair(client, referent, pm, project):
    url = reverse("projects:client_document_create", args=[project.pk])
    data = {
        "title": "Уставы",
        "medium": "paper",
        "received_on": "2026-02-01",
        "received_from": "Ректорат",
        "location": "Шкаф 1",
    }
    client.force_login(referent)
    assert client.post(url, data).status_code == 302
    document = ClientDocument.objects.get()
    assert document.custodian == referent
    assert document.history.first().history_user == referent


def test_return_before_receipt_is_refused_with_a_message(
    client, referent, project, document
):
    client.force_login(referent)
    with translation.override("en"):
        response = client.post(
            reverse("projects:client_document_return", args=[document.pk]),
            {"returned_on": "2026-01-01", "returned_to": "Ректорат"},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert "cannot be returned before it came" in response.content.decode()
    document.refresh_from_db()
    assert document.returned_on is None


def test_client_create_permission_pair(client, staff, referent):
    url = reverse("projects:client_create")
    data = {"name": "Ош мамлекеттик университети", "kind": "organisation"}
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    assert not Client.objects.exists()
    client.force_login(referent)
    assert client.post(url, data).status_code == 302
    assert Client.objects.get().history.first().history_user == referent


def test_client_form_bad_input(client, referent):
    client.force_login(referent)
    with translation.override("en"):
        response = client.post(
            reverse("projects:client_create"),
            {"name": "", "kind": "organisation"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Client.objects.exists()


def test_plan_create_permission_pair(client, staff, pm):
    url = reverse("projects:plan_create")
    data = {"kind": "weekly", "year": 2026, "period": 10}
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    client.force_login(pm)
    assert client.post(url, data).status_code == 302


def test_plan_bad_input(client, pm):
    client.force_login(pm)
    with translation.override("en"):
        response = client.post(
            reverse("projects:plan_create"),
            {"kind": "monthly", "year": 2026},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert "Give the month or the week." in response.content.decode()


def test_operational_meeting_permission_pair(client, staff, director):
    url = reverse("projects:meeting_create")
    data = {
        "kind": "operational",
        "number": "7",
        "date": "2026-03-02",
        "chair": director.pk,
        "minutes": "Жумалык жыйын",
    }
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    client.force_login(director)
    assert client.post(url, data).status_code == 302


# --- Pages render ------------------------------------------------------------


def test_pages_render_for_the_project_manager(client, pm, project, document):
    meeting = MeetingFactory(kind="status", project=project)
    DecisionFactory(meeting=meeting, owner=pm)
    PlanItemFactory(project=project, owner=pm, kind="visit")
    plan = WorkPlanFactory()
    deliverable = services.deliverable_create(
        actor=pm, project=project, kind="form", title="Форма"
    )
    client.force_login(pm)
    urls = [
        reverse("projects:index"),
        reverse("projects:project_list") + "?status=open&q=П",
        reverse("projects:timeline"),
        reverse("projects:calendar") + "?year=2026&month=3",
        reverse("projects:my_tasks"),
        reverse("projects:client_list"),
        reverse("projects:client_detail", args=[project.client.pk]),
        reverse("projects:meeting_list"),
        reverse("projects:meeting_detail", args=[meeting.pk]),
        reverse("projects:plan_list"),
        reverse("projects:plan_detail", args=[plan.pk]),
        reverse("projects:deliverable_detail", args=[deliverable.pk]),
        reverse("projects:project_close", args=[project.pk]),
        reverse("projects:review_create", args=[project.client.pk]),
        reverse("projects:contract_create", args=[project.client.pk]),
        reverse("projects:task_add", args=[project.pk]),
        reverse("dashboard"),
    ]
    urls += [
        reverse("projects:project_detail", args=[project.pk]) + f"?tab={tab}"
        for tab in ("overview", "stages", "team", "plan", "meetings", "deliverables")
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'style="' not in response.content.decode(), url


# --- Query budgets -----------------------------------------------------------


def test_project_list_query_budget(client, director, make_user):
    member = make_user("expert")

    def make_rows(n):
        for _ in range(n):
            project = make_project(actor=director)
            TeamMember.objects.create(
                project=project, user=member, role="expert", added_by=director
            )
            services.sync_team_permissions(project)
            PlanItemFactory(project=project)

    client.force_login(member)
    assert_constant_queries(client, reverse("projects:project_list"), make_rows)


def test_client_document_list_query_budget(client, director, make_user):
    member = make_user("expert")

    def make_rows(n):
        for _ in range(n):
            project = make_project(actor=director)
            TeamMember.objects.create(
                project=project, user=member, role="expert", added_by=director
            )
            services.sync_team_permissions(project)
            ClientDocumentFactory(project=project)

    client.force_login(member)
    assert_constant_queries(client, reverse("projects:client_document_list"), make_rows)


def test_timeline_and_meetings_query_budget(client, director, pm):
    def make_rows(n):
        for _ in range(n):
            project = make_project(actor=director, manager=pm)
            MeetingFactory(kind="weekly", project=project)

    client.force_login(pm)
    assert_constant_queries(client, reverse("projects:timeline"), lambda n: None)
    assert_constant_queries(client, reverse("projects:meeting_list"), make_rows)


def test_client_list_query_budget(client, staff):
    client.force_login(staff)
    assert_constant_queries(
        client,
        reverse("projects:client_list"),
        lambda n: [ClientFactory() for _ in range(n)],
    )
