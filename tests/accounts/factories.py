import factory
from django.contrib.auth.models import Group

from sapat.accounts.models import CalendarDay, OrgUnit, User
from sapat.accounts.roles import ROLES_BY_KEY, TOP_MANAGEMENT, TOP_MANAGEMENT_ROLES

TEST_PASSWORD = "correct-horse-battery-staple"


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name_ky = factory.Sequence(lambda n: f"Бөлүм {n}")
    name_ru = factory.Sequence(lambda n: f"Отдел {n}")
    name_en = factory.Sequence(lambda n: f"Unit {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A member of staff; ``roles=["director"]`` puts them in role groups."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Колдонуучу {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.kg")
    post = "Адис"
    unit = factory.SubFactory(OrgUnitFactory)
    language = "ky"
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        keys = set(extracted or [])
        if keys & TOP_MANAGEMENT_ROLES:
            keys.add(TOP_MANAGEMENT)
        if keys:
            self.groups.set(
                Group.objects.filter(
                    name__in=[ROLES_BY_KEY[key].group_name for key in keys]
                )
            )
            if any(ROLES_BY_KEY[key].admin_access for key in keys):
                self.is_staff = True
                self.save(update_fields=["is_staff"])


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay
        django_get_or_create = ["date"]

    kind = CalendarDay.Kind.HOLIDAY
    name = "Майрам"
