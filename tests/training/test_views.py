"""Personnel pages: permission pairs, bad input, query budgets."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from sapat.signing.models import ApprovalStatus
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.training.factories import (
    AreaFactory,
    CompetenceFactory,
    EmployeeFactory,
    ExpertAreaFactory,
    ExpertFactory,
    HeldFactory,
    PostFactory,
    RequirementFactory,
    TrainingFactory,
)
from tests.utils import assert_constant_queries
from training import services
from training.models import (
    OPTIONAL_PUBLIC_FIELDS,
    PUBLIC_FIELDS,
    Attestation,
    Briefing,
    Competence,
    Employee,
    Expert,
    ExpertArea,
    Induction,
    PlanItem,
    Post,
    StaffTrainingPlan,
    TrainingNeed,
    TrainingTaken,
)

pytestmark = pytest.mark.django_db


def _reads_english(user):
    """The portal speaks to ``user`` in English (the profile's language), so
    the form's messages compare to their English msgids."""
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def nobody(db):
    return UserFactory()  # no role at all


# --- Read pages: without the permission 403/404, with it 200 -----------------


@pytest.fixture
def objects(personnel, make_in_force, make_user):
    employee = EmployeeFactory()
    expert = ExpertFactory()
    attestation = services.attestation_create(
        actor=personnel,
        employee=employee,
        date=datetime.date(2026, 3, 1),
        commission=[make_user("quality_manager")],
        result=Attestation.Result.MEETS,
    )
    plan = services.plan_create(actor=personnel, year=2026)
    induction = services.induction_start(
        actor=personnel, employee=employee, documents=[make_in_force("СК").document]
    )
    return {
        "competence": CompetenceFactory(),
        "area": AreaFactory(),
        "post": PostFactory(),
        "employee": employee,
        "expert": expert,
        "attestation": attestation,
        "plan": plan,
        "induction": induction,
    }


PROTECTED = [
    # (url name, args from objects, who gets in, who is refused)
    ("training:competence_list", None, "staff", "nobody"),
    ("training:competence_detail", "competence", "staff", "nobody"),
    ("training:competence_create", None, "personnel", "staff"),
    ("training:competence_edit", "competence", "personnel", "staff"),
    ("training:area_list", None, "staff", "nobody"),
    ("training:area_create", None, "personnel", "staff"),
    ("training:area_edit", "area", "personnel", "staff"),
    ("training:post_list", None, "staff", "nobody"),
    ("training:post_detail", "post", "staff", "nobody"),
    ("training:post_create", None, "personnel", "staff"),
    ("training:post_edit", "post", "personnel", "staff"),
    ("training:employee_detail", "employee", "personnel", "staff"),
    ("training:employee_hire", None, "personnel", "staff"),
    ("training:employee_edit", "employee", "personnel", "staff"),
    ("training:training_create", "employee", "personnel", "staff"),
    ("training:employee_deactivate", "employee", "sysadmin", "personnel"),
    ("training:induction_start", "employee", "personnel", "staff"),
    ("training:competence_matrix", None, "personnel", "staff"),
    ("training:competence_matrix_csv", None, "personnel", "staff"),
    ("training:expert_list", None, "staff", "nobody"),
    ("training:expert_detail", "expert", "staff", "nobody"),
    ("training:expert_create", None, "personnel", "staff"),
    ("training:expert_edit", "expert", "personnel", "staff"),
    ("training:attestation_create", None, "personnel", "staff"),
    ("training:attestation_detail", "attestation", "personnel", "staff"),
    ("training:attestation_edit", "attestation", "personnel", "staff"),
    ("training:need_list", None, "personnel", "staff"),
    ("training:need_create", None, "personnel", "staff"),
    ("training:plan_list", None, "personnel", "staff"),
    ("training:plan_create", None, "personnel", "staff"),
    ("training:plan_item_add", "plan", "personnel", "staff"),
    ("training:induction_list", None, "personnel", "staff"),
    ("training:induction_detail", "induction", "personnel", "staff"),
]


def _url(name, key, objects):
    if key is None:
        return reverse(name)
    obj = objects[key]
    return reverse(name, args=[obj.year if key == "plan" else obj.pk])


@pytest.mark.parametrize(("name", "key", "allowed", "refused"), PROTECTED)
def test_read_pages_pair(client, request, objects, name, key, allowed, refused):
    url = _url(name, key, objects)
    client.force_login(request.getfixturevalue(refused))
    assert client.get(url).status_code in {403, 404}
    client.force_login(request.getfixturevalue(allowed))
    assert client.get(url).status_code == 200


def test_plan_detail_pair(client, objects, personnel, staff):
    url = objects["plan"].get_absolute_url()
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(personnel)
    assert client.get(url).status_code == 200


def test_index_shows_alerts_to_personnel_and_links_to_staff(
    client, personnel, staff, objects
):
    client.force_login(staff)
    response = client.get(reverse("training:index"))
    assert response.status_code == 200
    assert "not-inducted-count" not in response.content.decode()
    client.force_login(personnel)
    response = client.get(reverse("training:index"))
    assert response.context["not_inducted"] == 1


def test_staff_see_their_own_file_and_induction_only(client, objects, make_user):
    employee = objects["employee"]
    client.force_login(employee.user)
    assert client.get(employee.get_absolute_url()).status_code == 200
    assert client.get(objects["induction"].get_absolute_url()).status_code == 200
    assert client.get(objects["attestation"].get_absolute_url()).status_code == 200
    other = EmployeeFactory()
    assert client.get(other.get_absolute_url()).status_code == 404
    listed = client.get(reverse("training:employee_list")).context["page_obj"]
    assert list(listed) == [employee]


def test_contacts_and_cv_are_hidden_from_staff(client, staff, personnel):
    expert = ExpertFactory(email="hidden@example.kg")
    client.force_login(staff)
    assert (
        "hidden@example.kg"
        not in client.get(expert.get_absolute_url()).content.decode()
    )
    assert (
        client.get(reverse("training:expert_cv", args=[expert.pk])).status_code == 403
    )
    client.force_login(personnel)
    assert "hidden@example.kg" in client.get(expert.get_absolute_url()).content.decode()


# --- Changes: pairs, history, bad input --------------------------------------


def test_competence_create_pair(client, staff, personnel):
    url = reverse("training:competence_create")
    data = {"code": "internal-auditor", "name": "Ички аудитор"}
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    assert not Competence.objects.exists()
    client.force_login(personnel)
    assert client.post(url, data).status_code == 302
    assert Competence.objects.get().history.latest().history_user == personnel


def test_post_create_and_requirement_pair(client, staff, personnel):
    client.force_login(staff)
    assert (
        client.post(reverse("training:post_create"), {"title": "X"}).status_code == 403
    )
    client.force_login(personnel)
    response = client.post(reverse("training:post_create"), {"title": "Референт"})
    assert response.status_code == 302
    post = Post.objects.get()
    competence = CompetenceFactory()
    url = reverse("training:requirement_set", args=[post.pk])
    client.force_login(staff)
    assert (
        client.post(url, {"competence": competence.pk, "level": 2}).status_code == 403
    )
    client.force_login(personnel)
    client.post(url, {"competence": competence.pk, "level": 2})
    requirement = post.requirements.get()
    assert requirement.level == 2
    assert requirement.history.latest().history_user == personnel
    client.post(url, {"competence": competence.pk, "level": 9})
    requirement.refresh_from_db()
    assert requirement.level == 2


def test_hire_pair_and_a_second_file_is_refused(client, staff, personnel):
    newcomer = UserFactory()
    url = reverse("training:employee_hire")
    data = {"user": newcomer.pk, "hired_on": "2026-03-01"}
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    client.force_login(personnel)
    assert client.post(url, data).status_code == 302
    employee = Employee.objects.get(user=newcomer)
    assert employee.history.latest().history_user == personnel
    again = client.post(url, data)
    assert again.status_code == 200
    assert again.context["form"].errors["user"]
    assert Employee.objects.count() == 1


def test_training_with_an_expiry_before_the_issue_is_refused(client, personnel, staff):
    employee = EmployeeFactory()
    url = reverse("training:training_create", args=[employee.pk])
    data = {
        "title": "ISO 9001",
        "kind": "external",
        "issued_on": "2026-03-01",
        "expires_on": "2026-02-01",
    }
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    client.force_login(_reads_english(personnel))
    response = client.post(url, data)
    assert response.context["form"].errors["expires_on"] == [
        "A certificate cannot expire before it was issued."
    ]
    assert not TrainingTaken.objects.exists()
    data["expires_on"] = "2029-03-01"
    assert client.post(url, data).status_code == 302
    assert TrainingTaken.objects.get().history.latest().history_user == personnel


def test_certificate_download_for_the_person_and_personnel(client, personnel, staff):
    from django.core.files.base import ContentFile

    training = TrainingFactory()
    training.certificate.save("cert.pdf", ContentFile(b"%PDF-1.7 x"))
    url = reverse("training:certificate_download", args=[training.pk])
    client.force_login(staff)
    assert client.get(url).status_code == 404
    client.force_login(training.employee.user)
    assert client.get(url).status_code == 200
    client.force_login(personnel)
    assert client.get(url).status_code == 200


def test_expert_level_outside_the_scale_is_refused(client, personnel, staff):
    expert = ExpertFactory()
    area = AreaFactory()
    url = reverse("training:expert_area_set", args=[expert.pk])
    client.force_login(staff)
    assert client.post(url, {"area": area.pk, "level": 2}).status_code == 403
    client.force_login(personnel)
    response = client.post(url, {"area": area.pk, "level": 7}, follow=True)
    assert not ExpertArea.objects.exists()
    assert list(response.context["messages"])
    client.post(url, {"area": area.pk, "level": 3})
    cell = ExpertArea.objects.get()
    assert cell.level == 3
    assert cell.history.latest().history_user == personnel


def test_expert_form_rejects_a_level_and_a_nameless_external(client, personnel):
    client.force_login(_reads_english(personnel))
    response = client.post(
        reverse("training:expert_create"), {"availability": "available"}
    )
    assert response.context["form"].errors["name"] == ["Name the external expert."]
    assert not Expert.objects.exists()
    response = client.post(
        reverse("training:expert_create"),
        {"name": "Петров П.", "availability": "available", "public_consent": "on"},
    )
    assert response.status_code == 302
    expert = Expert.objects.get()
    assert expert.consent_on == timezone.localdate()


def test_conflict_declare_pair(client, personnel, staff):
    expert = ExpertFactory()
    url = reverse("training:conflict_declare", args=[expert.pk])
    data = {"client_name": "КМУ", "declared_on": "2026-03-01"}
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    client.force_login(personnel)
    client.post(url, data)
    assert expert.conflicts.get().history.latest().history_user == personnel


def test_attestation_for_someone_who_left_is_a_form_error(
    client, personnel, staff, director
):
    employee = EmployeeFactory(left_on=datetime.date(2026, 1, 31))
    url = reverse("training:attestation_create")
    data = {
        "employee": employee.pk,
        "date": "2026-03-01",
        "commission": [director.pk],
        "result": "meets",
    }
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    client.force_login(_reads_english(personnel))
    response = client.post(url, data)
    assert "has left" in response.context["form"].errors["employee"][0]
    assert not Attestation.objects.exists()
    data["employee"] = EmployeeFactory().pk
    assert client.post(url, data).status_code == 302
    assert Attestation.objects.get().history.latest().history_user == personnel


def test_attestation_need_and_send_pair(
    client, objects, personnel, staff, director, organisation
):
    attestation = objects["attestation"]
    need_url = reverse("training:attestation_need_add", args=[attestation.pk])
    send_url = reverse("training:attestation_send", args=[attestation.pk])
    client.force_login(staff)
    assert client.post(need_url, {"topic": "Педагогика"}).status_code == 403
    assert client.post(send_url).status_code == 403
    client.force_login(personnel)
    client.post(need_url, {"topic": "", "level": ""})
    assert not TrainingNeed.objects.exists()
    client.post(need_url, {"topic": "Педагогика"})
    assert TrainingNeed.objects.get().source == "attestation"
    client.post(send_url)
    attestation.refresh_from_db()
    assert attestation.approval_status == ApprovalStatus.AGREEMENT


def test_need_create_bad_input(client, personnel):
    client.force_login(_reads_english(personnel))
    employee = EmployeeFactory()
    response = client.post(
        reverse("training:need_create"),
        {"employee": employee.pk, "source": "concept", "topic": ""},
    )
    assert response.context["form"].errors["topic"] == ["Name a competence or a topic."]
    assert not TrainingNeed.objects.exists()
    response = client.post(
        reverse("training:need_create"),
        {"employee": employee.pk, "source": "concept", "topic": "Цифралаштыруу"},
    )
    assert response.status_code == 302


def test_plan_create_item_and_cancel_pairs(client, personnel, staff):
    client.force_login(staff)
    assert (
        client.post(reverse("training:plan_create"), {"year": 2026}).status_code == 403
    )
    client.force_login(personnel)
    client.post(reverse("training:plan_create"), {"year": 2026})
    plan = StaffTrainingPlan.objects.get()
    again = client.post(reverse("training:plan_create"), {"year": 2026})
    assert again.context["form"].errors["year"]
    employee = EmployeeFactory()
    url = reverse("training:plan_item_add", args=[2026])
    data = {
        "employee": employee.pk,
        "topic": "Психология",
        "planned_on": "2027-02-01",
        "responsible": personnel.pk,
    }
    bad = client.post(url, data)
    assert bad.context["form"].errors["planned_on"]
    assert not PlanItem.objects.exists()
    data["planned_on"] = "2026-04-01"
    assert client.post(url, data).status_code == 302
    item = PlanItem.objects.get()
    StaffTrainingPlan.objects.filter(pk=plan.pk).update(approval_status="approved")
    cancel = reverse("training:plan_item_cancel", args=[item.pk])
    client.force_login(staff)
    assert client.post(cancel, {"reason": "x"}).status_code == 403
    client.force_login(personnel)
    client.post(cancel, {"reason": "Тренер ооруп калды"})
    item.refresh_from_db()
    assert item.status == "cancelled"
    assert item.history.latest().history_user == personnel


def test_induction_start_and_briefing(
    client, personnel, staff, make_in_force, director
):
    employee = EmployeeFactory()
    revision = make_in_force("СК")
    url = reverse("training:induction_start", args=[employee.pk])
    data = {
        "documents": [revision.document_id],
        "started_on": "2026-03-01",
        "responsible": personnel.pk,
    }
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    client.force_login(personnel)
    empty = client.post(url, {**data, "documents": []})
    assert empty.context["form"].errors["documents"]
    assert not Induction.objects.exists()
    assert client.post(url, data).status_code == 302
    induction = Induction.objects.get()
    sign = reverse("training:briefing_sign", args=[induction.pk, "safety"])
    form = {"safety-kind": "safety", "safety-given_on": "2026-03-02"}
    # The deputy does not give the safety briefing.
    assert (
        client.post(sign, {**form, "safety-password": TEST_PASSWORD}).status_code == 403
    )
    client.force_login(director)
    client.post(sign, {**form, "safety-password": "wrong"})
    assert not Briefing.objects.exists()
    client.post(sign, {**form, "safety-password": TEST_PASSWORD})
    assert Briefing.objects.get().given_by == director


def test_deactivate_page_lists_the_work_and_hands_it_over(
    client, sysadmin, personnel, make_in_force
):
    leaver = EmployeeFactory()
    make_in_force("ДЖ-07", owner=leaver.user)
    successor = UserFactory()
    url = reverse("training:employee_deactivate", args=[leaver.pk])
    client.force_login(personnel)
    assert client.post(url, {"left_on": "2026-03-01"}).status_code == 403
    client.force_login(sysadmin)
    page = client.get(url)
    assert "ДЖ-07" in page.content.decode()
    refused = client.post(url, {"left_on": "2026-03-01"})
    assert refused.context["form"].errors["successor"]
    leaver.user.refresh_from_db()
    assert leaver.user.is_active
    done = client.post(url, {"left_on": "2026-03-01", "successor": successor.pk})
    assert done.status_code == 302
    leaver.refresh_from_db()
    assert leaver.left_on == datetime.date(2026, 3, 1)
    assert not type(leaver.user).objects.get(pk=leaver.user_id).is_active


def test_matrix_highlights_gaps_and_exports_csv(client, personnel):
    requirement = RequirementFactory(level=2)
    employee = EmployeeFactory(post=requirement.post)
    HeldFactory(employee=employee, competence=requirement.competence, level=1)
    client.force_login(personnel)
    page = client.get(reverse("training:competence_matrix")).content.decode()
    assert 'data-gap="yes"' in page
    csv = client.get(reverse("training:competence_matrix_csv")).content.decode()
    assert str(employee) in csv
    assert "2/1 !" in csv


# --- The public matrix -------------------------------------------------------


class _Fields(HTMLParser):
    """Collects the data-field names and the text of the public matrix."""

    def __init__(self):
        super().__init__()
        self.fields, self.experts, self.text = set(), set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-field" in attrs:
            self.fields.add(attrs["data-field"])
        if "data-expert" in attrs:
            self.experts.add(int(attrs["data-expert"]))

    def handle_data(self, data):
        self.text.append(data)


def _parse(client):
    parser = _Fields()
    parser.feed(client.get(reverse("experts_public")).content.decode())
    return parser


def test_public_matrix_shows_no_private_field(client):
    from django.core.files.base import ContentFile

    cell = ExpertAreaFactory(expert__email="private@example.kg")
    cell.expert.cv.save("cv.pdf", ContentFile(b"%PDF-1.7 x"))
    hidden = ExpertAreaFactory(expert__public_consent=False).expert
    parser = _parse(client)
    assert parser.fields <= set(PUBLIC_FIELDS)
    assert parser.experts == {cell.expert.pk}
    text = " ".join(parser.text)
    assert cell.expert.name in text and hidden.name not in text
    for value in ("private@example.kg", cell.expert.phone, "cv.pdf"):
        assert value not in text
    assert (
        client.get(reverse("experts_public_cv", args=[cell.expert.pk])).status_code
        == 404
    )


def test_public_matrix_shows_the_fields_the_expert_agreed_to(client):
    from django.core.files.base import ContentFile

    expert = ExpertAreaFactory(expert__public_email=True, expert__public_cv=True).expert
    expert.cv.save("cv.pdf", ContentFile(b"%PDF-1.7 x"))
    parser = _parse(client)
    assert parser.fields == {*PUBLIC_FIELDS, "email", "cv"}
    assert parser.fields <= {*PUBLIC_FIELDS, *OPTIONAL_PUBLIC_FIELDS}
    assert client.get(reverse("experts_public_cv", args=[expert.pk])).status_code == 200


def test_an_expert_who_withdrew_consent_disappears(client, personnel):
    expert = ExpertAreaFactory().expert
    assert _parse(client).experts == {expert.pk}
    services.expert_save(actor=personnel, expert=expert, public_consent=False)
    assert _parse(client).experts == set()


# --- Query budgets -----------------------------------------------------------


def _budget(client, user, name, make, args=()):
    client.force_login(user)
    assert_constant_queries(client, reverse(name, args=args), make)


def test_list_query_budgets(client, staff, personnel, make_in_force):
    _budget(
        client,
        staff,
        "training:competence_list",
        lambda n: [RequirementFactory() for _ in range(n)],
    )
    _budget(
        client, staff, "training:area_list", lambda n: ExpertAreaFactory.create_batch(n)
    )
    _budget(
        client,
        staff,
        "training:post_list",
        lambda n: [EmployeeFactory(post=RequirementFactory().post) for _ in range(n)],
    )
    _budget(
        client,
        personnel,
        "training:employee_list",
        lambda n: EmployeeFactory.create_batch(n),
    )
    _budget(
        client,
        staff,
        "training:expert_list",
        lambda n: ExpertAreaFactory.create_batch(n),
    )


def test_matrix_query_budget(client, personnel):
    def make(n):
        for _ in range(n):
            requirement = RequirementFactory()
            employee = EmployeeFactory(post=requirement.post)
            HeldFactory(employee=employee, competence=requirement.competence)

    _budget(client, personnel, "training:competence_matrix", make)


def test_public_matrix_query_budget(client):
    assert_constant_queries(
        client,
        reverse("experts_public"),
        lambda n: ExpertAreaFactory.create_batch(n),
    )


def test_attestation_and_need_lists_query_budget(client, personnel, director):
    def make(n):
        for _ in range(n):
            attestation = services.attestation_create(
                actor=personnel,
                employee=EmployeeFactory(),
                date=datetime.date(2026, 3, 1),
                commission=[director],
                result=Attestation.Result.MEETS,
            )
            services.need_add(
                actor=personnel, employee=attestation.employee, topic="Тема"
            )

    _budget(client, personnel, "training:attestation_list", make)
    _budget(client, personnel, "training:need_list", make)


def test_plan_pages_query_budget(client, personnel):
    plan = services.plan_create(actor=personnel, year=2026)

    def make(n):
        for _ in range(n):
            services.plan_item_add(
                actor=personnel,
                plan=plan,
                employee=EmployeeFactory(),
                topic="Тема",
                planned_on=datetime.date(2026, 5, 1),
                responsible=UserFactory(),
            )

    _budget(client, personnel, "training:plan_detail", make, args=[2026])
    years = iter(range(2030, 2100))
    _budget(
        client,
        personnel,
        "training:plan_list",
        lambda n: [
            services.plan_create(actor=personnel, year=next(years)) for _ in range(n)
        ],
    )


def test_induction_list_query_budget(client, personnel, make_in_force):
    counter = iter(range(1000))

    def make(n):
        for _ in range(n):
            employee = EmployeeFactory()
            documents = [make_in_force(f"ДЖ-{next(counter)}").document for _ in "ab"]
            services.induction_start(
                actor=personnel, employee=employee, documents=documents
            )
            EmployeeFactory()  # not started

    _budget(client, personnel, "training:induction_list", make)


def test_detail_pages_render_in_every_state(
    client, personnel, director, organisation, objects, make_in_force
):
    """Approval panels, plan items to record or cancel, gaps, progress."""
    employee = objects["employee"]
    RequirementFactory(post=employee.post, level=3)
    plan = objects["plan"]
    services.plan_item_add(
        actor=personnel,
        plan=plan,
        employee=employee,
        topic="Педагогика",
        planned_on=datetime.date(2026, 5, 1),
        responsible=personnel,
    )
    client.force_login(personnel)
    draft = client.get(plan.get_absolute_url()).content.decode()
    assert 'data-testid="route-start"' in draft
    StaffTrainingPlan.objects.filter(pk=plan.pk).update(approval_status="approved")
    approved = client.get(plan.get_absolute_url()).content.decode()
    assert "?item=" in approved
    services.attestation_send(actor=personnel, attestation=objects["attestation"])
    sent = client.get(objects["attestation"].get_absolute_url()).content.decode()
    assert 'data-testid="approval-status"' in sent
    page = client.get(employee.get_absolute_url()).content.decode()
    assert 'data-testid="gaps"' in page
    assert objects["induction"].get_absolute_url() in page
    item = PlanItem.objects.get()
    form = client.get(
        reverse("training:training_create", args=[employee.pk]) + f"?item={item.pk}"
    )
    assert form.context["item"] == item
    for page in (
        client.get(reverse("training:index")),
        client.get(objects["induction"].get_absolute_url()),
    ):
        content = page.content.decode()
        assert "style=" not in content and "<script>" not in content
