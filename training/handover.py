"""Open work handed over when someone leaves (see ``sapat.handover``).

Registered here for the apps built before the registry existed (documents
owned, KPIs, files of the nomenclature) and for personnel's own work (plan
items to organise, inductions to follow). Each ``hand_over`` writes a
history row per object naming the actor.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.handover import Provider, register
from sapat.history import attribute


def _reassign(queryset, field: str, *, to_user, actor) -> int:
    moved = 0
    for obj in queryset.select_for_update():
        setattr(obj, field, to_user)
        attribute(
            obj,
            actor=actor,
            reason=_("Handed over to %(name)s") % {"name": to_user.get_full_name()},
        )
        obj.save(update_fields=[field])
        moved += 1
    return moved


def _documents(user):
    from documents.models import Document
    from documents.models.register import DocumentStatus

    return Document.objects.filter(owner=user).exclude(status=DocumentStatus.WITHDRAWN)


def _documents_hand_over(*, from_user, to_user, actor) -> int:
    from guardian.shortcuts import assign_perm

    from documents.models.register import Access

    documents = _documents(from_user)
    for document in documents.filter(access=Access.RESTRICTED):
        assign_perm("documents.view_document", to_user, document)
    return _reassign(documents, "owner", to_user=to_user, actor=actor)


def _indicators(user):
    from sapat.quality.models import Indicator

    return Indicator.objects.filter(owner=user, active=True)


def _nomenclature_items(user):
    """Items of draft nomenclatures: an approved one is changed by the next."""
    from records.models import NomenclatureItem
    from sapat.signing.models import ApprovalStatus

    return NomenclatureItem.objects.filter(
        responsible=user,
        nomenclature__approval_status=ApprovalStatus.DRAFT,
        nomenclature__year__gte=timezone.localdate().year,
    ).select_related("nomenclature")


def _plan_items(user):
    from .models import PlanItem, PlanItemStatus

    return PlanItem.objects.filter(
        responsible=user, status=PlanItemStatus.PLANNED
    ).select_related("employee__user")


def _inductions(user):
    from .models import Induction

    return Induction.objects.filter(
        responsible=user, completed_on__isnull=True
    ).select_related("employee__user")


def _seminars(user):
    from .models import Seminar, SeminarStatus

    return Seminar.objects.filter(
        created_by=user,
        status__in=[SeminarStatus.PLANNED, SeminarStatus.IN_PROGRESS],
    )


def _listing(queryset_of):
    def open_items(user) -> list[tuple[str, str]]:
        return [(str(obj), obj.get_absolute_url()) for obj in queryset_of(user)]

    return open_items


def _handing(queryset_of, field: str):
    def hand_over(*, from_user, to_user, actor) -> int:
        return _reassign(queryset_of(from_user), field, to_user=to_user, actor=actor)

    return hand_over


def register_providers() -> None:
    register(
        Provider(
            key="documents.owned",
            label=gettext_lazy("Documents owned"),
            open_items=_listing(_documents),
            hand_over=_documents_hand_over,
        )
    )
    register(
        Provider(
            key="quality.indicators",
            label=gettext_lazy("KPIs"),
            open_items=_listing(_indicators),
            hand_over=_handing(_indicators, "owner"),
        )
    )
    register(
        Provider(
            key="records.items",
            label=gettext_lazy("Files of the nomenclature"),
            open_items=_listing(_nomenclature_items),
            hand_over=_handing(_nomenclature_items, "responsible"),
        )
    )
    register(
        Provider(
            key="training.plan_items",
            label=gettext_lazy("Trainings to organise"),
            open_items=_listing(_plan_items),
            hand_over=_handing(_plan_items, "responsible"),
        )
    )
    register(
        Provider(
            key="training.inductions",
            label=gettext_lazy("Inductions to follow"),
            open_items=_listing(_inductions),
            hand_over=_handing(_inductions, "responsible"),
        )
    )
    register(
        Provider(
            key="training.seminars",
            label=gettext_lazy("Seminars to organise"),
            open_items=_listing(_seminars),
            hand_over=_handing(_seminars, "created_by"),
        )
    )


def on_deactivated(sender, *, user, actor, left_on, **kwargs) -> None:
    """The account is inactive: its staff file closes."""
    from .models import Employee
    from .services.personnel import employee_close

    employee = Employee.objects.filter(user=user).first()
    if employee is not None:
        employee_close(employee=employee, left_on=left_on, actor=actor)
