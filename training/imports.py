"""Import of an existing experts database (issue #14).

Each row goes through :func:`training.services.personnel.expert_save`; the
fields of expertise and CVs are added on the expert's page afterwards.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.imports import Boolean, Choice, Column, Date, Importer, normalise, person

from .models import Expert
from .services.personnel import expert_save


class ExpertImporter(Importer):
    key = "experts"
    model = Expert
    permission = "training.add_expert"
    title = gettext_lazy("Import of experts")
    url_name = "training:expert_import"
    list_url_name = "training:expert_list"
    template_name = "experts"
    unique = ("name",)
    columns = (
        Column(
            "name",
            required=True,
            headers=("аты-жөнү", "аты", "фио", "ф.и.о.", "эксперт"),
        ),
        Column(
            "user",
            person(),
            headers=("кызматкер", "сотрудник", "staff"),
            help=gettext_lazy("Only for an internal expert."),
        ),
        Column("affiliation", headers=("уюм", "иштеген жери", "организация")),
        Column("country", headers=("өлкө", "страна")),
        Column("email", headers=("электрондук почта", "эл. почта", "email", "почта")),
        Column("phone", headers=("телефон",)),
        Column(
            "availability",
            Choice(Expert.Availability, default=Expert.Availability.AVAILABLE),
            headers=("жеткиликтүүлүгү", "доступность"),
        ),
        Column("availability_note", headers=("эскертүү", "примечание")),
        Column(
            "public_consent",
            Boolean(default=False),
            headers=("макулдук", "согласие"),
        ),
        Column(
            "consent_on",
            Date(),
            headers=("макулдук күнү", "дата согласия"),
            help=gettext_lazy("Empty with a consent: today."),
        ),
        Column(
            "active",
            Boolean(default=True),
            headers=("базада", "в базе", "активный"),
        ),
    )

    def existing(self, identities):
        names = Expert.objects.values_list("name", flat=True)
        return identities & {(normalise(name),) for name in names}

    def check_row(self, row):
        user = row.values["user"]
        if user is None:
            return
        if not hasattr(self, "_users_taken"):
            self._users_taken = set(
                Expert.objects.filter(user__isnull=False).values_list(
                    "user_id", flat=True
                )
            )
        if user.pk in self._users_taken:
            row.add_error(
                "user",
                _("%(name)s is in the experts database already.") % {"name": user},
            )
        self._users_taken.add(user.pk)

    def save(self, values):
        return expert_save(actor=self.user, **values)
