import factory

from records.models import Nomenclature, NomenclatureItem, Record, Section


class NomenclatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomenclature
        django_get_or_create = ["year"]

    year = 2026


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    nomenclature = factory.SubFactory(NomenclatureFactory)
    code = factory.Sequence(lambda n: f"{n + 1:02d}")
    title = factory.Sequence(lambda n: f"Бөлүм {n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NomenclatureItem

    section = factory.SubFactory(SectionFactory)
    nomenclature = factory.LazyAttribute(lambda item: item.section.nomenclature)
    index = factory.Sequence(lambda n: f"05-{n + 1:02d}")
    title = factory.Sequence(lambda n: f"Иш {n}")
    retention_kind = "years"
    retention_years = 5


class RecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Record

    item = factory.SubFactory(ItemFactory)
    title = factory.Sequence(lambda n: f"Протокол №{n}")
    date = factory.Faker("date_between", start_date="-3y", end_date="today")
    medium = "paper"
    keep_until = factory.LazyAttribute(lambda r: r.item.keep_until(r.date))
