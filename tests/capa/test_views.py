"""The CAPA pages: permission pairs, bad input, query budgets, history."""

import warnings
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import UnorderedObjectListWarning
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from capa import services
from capa.models import (
    Action,
    ActionKind,
    ActionStatus,
    ActionTask,
    CapaPlan,
    EvidenceFile,
    Nonconformity,
    NonconformityStatus,
    Source,
)
from documents.models import ChangeRequest
from sapat.quality.models import Measurement
from sapat.signing.models import ApprovalStatus, Meaning, Signature, SignedPDF
from sapat.signing.selectors import pdfs_of
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.capa.factories import (
    ActionFactory,
    ActionTaskFactory,
    CapaPlanFactory,
    NonconformityFactory,
)
from tests.documents.factories import DocumentFactory
from tests.quality.factories import IndicatorFactory, ProcessCardFactory
from tests.utils import assert_constant_queries

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def manager(make_user):
    return make_user("quality_manager", language="en")


@pytest.fixture
def employee(make_user):
    """A member of staff (the baseline permissions only), reading English."""
    return make_user("staff", language="en")


@pytest.fixture
def nobody(db):
    return UserFactory(language="en")


def en(message: str) -> str:
    with translation.override("en"):
        return gettext(message)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def form_errors(response, name: str) -> dict:
    return response.context[name].errors


# --- Overview and "My work" --------------------------------------------------


def test_index_pair(client, nobody, employee):
    client.force_login(nobody)
    assert client.get(reverse("capa:index")).status_code == 403
    action = ActionFactory(owner=employee, due_date=timezone.localdate())
    client.force_login(employee)
    response = client.get(reverse("capa:index"))
    assert response.status_code == 200
    assert response.context["work"]["actions"] == [action]
    assert "ДЖ-03" in response.content.decode()


def test_dashboard_shows_my_capa_work(client, employee):
    task = ActionTaskFactory(owner=employee, action__in_progress=True)
    client.force_login(employee)
    response = client.get(reverse("dashboard"))
    templates = [template for template, _context in response.context["blocks"]]
    assert "capa/_my_work.html" in templates
    assert task.title in response.content.decode()


def test_dashboard_hides_the_capa_block_when_nothing_is_mine(client, employee):
    client.force_login(employee)
    templates = [t for t, _c in client.get(reverse("dashboard")).context["blocks"]]
    assert "capa/_my_work.html" not in templates


# --- Query budgets -----------------------------------------------------------


def test_nonconformity_list_has_a_query_budget(client, employee):
    client.force_login(employee)

    def make(n):
        for _ in range(n):
            nc = NonconformityFactory(
                process=ProcessCardFactory(), responsible=UserFactory(), planned=True
            )
            ActionFactory(nonconformities=[nc])

    assert_constant_queries(client, reverse("capa:nonconformity_list"), make)


def test_action_list_has_a_query_budget(client, employee):
    client.force_login(employee)

    def make(n):
        for _ in range(n):
            action = ActionFactory(process=ProcessCardFactory())
            ActionTaskFactory(action=action)

    assert_constant_queries(client, reverse("capa:action_list"), make)
    assert_constant_queries(
        client, reverse("capa:action_list") + "?overdue=true&q=мат", make
    )


def test_plan_list_has_a_query_budget(client, employee):
    client.force_login(employee)

    def make(n):
        for _ in range(n):
            CapaPlanFactory(actions=[ActionFactory()])

    assert_constant_queries(client, reverse("capa:plan_list"), make)


def test_plan_list_pages_in_order_with_each_plans_action_count(client, employee):
    client.force_login(employee)
    older = CapaPlanFactory(actions=[ActionFactory(), ActionFactory()])
    newer = CapaPlanFactory(actions=[ActionFactory()])
    with warnings.catch_warnings():
        # An unordered page is a page in no stable order.
        warnings.simplefilter("error", UnorderedObjectListWarning)
        page = client.get(reverse("capa:plan_list")).context["page_obj"]
    assert [(p.pk, p.action_count) for p in page] == [(newer.pk, 1), (older.pk, 2)]


def test_plan_detail_has_a_query_budget(client, employee, organisation):
    plan = CapaPlanFactory()
    client.force_login(employee)

    def make(n):
        for _ in range(n):
            action = ActionFactory(nonconformities=[NonconformityFactory(planned=True)])
            plan.actions.add(action)

    assert_constant_queries(client, plan.get_absolute_url(), make)


def test_index_has_a_query_budget(client, employee):
    client.force_login(employee)
    past = timezone.localdate() - timedelta(days=30)

    def make(n):
        for _ in range(n):
            ActionFactory(owner=employee, opened_on=past, due_date=past)
            ActionFactory(opened_on=past, due_date=past)
            ActionTaskFactory(owner=employee, action__in_progress=True)
            NonconformityFactory(responsible=employee)

    assert_constant_queries(client, reverse("capa:index"), make)


def test_summary_has_a_query_budget(client, employee):
    client.force_login(employee)

    def make(n):
        for _ in range(n):
            nc = NonconformityFactory(process=ProcessCardFactory(), planned=True)
            ActionFactory(nonconformities=[nc], effective=True)

    assert_constant_queries(client, reverse("capa:summary"), make)


# --- Nonconformities: register, edit, evidence -------------------------------


def test_nonconformity_create_pair(client, nobody, employee):
    url = reverse("capa:nonconformity_create")
    data = {
        "source": Source.STAFF,
        "description": "Сертификаттар кечикти",
        "severity": "minor",
        "detected_on": timezone.localdate().isoformat(),
    }
    client.force_login(nobody)
    assert client.post(url, data).status_code == 403
    assert not Nonconformity.objects.exists()
    client.force_login(employee)
    upload = SimpleUploadedFile("scan.pdf", PDF, "application/pdf")
    response = client.post(url, {**data, "files": [upload]})
    nc = Nonconformity.objects.get()
    assert response.status_code == 302
    assert response.url == nc.get_absolute_url()
    assert nc.detected_by == employee
    assert nc.history.latest().history_user == employee
    assert nc.evidence.get().name == "scan.pdf"


def test_nonconformity_form_rejects_bad_input_and_saves_nothing(client, employee):
    url = reverse("capa:nonconformity_create")
    client.force_login(employee)
    empty = client.post(url, {"source": "", "description": "", "severity": "minor"})
    assert empty.status_code == 200
    assert {"source", "description"} <= set(form_errors(empty, "form"))
    future = client.post(
        url,
        {
            "source": Source.STAFF,
            "description": "X",
            "severity": "minor",
            "detected_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert form_errors(future, "form")["detected_on"] == [
        en("The date cannot be in the future.")
    ]
    exe = SimpleUploadedFile("x.pdf", b"MZ\x90" + b"\x00" * 64, "application/pdf")
    bad_file = client.post(
        url,
        {
            "source": Source.STAFF,
            "description": "X",
            "severity": "minor",
            "detected_on": timezone.localdate().isoformat(),
            "files": [exe],
        },
    )
    assert "JPEG" in str(form_errors(bad_file, "form")["files"])
    assert not Nonconformity.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_nonconformity_detail_is_404_to_those_who_may_not_see_it(
    client, nobody, employee
):
    nc = NonconformityFactory()
    client.force_login(nobody)
    assert client.get(nc.get_absolute_url()).status_code == 404
    client.force_login(employee)
    response = client.get(nc.get_absolute_url())
    assert response.status_code == 200
    assert nc.code in response.content.decode()
    # A plain member of staff sees no step forms.
    for name in ("contain_form", "analyse_form", "reject_form", "close_form"):
        assert response.context[name] is None


def test_nonconformity_edit_pair(client, employee):
    nc = NonconformityFactory()
    url = reverse("capa:nonconformity_edit", args=[nc.pk])
    data = {
        "source": Source.COMPLAINT,
        "description": "Кардар даттанды",
        "severity": "major",
        "detected_on": nc.detected_on.isoformat(),
    }
    client.force_login(employee)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    nc.refresh_from_db()
    assert nc.source == Source.STAFF
    responsible = UserFactory(language="en")
    Nonconformity.objects.filter(pk=nc.pk).update(responsible=responsible)
    client.force_login(responsible)
    response = client.post(url, {**data, "responsible": responsible.pk})
    assert response.status_code == 302
    nc.refresh_from_db()
    assert (nc.source, nc.severity) == (Source.COMPLAINT, "major")
    assert nc.history.latest().history_user == responsible


def test_nonconformity_edit_is_refused_once_under_analysis(client, manager):
    nc = NonconformityFactory(analysis=True)
    client.force_login(manager)
    response = client.get(reverse("capa:nonconformity_edit", args=[nc.pk]), follow=True)
    assert messages_of(response) == [
        en("Once under analysis, the registration is no longer changed.")
    ]


def test_evidence_add_pair_and_download(client, employee, nobody):
    nc = NonconformityFactory()
    url = reverse("capa:evidence_add", args=[nc.pk])
    client.force_login(employee)
    upload = SimpleUploadedFile("photo.pdf", PDF, "application/pdf")
    assert client.post(url, {"file": upload}).status_code == 403
    assert not EvidenceFile.objects.exists()
    client.force_login(nc.detected_by)
    upload = SimpleUploadedFile("photo.pdf", PDF, "application/pdf")
    assert client.post(url, {"file": upload}).status_code == 302
    stored = EvidenceFile.objects.get()
    assert stored.history.latest().history_user == nc.detected_by
    download = reverse("capa:evidence_download", args=[stored.pk])
    client.force_login(employee)
    response = client.get(download)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(nobody)
    assert client.get(download).status_code == 404


def test_evidence_add_rejects_a_file_that_is_not_evidence(client, manager):
    nc = NonconformityFactory()
    client.force_login(manager)
    exe = SimpleUploadedFile("x.png", b"MZ\x90" + b"\x00" * 64, "image/png")
    response = client.post(reverse("capa:evidence_add", args=[nc.pk]), {"file": exe})
    assert response.status_code == 200
    assert "JPEG" in str(form_errors(response, "evidence_form")["file"])
    assert not EvidenceFile.objects.exists()


# --- Raising a nonconformity from a KPI miss ---------------------------------


@pytest.fixture
def red_measurement(db):
    indicator = IndicatorFactory(
        name="Угуучулардын канааттануусу", target=Decimal("90"), unit="%"
    )
    return Measurement.objects.create(
        indicator=indicator,
        period=date(2026, 4, 1),
        value=Decimal("60"),
        recorded_by=indicator.owner,
    )


def test_indicator_page_offers_a_nonconformity_for_a_missed_target(
    client, employee, red_measurement
):
    green = Measurement.objects.create(
        indicator=red_measurement.indicator,
        period=date(2026, 7, 1),
        value=Decimal("95"),
        recorded_by=red_measurement.recorded_by,
    )
    client.force_login(employee)
    page = client.get(red_measurement.indicator.get_absolute_url()).content.decode()
    assert f"origin=quality.measurement:{red_measurement.pk}" in page
    assert f"origin=quality.measurement:{green.pk}" not in page
    client.force_login(UserFactory())  # no capa.add_nonconformity
    page = client.get(red_measurement.indicator.get_absolute_url())
    assert "origin=quality.measurement" not in page.content.decode()


def test_nonconformity_create_is_prefilled_from_a_kpi_miss(
    client, employee, red_measurement
):
    indicator = red_measurement.indicator
    origin = f"quality.measurement:{red_measurement.pk}"
    url = reverse("capa:nonconformity_create") + f"?source=monitoring&origin={origin}"
    client.force_login(employee)
    form = client.get(url).context["form"]
    assert form.initial["source"] == Source.MONITORING
    assert form.initial["process"] == indicator.process_id
    description = form.initial["description"]
    for part in (indicator.name, "04.2026", "60", "90", "%"):
        assert part in description
    response = client.post(
        url,
        {
            "source": Source.MONITORING,
            "process": indicator.process_id,
            "description": description,
            "severity": "major",
            "detected_on": timezone.localdate().isoformat(),
            "origin": origin,
        },
    )
    nc = Nonconformity.objects.get()
    assert response.status_code == 302
    assert nc.origin == red_measurement
    assert nc.process == indicator.process
    detail = client.get(nc.get_absolute_url()).content.decode()
    assert indicator.get_absolute_url() in detail


def test_an_unknown_origin_is_ignored(client, employee):
    client.force_login(employee)
    url = reverse("capa:nonconformity_create") + "?origin=quality.measurement:999"
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["origin"] is None


# --- Nonconformities: the lifecycle ------------------------------------------


def test_contain_pair(client, employee, manager):
    nc = NonconformityFactory()
    url = reverse("capa:nonconformity_contain", args=[nc.pk])
    data = {
        "containment": "Сертификаттар кайра басылды",
        "disposition": "correct",
        "password": TEST_PASSWORD,
    }
    client.force_login(employee)
    assert client.post(url, data).status_code == 403
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.OPEN
    client.force_login(manager)
    response = client.post(url, data)
    assert response.status_code == 302
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CONTAINED
    assert nc.history.latest().history_user == manager
    assert Signature.objects.for_object(nc).get().meaning == Meaning.PERFORMED


def test_contain_form_shows_its_button_only_to_who_may_contain(
    client, employee, manager
):
    nc = NonconformityFactory()
    client.force_login(employee)
    assert (
        'data-testid="nc-contain"'
        not in client.get(nc.get_absolute_url()).content.decode()
    )
    client.force_login(manager)
    assert (
        'data-testid="nc-contain"' in client.get(nc.get_absolute_url()).content.decode()
    )


def test_contain_rejects_a_wrong_password_and_an_empty_correction(client, manager):
    nc = NonconformityFactory()
    url = reverse("capa:nonconformity_contain", args=[nc.pk])
    client.force_login(manager)
    wrong = client.post(
        url,
        {"containment": "Кайра басылды", "disposition": "correct", "password": "x"},
    )
    assert wrong.status_code == 200
    assert en("The password is wrong: nothing was signed.") in str(
        form_errors(wrong, "contain_form")
    )
    empty = client.post(
        url, {"containment": "", "disposition": "", "password": TEST_PASSWORD}
    )
    errors = form_errors(empty, "contain_form")
    assert errors["containment"] == [en("Say what was done at once to contain it.")]
    assert errors["disposition"] == [
        en("Decide what happens to the nonconforming service.")
    ]
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.OPEN
    assert not Signature.objects.for_object(nc).exists()


def test_analyse_pair(client, employee, manager):
    nc = NonconformityFactory(contained=True)
    url = reverse("capa:nonconformity_analyse", args=[nc.pk])
    client.force_login(employee)
    assert client.post(url, {"responsible": employee.pk}).status_code == 403
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CONTAINED
    client.force_login(manager)
    assert client.post(url, {"responsible": employee.pk}).status_code == 302
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.ANALYSIS
    assert nc.responsible == employee
    assert nc.history.latest().history_user == manager


def test_analyse_of_an_open_nonconformity_is_refused(client, manager):
    nc = NonconformityFactory()
    client.force_login(manager)
    response = client.post(reverse("capa:nonconformity_analyse", args=[nc.pk]), {})
    assert response.status_code == 200
    assert "“" in messages_of(response)[0]
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.OPEN


def test_reject_pair_and_bad_input(client, employee, manager):
    nc = NonconformityFactory()
    url = reverse("capa:nonconformity_reject", args=[nc.pk])
    data = {"reason": "Бул талап эмес", "password": TEST_PASSWORD}
    # The responsible handles it but may not reject it.
    Nonconformity.objects.filter(pk=nc.pk).update(responsible=employee)
    client.force_login(employee)
    assert client.post(url, data).status_code == 403
    client.force_login(manager)
    empty = client.post(url, {"reason": "", "password": TEST_PASSWORD})
    assert form_errors(empty, "reject_form")["reason"] == [
        en("Say why this is not a nonconformity.")
    ]
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.OPEN
    assert client.post(url, data).status_code == 302
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.REJECTED
    assert nc.closing_reason == "Бул талап эмес"
    assert nc.history.latest().history_user == manager


def test_close_pair_for_a_contained_nonconformity(client, employee, manager):
    nc = NonconformityFactory(contained=True)
    url = reverse("capa:nonconformity_close", args=[nc.pk])
    data = {"reason": "Түзөтүү жетиштүү", "password": TEST_PASSWORD}
    client.force_login(employee)
    assert client.post(url, data).status_code == 403
    client.force_login(manager)
    empty = client.post(url, {"reason": "", "password": TEST_PASSWORD})
    assert form_errors(empty, "close_form")["reason"] == [
        en("Say why no corrective action is needed.")
    ]
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CONTAINED
    assert client.post(url, data).status_code == 302
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CLOSED
    assert nc.history.latest().history_user == manager


def test_closing_without_an_effectiveness_check_is_impossible(client, manager):
    nc = NonconformityFactory(planned=True)
    ActionFactory(nonconformities=[nc], implemented=True)
    client.force_login(manager)
    page = client.get(nc.get_absolute_url())
    assert page.context["close_problems"] == [en("Some of its actions are still open.")]
    response = client.post(
        reverse("capa:nonconformity_close", args=[nc.pk]),
        {"reason": "", "password": TEST_PASSWORD},
    )
    assert response.status_code == 200
    assert messages_of(response) == [en("Some of its actions are still open.")]
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.PLANNED
    assert not Signature.objects.for_object(nc).exists()


# --- Actions: open and edit --------------------------------------------------


def _action_data(nc=None, **fields) -> dict:
    today = timezone.localdate()
    data = {
        "kind": ActionKind.CORRECTIVE,
        "title": "Мөөнөттөрдү жол-жобого киргизүү",
        "why_1": "Материалдар кечикти",
        "why_2": "Мөөнөт белгиленген эмес",
        "cause_category": "method",
        "root_cause": "Жол-жободо мөөнөт жок",
        "due_date": (today + timedelta(days=14)).isoformat(),
        "check_due": (today + timedelta(days=60)).isoformat(),
    }
    if nc is not None:
        data["nonconformities"] = [nc.pk]
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_action_create_pair(client, employee, manager):
    nc = NonconformityFactory(analysis=True)
    owner = UserFactory()
    url = reverse("capa:action_create")
    data = _action_data(nc, owner=owner.pk)
    client.force_login(employee)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert not Action.objects.exists()
    client.force_login(manager)
    response = client.post(url, data)
    action = Action.objects.get()
    assert response.status_code == 302
    assert response.url == action.get_absolute_url()
    assert action.owner == owner
    assert action.checker == manager  # the default: a quality manager, not the owner
    assert action.history.latest().history_user == manager
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.PLANNED


def test_action_create_preselects_the_nonconformity_and_kind(client, manager):
    nc = NonconformityFactory(analysis=True, process=ProcessCardFactory())
    client.force_login(manager)
    url = reverse("capa:action_create") + f"?nc={nc.pk}&kind=corrective"
    form = client.get(url).context["form"]
    assert form.initial["nonconformities"] == [nc.pk]
    assert form.initial["kind"] == "corrective"
    assert form.initial["process"] == nc.process_id
    assert form.initial["checker"] == manager


def test_corrective_action_without_root_cause_is_refused(client, manager):
    nc = NonconformityFactory(analysis=True)
    client.force_login(manager)
    response = client.post(
        reverse("capa:action_create"),
        _action_data(nc, owner=UserFactory().pk, root_cause="", cause_category=""),
    )
    assert response.status_code == 200
    errors = form_errors(response, "form")
    assert errors["root_cause"] == [
        en("A corrective action removes a cause: state the root cause.")
    ]
    assert not Action.objects.exists()
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.ANALYSIS


def test_action_form_refuses_the_owner_as_checker_and_late_dates(client, manager):
    nc = NonconformityFactory(analysis=True)
    client.force_login(manager)
    today = timezone.localdate()
    response = client.post(
        reverse("capa:action_create"),
        _action_data(
            nc,
            owner=manager.pk,
            checker=manager.pk,
            due_date=(today - timedelta(days=1)).isoformat(),
        ),
    )
    errors = form_errors(response, "form")
    assert errors["checker"] == [
        en("The owner of an action cannot check its effectiveness.")
    ]
    assert errors["due_date"] == [
        en("The deadline cannot be before the action was opened.")
    ]
    assert not Action.objects.exists()


def test_corrective_action_needs_a_nonconformity_under_analysis(client, manager):
    nc = NonconformityFactory()  # open: not analysed yet
    client.force_login(manager)
    response = client.post(
        reverse("capa:action_create"), _action_data(nc, owner=UserFactory().pk)
    )
    assert response.status_code == 200
    assert nc.code in str(form_errors(response, "form")["nonconformities"])
    assert not Action.objects.exists()


def test_action_edit_pair(client, employee):
    action = ActionFactory()
    url = reverse("capa:action_edit", args=[action.pk])
    data = _action_data(
        owner=action.owner_id, checker=action.checker_id, title="Жаңы аталыш"
    )
    client.force_login(employee)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    client.force_login(action.owner)
    response = client.post(url, data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Жаңы аталыш"
    assert action.history.latest().history_user == action.owner


def test_action_edit_only_while_planned(client, make_user):
    owner = make_user("staff", language="en")
    action = ActionFactory(owner=owner, in_progress=True)
    client.force_login(owner)
    response = client.get(reverse("capa:action_edit", args=[action.pk]), follow=True)
    assert messages_of(response) == [
        en("The plan was signed when the work started: it is no longer edited.")
    ]


def test_action_detail_is_404_to_those_who_may_not_see_it(client, nobody):
    action = ActionFactory()
    client.force_login(nobody)
    assert client.get(action.get_absolute_url()).status_code == 404
    client.force_login(action.owner)  # no role, but their own action
    assert client.get(action.get_absolute_url()).status_code == 200


# --- Actions: tasks and steps ------------------------------------------------


def test_task_add_pair(client, employee):
    action = ActionFactory()
    url = reverse("capa:task_add", args=[action.pk])
    data = {
        "title": "Жол-жобону оңдоо",
        "owner": employee.pk,
        "due_date": action.due_date.isoformat(),
    }
    client.force_login(employee)
    assert client.post(url, data).status_code == 403
    assert not ActionTask.objects.exists()
    client.force_login(action.owner)
    assert client.post(url, data).status_code == 302
    task = ActionTask.objects.get()
    assert task.owner == employee
    assert task.history.latest().history_user == action.owner


def test_task_due_before_the_action_opened_is_refused(client):
    # The owner reads the portal in English, so the form error is English.
    action = ActionFactory(opened_on=date(2026, 3, 10), owner__language="en")
    client.force_login(action.owner)
    response = client.post(
        reverse("capa:task_add", args=[action.pk]),
        {"title": "Эрте", "owner": action.owner_id, "due_date": "2026-03-01"},
    )
    assert response.status_code == 200
    with translation.override("en"):
        expected = gettext(
            "A task cannot be due before the action was opened (%(date)s)."
        ) % {"date": "10.03.2026"}
    assert form_errors(response, "task_form")["due_date"] == [expected]
    assert not ActionTask.objects.exists()


def test_task_mark_pair(client, employee):
    task = ActionTaskFactory(action__in_progress=True)
    url = reverse("capa:task_mark", args=[task.pk])
    client.force_login(employee)
    assert client.post(url, {"done": "on"}).status_code == 403
    task.refresh_from_db()
    assert not task.is_done
    client.force_login(task.owner)  # the task's owner, not the action's
    assert client.post(url, {"done": "on"}).status_code == 302
    task.refresh_from_db()
    assert task.done_by == task.owner
    assert task.history.latest().history_user == task.owner
    assert client.post(url, {}).status_code == 302
    task.refresh_from_db()
    assert not task.is_done


def test_task_tick_buttons_show_only_to_who_may_tick(client, employee):
    task = ActionTaskFactory(action__in_progress=True)
    client.force_login(employee)
    page = client.get(task.action.get_absolute_url()).content.decode()
    assert 'data-testid="task-done"' not in page
    client.force_login(task.owner)
    page = client.get(task.action.get_absolute_url()).content.decode()
    assert 'data-testid="task-done"' in page


def test_action_start_pair(client, employee):
    action = ActionFactory()
    ActionTaskFactory(action=action)
    url = reverse("capa:action_start", args=[action.pk])
    client.force_login(employee)
    assert client.post(url, {"password": TEST_PASSWORD}).status_code == 403
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED
    client.force_login(action.owner)
    assert (
        'data-testid="action-start"'
        in client.get(action.get_absolute_url()).content.decode()
    )
    assert client.post(url, {"password": TEST_PASSWORD}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.history.latest().history_user == action.owner
    signature = Signature.objects.for_object(action).get()
    assert signature.meaning == Meaning.ACKNOWLEDGED


def test_action_start_without_tasks_or_password_is_refused(client, make_user):
    owner = make_user("staff", language="en")
    action = ActionFactory(owner=owner)
    url = reverse("capa:action_start", args=[action.pk])
    client.force_login(owner)
    no_password = client.post(url, {"password": ""})
    assert form_errors(no_password, "start_form")["password"] == [
        en("Enter your password to sign.")
    ]
    no_tasks = client.post(url, {"password": TEST_PASSWORD})
    assert messages_of(no_tasks) == [en("Plan at least one task before starting.")]
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


def test_action_implement_pair_and_open_tasks(client, employee, make_user):
    owner = make_user("staff", language="en")
    action = ActionFactory(owner=owner, in_progress=True)
    task = ActionTaskFactory(action=action, owner=owner)
    url = reverse("capa:action_implement", args=[action.pk])
    data = {"note": "Жол-жобо өзгөртүлдү", "password": TEST_PASSWORD}
    client.force_login(employee)
    assert client.post(url, data).status_code == 403
    client.force_login(owner)
    open_task = client.post(url, data)
    assert messages_of(open_task) == [en("Some tasks of the plan are not done yet.")]
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    services.task_mark(task=task, actor=owner, done=True)
    assert client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IMPLEMENTED
    assert action.history.latest().history_user == owner


def test_action_check_by_its_own_owner_is_refused(client, make_user):
    owner = make_user("quality_manager", language="en")
    action = ActionFactory(owner=owner, check=True)
    client.force_login(owner)
    page = client.get(action.get_absolute_url())
    assert page.context["check_form"] is None
    response = client.post(
        reverse("capa:action_check", args=[action.pk]),
        {"effective": "yes", "result": "Кайталанган жок", "password": TEST_PASSWORD},
    )
    assert response.status_code == 200
    assert messages_of(response) == [
        en("The owner of an action cannot check its effectiveness.")
    ]
    action.refresh_from_db()
    assert action.status == ActionStatus.CHECK
    assert not Signature.objects.for_object(action).exists()


def test_action_check_pair_effective_closes_the_nonconformity(
    client, employee, manager
):
    nc = NonconformityFactory(planned=True)
    action = ActionFactory(nonconformities=[nc], check=True, checker=manager)
    url = reverse("capa:action_check", args=[action.pk])
    data = {"effective": "yes", "result": "Кайталанган жок", "password": TEST_PASSWORD}
    client.force_login(employee)
    assert client.post(url, data).status_code == 403
    client.force_login(manager)
    assert (
        'data-testid="action-check"'
        in client.get(action.get_absolute_url()).content.decode()
    )
    assert client.post(url, data).status_code == 302
    action.refresh_from_db()
    nc.refresh_from_db()
    assert action.status == ActionStatus.EFFECTIVE
    assert action.checked_by == manager
    assert action.history.latest().history_user == manager
    assert nc.status == NonconformityStatus.CLOSED
    assert pdfs_of(action).exists()


def test_action_check_not_effective_opens_a_follow_up(client, manager):
    action = ActionFactory(check=True, checker=manager)
    client.force_login(manager)
    response = client.post(
        reverse("capa:action_check", args=[action.pk]),
        {"effective": "no", "result": "Кайталанды", "password": TEST_PASSWORD},
        follow=True,
    )
    follow_up = Action.objects.get(follow_up_of=action)
    assert follow_up.code in " ".join(messages_of(response))
    page = client.get(action.get_absolute_url())
    assert page.context["follow_ups"] == [follow_up]
    assert follow_up.get_absolute_url() in page.content.decode()
    back = client.get(follow_up.get_absolute_url()).content.decode()
    assert action.get_absolute_url() in back


def test_action_check_without_result_is_refused(client, manager):
    action = ActionFactory(check=True, checker=manager)
    client.force_login(manager)
    response = client.post(
        reverse("capa:action_check", args=[action.pk]),
        {"effective": "", "result": "", "password": TEST_PASSWORD},
    )
    errors = form_errors(response, "check_form")
    assert errors["result"] == [en("Describe what the check found.")]
    assert errors["effective"] == [en("Say whether the action was effective.")]
    action.refresh_from_db()
    assert action.status == ActionStatus.CHECK


def test_manual_review_pair(client, employee):
    manual = DocumentFactory(doc_type="manual", status="in_force")
    action = ActionFactory(owner__language="en")
    url = reverse("capa:action_manual_review", args=[action.pk])
    data = {"reason": "4.2.2-бөлүмдү өзгөртүү керек"}
    client.force_login(employee)
    assert client.post(url, data).status_code == 403
    assert not ChangeRequest.objects.exists()
    client.force_login(action.owner)
    empty = client.post(url, {"reason": ""})
    assert form_errors(empty, "review_form")["reason"] == [
        en("Say what should change and why.")
    ]
    assert client.post(url, data).status_code == 302
    change = ChangeRequest.objects.get()
    assert change.document == manual
    action.refresh_from_db()
    assert action.manual_review == change
    assert action.history.latest().history_user == action.owner


def test_action_pdf_pair(client, employee):
    action = ActionFactory()
    url = reverse("capa:action_pdf", args=[action.pk])
    client.force_login(employee)
    assert client.post(url).status_code == 403
    assert not SignedPDF.objects.exists()
    client.force_login(action.owner)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    pdf = SignedPDF.objects.get()
    assert pdf.object_id == action.pk
    page = client.get(action.get_absolute_url())
    assert page.context["pdfs"] == [pdf]


def test_action_history_tab_shows_each_step_with_its_user(client, manager, make_user):
    owner = make_user("staff", language="en")
    helper = make_user("staff", language="en")
    nc = services.nonconformity_raise(
        actor=helper, source=Source.STAFF, description="Сертификаттар кечикти"
    )
    services.nonconformity_contain(
        nonconformity=nc,
        actor=manager,
        containment="Кайра басылды",
        disposition="correct",
        password=TEST_PASSWORD,
    )
    services.nonconformity_analyse(nonconformity=nc, actor=manager)
    today = timezone.localdate()
    action = services.action_create(
        actor=manager,
        kind=ActionKind.CORRECTIVE,
        title="Мөөнөттөр",
        owner=owner,
        due_date=today,
        check_due=today,
        checker=manager,
        nonconformities=[nc],
        cause_category="method",
        root_cause="Мөөнөт жок",
    )
    task = services.task_add(
        action=action, actor=owner, title="Оңдоо", owner=helper, due_date=today
    )
    services.action_start(action=action, actor=owner, password=TEST_PASSWORD)
    services.task_mark(task=task, actor=helper, done=True)
    services.action_implement(
        action=action, actor=owner, note="Бүттү", password=TEST_PASSWORD
    )
    services.action_check(
        action=action,
        actor=manager,
        effective=True,
        result="Натыйжалуу",
        password=TEST_PASSWORD,
    )

    client.force_login(owner)
    response = client.get(action.get_absolute_url())
    content = response.content.decode()
    assert 'data-testid="tab-history"' in content
    rows = response.context["rows"]
    steps = [(row.reason, row.who) for row in reversed(rows)]
    # The services above store each reason in the language active when they
    # ran (the default): the page shows them as stored, whoever reads it.
    with translation.override(settings.LANGUAGE_CODE):
        expected = [
            (gettext("Opened"), manager),
            (gettext("Started"), owner),
            (gettext("Implemented"), owner),
            (gettext("Effectiveness check due"), manager),
            (gettext("Closed: effective"), manager),
        ]
    assert steps == expected
    for _reason, who in expected:
        assert who.full_name in content
    assert [s.meaning for s in response.context["signatures"]] == [
        Meaning.ACKNOWLEDGED,
        Meaning.PERFORMED,
        Meaning.VERIFIED,
    ]
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CLOSED


# --- The CAPA plan -----------------------------------------------------------


def test_plan_create_pair(client, employee, manager):
    action = ActionFactory()
    url = reverse("capa:plan_create")
    client.force_login(employee)
    assert client.post(url, {"notes": ""}).status_code == 403
    assert not CapaPlan.objects.exists()
    assert client.get(reverse("capa:plan_list")).context["form"] is None
    client.force_login(manager)
    response = client.post(url, {"notes": "2026-жылдын планы"})
    plan = CapaPlan.objects.get()
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    assert list(plan.actions.all()) == [action]
    assert plan.history.latest().history_user == manager


def test_a_second_draft_plan_is_refused(client, manager):
    CapaPlanFactory()
    client.force_login(manager)
    response = client.post(reverse("capa:plan_create"), {"notes": ""})
    assert response.status_code == 200
    assert messages_of(response) == [
        en("A draft of the plan already exists: update it instead.")
    ]
    assert CapaPlan.objects.count() == 1


def test_plan_refresh_pair(client, employee, manager):
    plan = CapaPlanFactory()
    action = ActionFactory()
    url = reverse("capa:plan_refresh", args=[plan.pk])
    client.force_login(employee)
    assert client.post(url, {"notes": "Жаңы"}).status_code == 403
    assert not plan.actions.exists()
    client.force_login(manager)
    assert client.post(url, {"notes": "Жаңы"}).status_code == 302
    plan.refresh_from_db()
    assert plan.notes == "Жаңы"
    assert list(plan.actions.all()) == [action]
    assert plan.history.latest().history_user == manager


def test_plan_refresh_of_an_approved_plan_is_refused(client, manager):
    plan = CapaPlanFactory()
    CapaPlan.objects.filter(pk=plan.pk).update(approval_status=ApprovalStatus.APPROVED)
    client.force_login(manager)
    page = client.get(plan.get_absolute_url())
    assert page.context["refresh_form"] is None
    response = client.post(reverse("capa:plan_refresh", args=[plan.pk]), {"notes": ""})
    assert messages_of(response) == [en("Only a draft plan is updated.")]


def test_plan_detail_highlights_overdue_rows(client, employee, organisation):
    past = timezone.localdate() - timedelta(days=5)
    late = ActionFactory(opened_on=past - timedelta(days=10), due_date=past)
    plan = CapaPlanFactory(actions=[late, ActionFactory()])
    client.force_login(employee)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert 'class="table-danger"' in content
    assert late.code in content
    assert 'data-testid="approval-status"' in content


# --- The yearly summary ------------------------------------------------------


def test_summary_page(client, employee, nobody):
    year = timezone.localdate().year
    nc = NonconformityFactory(source=Source.COMPLAINT, planned=True)
    ActionFactory(nonconformities=[nc], effective=True)
    client.force_login(nobody)
    assert client.get(reverse("capa:summary")).status_code == 403
    client.force_login(employee)
    response = client.get(reverse("capa:summary") + f"?year={year}")
    summary = response.context["summary"]
    assert summary["year"] == year
    assert summary["effective_share"] == 100
    by_source = {row["source"]: row["count"] for row in summary["nc_by_source"]}
    assert by_source[Source.COMPLAINT] == 1
    assert client.get(reverse("capa:summary") + "?year=abc").status_code == 200


# --- Admin -------------------------------------------------------------------


def test_admin_lists_capa_read_only_and_offers_plan_approval(client, director):
    ActionTaskFactory()
    plan = CapaPlanFactory(actions=[ActionFactory()])
    client.force_login(director)
    for name in ("nonconformity", "action", "capaplan"):
        response = client.get(reverse(f"admin:capa_{name}_changelist"))
        assert response.status_code == 200, name
    action = Action.objects.first()
    page = client.get(reverse("admin:capa_action_change", args=[action.pk]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    changelist = client.get(reverse("admin:capa_capaplan_changelist"))
    assert "approve" in changelist.content.decode()
    assert plan.approval_status == ApprovalStatus.DRAFT


# --- The whole way through the pages ------------------------------------------


def test_from_a_staff_report_to_an_effective_corrective_action(
    client, manager, make_user
):
    reporter = make_user("staff", language="en")
    owner = make_user("staff", language="en")
    today = timezone.localdate().isoformat()

    client.force_login(reporter)
    client.post(
        reverse("capa:nonconformity_create"),
        {
            "source": Source.STAFF,
            "description": "Сертификаттар кечикти",
            "severity": "minor",
            "detected_on": today,
        },
    )
    nc = Nonconformity.objects.get()

    client.force_login(manager)
    steps = [
        (
            reverse("capa:nonconformity_contain", args=[nc.pk]),
            {
                "containment": "Кайра басылды",
                "disposition": "correct",
                "password": TEST_PASSWORD,
            },
        ),
        (reverse("capa:nonconformity_analyse", args=[nc.pk]), {}),
        (
            reverse("capa:action_create"),
            _action_data(nc, owner=owner.pk, due_date=today, check_due=today),
        ),
    ]
    for url, data in steps:
        response = client.post(url, data)
        assert response.status_code == 302, (
            url,
            response.context and messages_of(response),
        )
    action = Action.objects.get()

    client.force_login(owner)
    for url, data in [
        (
            reverse("capa:task_add", args=[action.pk]),
            {"title": "Жол-жобону оңдоо", "owner": owner.pk, "due_date": today},
        ),
        (reverse("capa:action_start", args=[action.pk]), {"password": TEST_PASSWORD}),
    ]:
        assert client.post(url, data).status_code == 302
    task = action.tasks.get()
    assert client.post(reverse("capa:task_mark", args=[task.pk]), {"done": "on"})
    assert (
        client.post(
            reverse("capa:action_implement", args=[action.pk]),
            {"note": "Бүттү", "password": TEST_PASSWORD},
        ).status_code
        == 302
    )

    client.force_login(manager)
    response = client.post(
        reverse("capa:action_check", args=[action.pk]),
        {"effective": "yes", "result": "Натыйжалуу", "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    nc.refresh_from_db()
    assert action.status == ActionStatus.EFFECTIVE
    assert nc.status == NonconformityStatus.CLOSED
    # The check signs the action ("verified"); the nonconformity closes with
    # it, signed "verified" by the same checker.
    meanings = [s.meaning for s in Signature.objects.for_object(nc)]
    assert meanings == [Meaning.PERFORMED, Meaning.VERIFIED]
    assert Signature.objects.for_object(action).count() == 3


# --- Lists scoped to what one may see, and the remaining bad input ------------


def test_lists_show_one_without_a_role_only_their_own(client, nobody):
    mine = NonconformityFactory(detected_by=nobody, created_by=nobody)
    NonconformityFactory()
    owned = ActionFactory(owner=nobody)
    ActionFactory()
    client.force_login(nobody)
    ncs = client.get(reverse("capa:nonconformity_list")).context["page_obj"]
    assert list(ncs) == [mine]
    actions = client.get(reverse("capa:action_list")).context["page_obj"]
    assert list(actions) == [owned]
    empty = client.get(reverse("capa:nonconformity_list") + "?source=complaint")
    assert "No nonconformities yet." in empty.content.decode()


def test_plan_pages_pair(client, nobody, employee):
    plan = CapaPlanFactory(actions=[ActionFactory()])
    client.force_login(nobody)
    assert client.get(reverse("capa:plan_list")).status_code == 403
    assert client.get(plan.get_absolute_url()).status_code == 403
    client.force_login(employee)
    assert client.get(reverse("capa:plan_list")).status_code == 200
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200
    assert page.context["refresh_form"] is None


def test_nonconformity_edit_rejects_an_empty_description(client, manager):
    nc = NonconformityFactory()
    client.force_login(manager)
    response = client.post(
        reverse("capa:nonconformity_edit", args=[nc.pk]),
        {"source": Source.STAFF, "description": "", "severity": "minor"},
    )
    assert response.status_code == 200
    assert "description" in form_errors(response, "form")
    nc.refresh_from_db()
    assert nc.description.startswith("Семинардын")
    assert nc.history.count() == 1


def test_action_edit_rejects_a_check_before_the_deadline(client):
    action = ActionFactory(owner__language="en")
    client.force_login(action.owner)
    data = _action_data(
        owner=action.owner_id,
        checker=action.checker_id,
        check_due=(action.due_date - timedelta(days=1)).isoformat(),
        due_date=action.due_date.isoformat(),
    )
    response = client.post(reverse("capa:action_edit", args=[action.pk]), data)
    assert response.status_code == 200
    assert form_errors(response, "form")["check_due"] == [
        en("The effectiveness check comes after the implementation deadline.")
    ]
    action.refresh_from_db()
    assert action.history.count() == 1


def test_task_mark_before_the_work_started_is_refused(client):
    task = ActionTaskFactory(owner__language="en")
    client.force_login(task.owner)
    response = client.post(
        reverse("capa:task_mark", args=[task.pk]), {"done": "on"}, follow=True
    )
    assert messages_of(response) == [
        en("Tasks are marked while the action is in progress.")
    ]
    task.refresh_from_db()
    assert not task.is_done


def test_action_implement_without_a_note_is_refused(client):
    action = ActionFactory(owner__language="en", in_progress=True)
    client.force_login(action.owner)
    response = client.post(
        reverse("capa:action_implement", args=[action.pk]),
        {"note": "", "password": TEST_PASSWORD},
    )
    assert form_errors(response, "implement_form")["note"] == [en("Say what was done.")]
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
