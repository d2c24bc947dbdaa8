import factory

from documents.models import Document, DocumentRevision
from tests.accounts.factories import UserFactory


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"ДЖ-{n + 100:02d}")
    title = factory.Sequence(lambda n: f"Жол-жобо {n}")
    doc_type = "procedure"
    owner = factory.SubFactory(UserFactory, roles=["quality_manager"])
    access = "staff"

    @factory.post_generation
    def index(self, create, extracted, **kwargs):
        self.search_text = self.build_search_text()
        if create:
            Document.objects.filter(pk=self.pk).update(search_text=self.search_text)


class RevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentRevision

    document = factory.SubFactory(DocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    body = "Документтин тексти. ң ө ү"
    created_by = factory.LazyAttribute(lambda r: r.document.owner)
