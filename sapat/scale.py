"""A realistic agency year, N times over, on top of the demo data.

``manage.py seed_scale --scale N`` (and ``make demo-large``, and ``make
bench``) call :func:`seed_scale`. One *agency year* is what «Сапаттуу билим»
makes in a year (issue #14): 300 documents, 3 000 records, 200
nonconformities, 50 projects, 100 seminars, with what hangs off them: owners
and revisions in force, nomenclature items, corrective actions and their
tasks, audits with checklists, clients with contacts, project stages, teams
with their object permissions, plan items and client property, seminar
participants, suppliers with evaluations, public feedback, and users spread
over the units and roles.

The rows are written in bulk (``bulk_create`` in batches, and
simple_history's ``bulk_create_with_history`` so that detail pages show who
made them and when), not through the services: a service per row would take
hours at 30×. They keep every constraint and ``clean()`` invariant the
services keep (``tests/sapat/test_scale.py`` runs ``full_clean()`` over a
sample of each), statuses are spread over each lifecycle and dates over the
year 2026. Team permissions are granted by the projects services' own
:func:`projects.services.sync_team_permissions`.

Each call adds one more *run* (usernames ``scale<run>-…``, codes with the run
number), so seeding 1× and then 29× more gives 30×. The same seed on the same
starting database gives the same rows.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

#: One agency year (issue #14); the rest follow from these.
PER_YEAR = {
    "users": 40,
    "documents": 300,
    "items": 100,
    "records": 3000,
    "nonconformities": 200,
    "actions": 120,
    "audits": 12,
    "clients": 40,
    "projects": 50,
    "seminars": 100,
    "suppliers": 30,
    "feedback": 150,
}
BATCH = 1000
PARTICIPANTS = 15
#: Demo users (fixtures/demo.json) who get object permissions on a share of
#: what is seeded: team places, restricted documents and files.
TEAM_USERS = ("staff", "expert")
#: The roles of the seeded people, one in ten each: the quality manager,
#: office manager and top management stay the demo's own (one person each,
#: as in the agency), or every notification to a role would go to dozens.
ROLE_GROUPS = (
    "Staff",
    "Staff",
    "Staff",
    "Staff",
    "Expert",
    "Expert",
    "Expert",
    "Referent",
    "Trainer",
    "Project manager",
)

SURNAMES = [
    "Асанов",
    "Токтогулов",
    "Жумабаев",
    "Сыдыков",
    "Иманалиев",
    "Осмонов",
    "Бекмуратов",
    "Абдыкадыров",
    "Кадыров",
    "Исаков",
    "Мамытов",
    "Орозбеков",
]
GIVEN = [
    ("Айбек", "Бакытович"),
    ("Нурлан", "Маратович"),
    ("Эрлан", "Асанович"),
    ("Бакыт", "Кубанычбекович"),
    ("Азамат", "Темирович"),
    ("Тимур", "Алмазович"),
]
GIVEN_F = [
    ("Гүлнара", "Бакытовна"),
    ("Айгүл", "Маратовна"),
    ("Нургүл", "Асановна"),
    ("Жылдыз", "Кубанычбековна"),
    ("Чолпон", "Темировна"),
    ("Мээрим", "Алмазовна"),
]
POSTS = [
    "Аккредитация боюнча референт",
    "Эксперт",
    "Тренер",
    "Сапат боюнча менеджер",
    "Офис-менеджер",
    "Долбоордун менеджери",
    "Бухгалтер",
]
SUBJECTS = [
    "Документтерди башкаруу",
    "Сапат боюнча жазууларды башкаруу",
    "Ички аудиттерди өткөрүү",
    "Дал келбеген кызматты башкаруу",
    "Оңдоочу аракеттерди аткаруу",
    "Персоналды окутуу",
    "Сатып алууларды жүргүзүү",
    "Кардарлардын канааттануусун баалоо",
    "Программалык аккредитациялоо",
    "Институционалдык аккредитациялоо",
    "Семинарларды уюштуруу",
    "Эксперттерди тандоо",
]
KINDS = [
    "жол-жобосу",
    "нускамасы",
    "регламенти",
    "планы",
    "тартиби",
    "процессинин картасы",
]
BODY = (
    "Бул документ {subject} тартибин аныктайт. Жооптуу адамдар, мөөнөттөр жана "
    "жазуулар көрсөтүлөт; өзгөртүүлөр сапат менеджери аркылуу киргизилет. "
    "Настоящий документ устанавливает порядок: {subject_lower}; ответственные "
    "лица и сроки указаны в приложении {n}."
)
RECORD_TITLES = [
    "Эксперттик комиссиянын корутундусу",
    "Семинардын катышуучуларынын тизмеси",
    "Ички аудиттин отчету",
    "Кардардын даттануусу боюнча жооп",
    "Жетекчиликтин талдоосунун протоколу",
    "Оңдоочу аракеттин планы",
    "Өзүн өзү баалоо отчету",
    "Камдык көчүрмөнүн журналы",
    "Протокол заседания экспертной комиссии",
    "Акт приёма-передачи документов",
]
NC_TEXTS = [
    "Эксперттик корутунду кардарга белгиленген мөөнөттөн {n} күн кеч жөнөтүлдү.",
    "Семинардын таркатма материалдарынын {n} нускасы басмаканадан бузук келди.",
    "Долбоордун планында тапшырманын жооптуусу көрсөтүлгөн эмес (№ {n}).",
    "Кардардын каты {n} жумуш күнүнөн кийин гана катталды.",
    "Отчет эскирген формада (ДЖ-0{n}-Ф) толтурулган.",
    "Экспертиза проведена без подписанной декларации о конфликте интересов ({n}).",
]
ACTION_TITLES = [
    "Корутундуларды жөнөтүү мөөнөттөрүн көзөмөлдөө",
    "Басмакана менен келишимге сапат талаптарын кошуу",
    "Тапшырмалардын жооптууларын пландоо формасына кошуу",
    "Каттарды каттоо тартибин жаңылоо",
    "Эскирген формаларды портал аркылуу алып салуу",
    "Обучение экспертов процедуре декларирования",
]
CLIENT_NAMES = [
    "Кыргыз улуттук университети",
    "Ош мамлекеттик университети",
    "Кыргыз-Түрк «Манас» университети",
    "Бишкек педагогикалык колледжи",
    "Нарын мамлекеттик университети",
    "Жалал-Абад медициналык колледжи",
    "Кыргызский государственный технический университет",
    "Талас мамлекеттик университети",
    "Каракол педагогикалык колледжи",
    "Баткен мамлекеттик университети",
]
REGIONS = ["Бишкек", "Ош", "Нарын", "Жалал-Абад", "Талас", "Ысык-Көл", "Баткен"]
PROGRAMMES = [
    "Педагогика",
    "Медициналык иш",
    "Информатика",
    "Экономика",
    "Юриспруденция",
    "Архитектура",
    "Филология",
]
SEMINAR_TITLES = [
    "Билим берүүнүн сапатын ички баалоо",
    "ISO 9001 негиздери",
    "Өзүн өзү баалоо отчетун даярдоо",
    "Эксперттердин этикасы",
    "Окуу программаларынын натыйжаларын баалоо",
    "Внутренняя система обеспечения качества",
]
VENUES = [
    "Бишкек, агенттиктин окуу залы",
    "Ош, ОшМУнун конференц-залы",
    "Нарын, университеттин китепканасы",
    "Онлайн (Zoom)",
]
SUPPLIER_NAMES = [
    "«Басма-Принт» ЖЧК",
    "«Ала-Тоо Офис» ЖЧК",
    "«Кыргызтелеком» ААК",
    "«Билим-Сервис» ЖЧК",
    "ИП Сатыбалдиев",
    "«Ак-Кеме» мейманканасы",
    "«Дата-Центр КГ» ЖЧК",
    "ОсОО «Принт Экспресс»",
]
FEEDBACK_TEXTS = [
    "Семинардын материалдары өз убагында берилген жок, кийинки жолу эрте жибериңиз.",
    "Экспертиза боюнча корутундунун мөөнөтүн тактап бериңиздерчи.",
    "Сайтта аккредитациядан өткөн программалардын тизмесин жарыялаңыз.",
    "Тренерге чоң рахмат, семинар абдан пайдалуу болду.",
    "Подскажите, какие документы нужны для институциональной аккредитации?",
    "Жалоба: ответ на наше письмо не поступил в течение месяца.",
]
STEPS = ["формаларды жаңылоо", "персоналды окутуу", "аткаруу боюнча отчет"]
CHECKLIST = [
    "Процесстин картасы күчүндөбү жана колдонулабы?",
    "Жазуулар номенклатура боюнча сакталабы?",
    "Дал келбестиктер катталып, талдоого алынганбы?",
    "Персонал күчүндөгү жол-жоболор менен таанышканбы?",
    "KPI өлчөөлөрү мөөнөтүндө киргизилгенби?",
]


@dataclass
class Seeded:
    """What one call made: counts by kind, and the run number."""

    run: int
    scale: float
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, rows) -> list:
        rows = list(rows)
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        return rows


class NoDemoData(Exception):
    """The database has no demo data (``manage.py seed_demo`` first)."""


def _count(name: str, scale: float) -> int:
    return max(1, round(PER_YEAR[name] * scale))


def already_seeded() -> bool:
    """Whether an earlier :func:`seed_scale` run added data here."""
    return _next_run() > 1


def _next_run() -> int:
    from sapat.accounts.models import User

    runs = [
        int(match[1])
        for name in User.objects.filter(username__startswith="scale").values_list(
            "username", flat=True
        )
        if (match := re.match(r"scale(\d+)-", name))
    ]
    return max(runs, default=0) + 1


class _Random(random.Random):
    """The seeded generator, and the agency year the rows fall in: the
    calendar year up to today (or last year in its first two months), since
    nothing may be detected or received in the future."""

    def __init__(self, seed: str) -> None:
        super().__init__(seed)
        today = timezone.localdate()
        self.year = today.year if today.month > 2 else today.year - 1
        end = min(today, date(self.year, 12, 31))
        self.days = (end - date(self.year, 1, 1)).days

    def day(self) -> date:
        return date(self.year, 1, 1) + timedelta(days=self.randrange(0, self.days))


def _moment(day: date, hour: int = 10) -> datetime:
    # 10:00 in Bishkek (UTC+6) is 04:00 UTC.
    return datetime.combine(day, time(hour - 6, 0), tzinfo=UTC)


def _history(model, rows: list, *, user, by=None, when=None) -> list:
    """``rows`` saved in bulk with one "+" history row each: made by
    ``by(row)`` (else ``user``) at ``when(row)`` (else now)."""
    for row in rows:
        if by is not None:
            row._history_user = by(row)
        if when is not None:
            row._history_date = when(row)
    return bulk_create_with_history(
        rows,
        model,
        batch_size=BATCH,
        default_user=user,
        default_change_reason="seed_scale",
    )


def _person(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.5:
        given, patronymic = rng.choice(GIVEN_F)
        surname += "а"
    else:
        given, patronymic = rng.choice(GIVEN)
    return f"{surname} {given} {patronymic}"


@transaction.atomic
def seed_scale(*, scale: float, seed: int = 1) -> Seeded:
    """Add ``scale`` agency years of data on top of the demo data.

    Requires the demo data (``manage.py seed_demo``): its director, units,
    roles, nomenclature, audit programme and seminar programmes are what the
    new rows hang off; raises :class:`NoDemoData` otherwise. Writes rows in
    bulk in one transaction, with history rows; queues nothing, sends
    nothing. Returns what it made.
    """
    from sapat.accounts.models import OrganisationProfile, OrgUnit, User

    director = OrganisationProfile.objects.filter(pk=1).values_list(
        "director", flat=True
    )
    director = User.objects.filter(pk__in=director).first()
    if director is None or not User.objects.filter(username="staff").exists():
        raise NoDemoData(
            "This database has no demo data: run `manage.py seed_demo` "
            "(or `make demo`) first."
        )
    run = _next_run()
    rng = _Random(f"{seed}:{run}")
    seeded = Seeded(run=run, scale=scale)
    units = list(OrgUnit.objects.order_by("pk"))
    team_users = list(User.objects.filter(username__in=TEAM_USERS).order_by("pk"))
    people = _users(rng, seeded, scale, units)
    staff = [*people, *team_users]
    documents = _documents(rng, seeded, scale, staff, team_users, director)
    _records(rng, seeded, scale, staff, team_users, units)
    actions = _capa(rng, seeded, scale, staff, units, director)
    _audits(rng, seeded, scale, staff, director)
    projects = _projects(rng, seeded, scale, staff, team_users, director)
    _seminars(rng, seeded, scale, staff, documents, director)
    _suppliers(rng, seeded, scale, staff, director)
    _feedback(rng, seeded, scale, staff, projects, director)
    seeded.counts["actions"] = len(actions)
    return seeded


def _users(rng, seeded: Seeded, scale: float, units) -> list:
    from sapat.accounts.models import User

    rows = []
    for n in range(1, _count("users", scale) + 1):
        name = _person(rng)
        rows.append(
            User(
                username=f"scale{seeded.run}-{n:04d}",
                full_name=name,
                email=f"scale{seeded.run}.{n}@example.kg",
                post=rng.choice(POSTS),
                unit=rng.choice(units[2:] or units),
                password=make_password(None),  # unusable: no one logs in as them
                language=rng.choice(["ky", "ky", "ru"]),
            )
        )
    people = seeded.add("users", _history(User, rows, user=None))
    groups = {g.name: g for g in Group.objects.filter(name__in=set(ROLE_GROUPS))}
    Through = User.groups.through
    Through.objects.bulk_create(
        [
            Through(user_id=person.pk, group_id=groups[ROLE_GROUPS[n % 10]].pk)
            for n, person in enumerate(people)
            if ROLE_GROUPS[n % 10] in groups
        ],
        batch_size=BATCH,
    )
    return people


def _documents(rng, seeded, scale, staff, team_users, director) -> list:
    from documents.models import Document, DocumentRevision, RevisionStatus
    from documents.models.register import (
        Access,
        DocumentStatus,
        DocumentType,
        DocumentUserObjectPermission,
    )

    types = list(DocumentType.values)
    documents = []
    bodies = {}
    for n in range(1, _count("documents", scale) + 1):
        owner = rng.choice(staff)
        subject = rng.choice(SUBJECTS)
        roll = rng.random()
        status = (
            DocumentStatus.DRAFT
            if roll < 0.1
            else DocumentStatus.WITHDRAWN
            if roll < 0.15
            else DocumentStatus.IN_FORCE
        )
        document = Document(
            code=f"С{seeded.run:02d}-{n:04d}",
            title=f"{subject} {rng.choice(KINDS)}",
            doc_type=rng.choice(types),
            owner=owner,
            owner_unit_id=owner.unit_id,
            access=(
                Access.RESTRICTED
                if n % 10 == 0
                else Access.PUBLIC
                if n % 7 == 0
                else Access.STAFF
            ),
            status=status,
            next_review=rng.day() + timedelta(days=365),
        )
        body = BODY.format(subject=subject, subject_lower=subject.lower(), n=n % 9 + 1)
        document.search_text = document.build_search_text(body)
        bodies[document.code] = body
        documents.append(document)
    documents = seeded.add(
        "documents", _history(Document, documents, user=director, by=lambda d: d.owner)
    )
    revisions = []
    for document in documents:
        approved = rng.day()
        second = rng.random() < 0.3
        if document.status == DocumentStatus.DRAFT:
            states = [RevisionStatus.DRAFT]
        elif second:
            states = [RevisionStatus.OBSOLETE, RevisionStatus.IN_FORCE]
        else:
            states = [RevisionStatus.IN_FORCE]
        if document.status == DocumentStatus.WITHDRAWN:
            states = [RevisionStatus.OBSOLETE]
        for number, state in enumerate(states, start=1):
            done = state != RevisionStatus.DRAFT
            revisions.append(
                DocumentRevision(
                    document=document,
                    number=number,
                    body=bodies[document.code],
                    change_summary="" if number == 1 else "Мөөнөттөр жаңыланды.",
                    approval_status=state,
                    approved_at=_moment(approved) if done else None,
                    in_force_at=_moment(approved) if done else None,
                    obsolete_at=(
                        _moment(approved + timedelta(days=60))
                        if state == RevisionStatus.OBSOLETE
                        else None
                    ),
                    effective_date=approved if done else None,
                    created_by=document.owner,
                )
            )
    seeded.add(
        "revisions",
        _history(DocumentRevision, revisions, user=director, by=lambda r: r.created_by),
    )
    perm = Permission.objects.get(
        content_type__app_label="documents", codename="view_document"
    )
    grants = [
        DocumentUserObjectPermission(
            content_object=document, user=user, permission=perm
        )
        for n, document in enumerate(documents)
        if document.access == Access.RESTRICTED
        for user in team_users
        if n % 20 == 9
    ]
    seeded.add(
        "document grants",
        DocumentUserObjectPermission.objects.bulk_create(grants, batch_size=BATCH),
    )
    return documents


def _records(rng, seeded, scale, staff, team_users, units) -> None:
    from records.models import (
        ItemUserObjectPermission,
        Medium,
        Nomenclature,
        NomenclatureItem,
        Record,
        Retention,
        Section,
    )

    nomenclature = Nomenclature.objects.order_by("-year").first()
    sections = list(Section.objects.filter(nomenclature=nomenclature).order_by("pk"))
    if not sections:
        return
    items = []
    for n in range(1, _count("items", scale) + 1):
        kind = rng.choice(
            [
                Retention.YEARS,
                Retention.YEARS,
                Retention.PERMANENT,
                Retention.UNTIL_REPLACED,
            ]
        )
        section = rng.choice(sections)
        items.append(
            NomenclatureItem(
                nomenclature=nomenclature,
                section=section,
                index=f"{section.code}-С{seeded.run:02d}-{n:03d}",
                title=f"{rng.choice(RECORD_TITLES)} ({rng.choice(PROGRAMMES)})",
                retention_kind=kind,
                retention_years=rng.choice([3, 5, 10])
                if kind == Retention.YEARS
                else None,
                legal_basis=f"Типтүү тизме, {rng.randint(100, 900)}-берене",
                storage_place=f"\\\\server\\qms\\{section.code}\\{n:03d}",
                medium=rng.choice(Medium.values),
                responsible=rng.choice(staff),
                restricted=n % 10 == 0,
            )
        )
    items = seeded.add(
        "nomenclature items", _history(NomenclatureItem, items, user=None)
    )
    perm = Permission.objects.get(
        content_type__app_label="records", codename="readrecords_nomenclatureitem"
    )
    ItemUserObjectPermission.objects.bulk_create(
        [
            ItemUserObjectPermission(content_object=item, user=user, permission=perm)
            for n, item in enumerate(items)
            if item.restricted and n % 20 == 9
            for user in team_users
        ],
        batch_size=BATCH,
    )
    records = []
    for n in range(1, _count("records", scale) + 1):
        item = rng.choice(items)
        day = rng.day()
        author = rng.choice(staff)
        records.append(
            Record(
                item=item,
                title=f"{item.title}, № {seeded.run}-{n}",
                date=day,
                medium=item.medium,
                place=item.storage_place,
                keep_until=item.keep_until(day),
                created_by=author,
            )
        )
    seeded.add(
        "records",
        _history(
            Record,
            records,
            user=None,
            by=lambda r: r.created_by,
            when=lambda r: _moment(r.date),
        ),
    )


def _next_seq(model, year: int) -> int:
    from django.db.models import Max

    return (model.objects.filter(year=year).aggregate(m=Max("seq"))["m"] or 0) + 1


def _capa(rng, seeded, scale, staff, units, director) -> list:
    from capa.models import Action, ActionTask, Nonconformity
    from sapat.quality.models import ProcessCard

    processes = list(ProcessCard.objects.order_by("pk")) or [None]
    sources = list(Nonconformity._meta.get_field("source").choices)
    severities = [c[0] for c in Nonconformity._meta.get_field("severity").choices]
    statuses = [c[0] for c in Nonconformity._meta.get_field("status").choices]
    seq = _next_seq(Nonconformity, rng.year)
    ncs = []
    for n in range(_count("nonconformities", scale)):
        day = rng.day()
        status = statuses[n % len(statuses)]
        author = rng.choice(staff)
        nc = Nonconformity(
            year=rng.year,
            seq=seq + n,
            source=rng.choice(sources)[0],
            process=rng.choice(processes),
            unit=rng.choice(units),
            description=rng.choice(NC_TEXTS).format(n=rng.randint(2, 9)),
            detected_by=author,
            detected_on=day,
            severity=rng.choice(severities),
            responsible=rng.choice(staff),
            status=status,
            created_by=author,
        )
        if status not in ("open", "rejected"):
            nc.containment = "Кардарга кечирим кат жөнөтүлдү; иш токтотулду."
            nc.disposition = rng.choice(["redo", "correct", "concession"])
        if status == "rejected":
            nc.closing_reason = "Дал келбестик тастыкталган жок."
        if status in ("closed", "rejected"):
            nc.closed_at = _moment(day + timedelta(days=20))
        ncs.append(nc)
    seeded.add(
        "nonconformities",
        _history(
            Nonconformity,
            ncs,
            user=director,
            by=lambda r: r.created_by,
            when=lambda r: _moment(r.detected_on),
        ),
    )

    kinds = [c[0] for c in Action._meta.get_field("kind").choices]
    statuses = [c[0] for c in Action._meta.get_field("status").choices]
    seq = _next_seq(Action, rng.year)
    actions = []
    for n in range(_count("actions", scale)):
        status = statuses[n % len(statuses)]
        opened = rng.day()
        if status not in ("planned", "in_progress"):
            # Done and checked by now: opened early enough in the year.
            opened = min(opened, date(rng.year, 1, 1) + timedelta(days=rng.days // 2))
        due = opened + timedelta(days=rng.randint(10, 60))
        owner, checker = rng.sample(staff, 2)
        action = Action(
            year=rng.year,
            seq=seq + n,
            kind=rng.choice(kinds),
            title=rng.choice(ACTION_TITLES),
            description="Себеп талданып, аракеттердин планы түзүлдү.",
            process=rng.choice(processes),
            root_cause="Мөөнөттөрдү көзөмөлдөөчү контролдук чекит жок болчу.",
            cause_category=rng.choice(["method", "information", "people"]),
            trigger=rng.choice(["data", "risk", "meeting"]),
            trigger_reference="Чейректик KPI талдоосу",
            potential_problem="Корутундулардын мөөнөтү кайра бузулушу мүмкүн.",
            owner=owner,
            opened_on=opened,
            due_date=due,
            check_due=due + timedelta(days=30),
            checker=checker,
            status=status,
            created_by=owner,
        )
        if status in ("implemented", "check", "effective", "not_effective"):
            action.implementation_note = "Аткарылды; далилдер тиркелди."
            action.implemented_on = due
        if status in ("effective", "not_effective"):
            action.check_result = "Текшерилди: кайталанган жок."
            action.checked_by = checker
            action.checked_on = due + timedelta(days=25)
            action.closed_at = _moment(due + timedelta(days=25))
        actions.append(action)
    actions = _history(
        Action,
        actions,
        user=director,
        by=lambda r: r.owner,
        when=lambda r: _moment(r.opened_on),
    )
    tasks = [
        ActionTask(
            action=action,
            title=f"{k}-кадам: {rng.choice(STEPS)}",
            owner=action.owner,
            due_date=action.opened_on + timedelta(days=5 * k),
            done_at=_moment(action.opened_on + timedelta(days=5 * k))
            if action.implemented_on
            else None,
            done_by=action.owner if action.implemented_on else None,
        )
        for action in actions
        for k in (1, 2)
    ]
    seeded.add("action tasks", _history(ActionTask, tasks, user=director))
    return actions


def _audits(rng, seeded, scale, staff, director) -> None:
    from audits.models import Audit, AuditProgramme, ChecklistItem

    programme = AuditProgramme.objects.order_by("-year").first()
    if programme is None:
        return
    statuses = [c[0] for c in Audit._meta.get_field("status").choices]
    seq = _next_seq(Audit, programme.year)
    audits = []
    for n in range(_count("audits", scale)):
        start = rng.day()
        status = statuses[n % len(statuses)]
        audits.append(
            Audit(
                programme=programme,
                year=programme.year,
                seq=seq + n,
                title=f"{rng.choice(SUBJECTS)} процессинин ички аудити",
                criteria="ISO 9001, Сапат боюнча колдонмо жана күчүндөгү жол-жоболор",
                lead_auditor=rng.choice(staff),
                start_date=start,
                end_date=start + timedelta(days=1),
                status=status,
                plan_sent_at=_moment(start - timedelta(days=10))
                if status != "planned"
                else None,
                conclusion="QMS талаптарга жооп берет." if status == "reported" else "",
                reported_at=_moment(start + timedelta(days=7))
                if status == "reported"
                else None,
                created_by=director,
            )
        )
    audits = seeded.add("audits", _history(Audit, audits, user=director))
    items = [
        ChecklistItem(
            audit=audit,
            order=k,
            question=question,
            answer=rng.choice(["conforms", "conforms", "nonconforms", "na"])
            if audit.status == "reported"
            else "",
            evidence="Жазуулар текшерилди." if audit.status == "reported" else "",
        )
        for audit in audits
        for k, question in enumerate(CHECKLIST, start=1)
    ]
    seeded.add("checklist items", _history(ChecklistItem, items, user=director))


def _projects(rng, seeded, scale, staff, team_users, director) -> list:
    from projects.models import (
        STAGE_ORDER,
        Client,
        ClientContact,
        ClientDocument,
        PlanItem,
        Project,
        ProjectStage,
        ProjectStatus,
        ServiceType,
        StageStatus,
        TeamMember,
        TeamRole,
    )
    from projects.services import sync_team_permissions

    clients = []
    for n in range(_count("clients", scale)):
        clients.append(
            Client(
                name=f"{rng.choice(CLIENT_NAMES)} № {seeded.run}-{n + 1}",
                region=rng.choice(REGIONS),
                general_director=_person(rng),
                email=f"info{seeded.run}-{n}@edu.example.kg",
                created_by=director,
            )
        )
    clients = seeded.add("clients", _history(Client, clients, user=director))
    contacts = [
        ClientContact(
            client=client, name=_person(rng), position="Сапат бөлүмүнүн башчысы"
        )
        for client in clients
    ]
    seeded.add("client contacts", _history(ClientContact, contacts, user=director))

    statuses = list(ProjectStatus.values)
    managers = [u for u in staff if u not in team_users] or staff
    projects = []
    for n in range(_count("projects", scale)):
        start = rng.day()
        status = statuses[n % len(statuses)]
        projects.append(
            Project(
                client=rng.choice(clients),
                code=f"П-С{seeded.run:02d}-{n + 1:03d}",
                title=f"{rng.choice(PROGRAMMES)} программасын аккредитациялоо",
                service_type=rng.choice(ServiceType.values),
                project_manager=rng.choice(managers),
                referent=rng.choice(managers),
                status=status,
                start_date=start,
                end_date=start + timedelta(days=rng.randint(60, 180)),
                closed_on=start + timedelta(days=150)
                if status == ProjectStatus.CLOSED
                else None,
                created_by=director,
            )
        )
    projects = seeded.add(
        "projects",
        _history(
            Project, projects, user=director, when=lambda r: _moment(r.start_date)
        ),
    )
    stages = []
    for project in projects:
        # The stage the project is at is active, those before it done.
        reached = (
            STAGE_ORDER.index(project.status)
            if project.status in STAGE_ORDER
            else len(STAGE_ORDER)
            if project.status == ProjectStatus.CLOSED
            else 0
        )
        for order, kind in enumerate(STAGE_ORDER, start=1):
            begin = project.start_date + timedelta(days=20 * (order - 1))
            status = (
                StageStatus.DONE
                if order - 1 < reached
                else StageStatus.ACTIVE
                if order - 1 == reached and project.status != ProjectStatus.CANCELLED
                else StageStatus.PLANNED
            )
            stages.append(
                ProjectStage(
                    project=project,
                    kind=kind,
                    order=order,
                    owner=project.project_manager,
                    planned_start=begin,
                    planned_end=begin + timedelta(days=19),
                    status=status,
                    started_on=begin if status != StageStatus.PLANNED else None,
                    finished_on=begin + timedelta(days=19)
                    if status == StageStatus.DONE
                    else None,
                )
            )
    seeded.add("project stages", _history(ProjectStage, stages, user=director))
    members = []
    roles = [TeamRole.LEAD_EXPERT, TeamRole.EXPERT, TeamRole.EXPERT, TeamRole.OBSERVER]
    for n, project in enumerate(projects):
        chosen = rng.sample(staff, 3)
        if n % 5 == 0:
            chosen = [*team_users, *[u for u in chosen if u not in team_users]][:3]
        for k, user in enumerate(chosen):
            members.append(
                TeamMember(project=project, user=user, role=roles[k], added_by=director)
            )
    seeded.add("team members", _history(TeamMember, members, user=director))
    for project in projects:
        sync_team_permissions(project)
    items = [
        PlanItem(
            project=project,
            stage=STAGE_ORDER[k + 3],
            title=title,
            owner=project.referent,
            start_date=project.start_date + timedelta(days=30 * k),
            due_date=project.start_date + timedelta(days=30 * k + 10),
            status="done" if k == 0 and project.status == "closed" else "planned",
            done_on=project.start_date + timedelta(days=30 * k + 9)
            if k == 0 and project.status == "closed"
            else None,
        )
        for project in projects
        for k, title in enumerate(
            ["Өзүн өзү баалоо отчетун алуу", "Тышкы баалоо визити", "Корутунду"]
        )
    ]
    seeded.add("plan items", _history(PlanItem, items, user=director))
    documents = [
        ClientDocument(
            project=project,
            title=f"Өзүн өзү баалоо отчету, {project.code}",
            medium=rng.choice(["paper", "electronic", "both"]),
            received_on=project.start_date + timedelta(days=10),
            received_from="Ректорат",
            location="Архив, 3-шкаф",
            custodian=project.referent,
            recorded_by=project.referent,
        )
        for project in projects
    ]
    seeded.add("client documents", _history(ClientDocument, documents, user=director))
    return projects


def _seminars(rng, seeded, scale, staff, documents, director) -> None:
    from training.models import Participant, Programme, Seminar

    programmes = list(Programme.objects.order_by("pk"))
    if not programmes:
        return
    statuses = [c[0] for c in Seminar._meta.get_field("status").choices]
    seminars = []
    for n in range(_count("seminars", scale)):
        start = rng.day()
        status = statuses[n % len(statuses)]
        seminars.append(
            Seminar(
                programme=rng.choice(programmes),
                title=f"{rng.choice(SEMINAR_TITLES)} ({seeded.run}-{n + 1})",
                starts_on=start,
                ends_on=start + timedelta(days=rng.randint(0, 2)),
                venue=rng.choice(VENUES),
                spare_sets=rng.randint(2, 5),
                status=status,
                created_by=director,
            )
        )
    seminars = seeded.add(
        "seminars",
        _history(
            Seminar,
            seminars,
            user=director,
            when=lambda r: _moment(r.starts_on - timedelta(days=20)),
        ),
    )
    participants = [
        Participant(
            seminar=seminar,
            name=f"{_person(rng)} ({k})",
            organisation=rng.choice(CLIENT_NAMES),
            email=f"p{seminar.pk}.{k}@edu.example.kg",
            token=f"{rng.getrandbits(128):032x}",
        )
        for seminar in seminars
        for k in range(1, PARTICIPANTS + 1)
    ]
    seeded.add("participants", _history(Participant, participants, user=director))


def _suppliers(rng, seeded, scale, staff, director) -> None:
    from suppliers.models import Evaluation, Supplier, SupplierCategory

    categories = [c[0] for c in SupplierCategory._meta.get_field("category").choices]
    suppliers = [
        Supplier(
            name=f"{rng.choice(SUPPLIER_NAMES)} № {seeded.run}-{n + 1}",
            tax_id=f"{rng.randrange(10**13, 10**14)}",
            contact_person=_person(rng),
            phone=f"+996 555 {rng.randrange(100000, 999999)}",
            address=rng.choice(REGIONS),
            created_by=director,
        )
        for n in range(_count("suppliers", scale))
    ]
    suppliers = seeded.add("suppliers", _history(Supplier, suppliers, user=director))
    links = []
    evaluations = []
    for supplier in suppliers:
        category = rng.choice(categories)
        links.append(SupplierCategory(supplier=supplier, category=category))
        total = rng.randint(2, 5)
        evaluations.append(
            Evaluation(
                supplier=supplier,
                category=category,
                evaluated_on=rng.day(),
                evaluated_by=rng.choice(staff),
                evidence="Келишимдин аткарылышы жана мөөнөттөр текшерилди.",
                total=total,
                passed=total >= 3,
            )
        )
    seeded.add("supplier categories", _history(SupplierCategory, links, user=director))
    seeded.add("evaluations", _history(Evaluation, evaluations, user=director))


def _feedback(rng, seeded, scale, staff, projects, director) -> None:
    from satisfaction.models import CODE_ALPHABET, CODE_LENGTH, Feedback

    kinds = [c[0] for c in Feedback._meta.get_field("kind").choices]
    statuses = [c[0] for c in Feedback._meta.get_field("status").choices]
    alphabet = CODE_ALPHABET
    rows = []
    for n in range(_count("feedback", scale)):
        day = rng.day()
        status = statuses[n % len(statuses)]
        rows.append(
            Feedback(
                code="".join(rng.choice(alphabet) for _ in range(CODE_LENGTH)),
                kind=rng.choice(kinds),
                channel=rng.choice(["web", "web", "email", "paper"]),
                status=status,
                name=_person(rng),
                organisation=rng.choice(CLIENT_NAMES),
                email=f"client{seeded.run}.{n}@example.kg",
                project=rng.choice(projects) if rng.random() < 0.3 else None,
                text=rng.choice(FEEDBACK_TEXTS),
                consent=True,
                received_on=day,
                language=rng.choice(["ky", "ru"]),
                deadline=day + timedelta(days=14),
                assignee=rng.choice(staff) if status != "received" else None,
                answered_at=_moment(day + timedelta(days=7))
                if status in ("answered", "closed")
                else None,
                closed_at=_moment(day + timedelta(days=12))
                if status == "closed"
                else None,
            )
        )
    seeded.add(
        "feedback",
        _history(Feedback, rows, user=None, when=lambda r: _moment(r.received_on)),
    )
