"""fixtures/personnel.json: posts, competences, fields and experts."""

import pytest
from django.core.management import call_command

from sapat.management.commands.seed_demo import FIXTURES
from training.models import (
    INTERNAL_AUDITOR,
    Competence,
    Expert,
    ExpertArea,
    Post,
    PostCompetence,
)
from training.selectors import public_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    """The demo fixtures up to personnel, in the order seed_demo loads them."""
    upto = FIXTURES.index("fixtures/personnel.json") + 1
    call_command("loaddata", *FIXTURES[:upto], verbosity=0)


def test_personnel_fixture_loads_after_the_others(loaded):
    titles = set(Post.objects.values_list("title", flat=True))
    assert {"Директор", "Директордун орун басары", "Сапат боюнча менеджер"} <= titles
    assert Competence.objects.filter(code=INTERNAL_AUDITOR).exists()
    assert PostCompetence.objects.filter(competence__code=INTERNAL_AUDITOR).exists()
    for obj in [*Post.objects.all(), *Expert.objects.all(), *ExpertArea.objects.all()]:
        obj.full_clean()


def test_demo_experts_who_consented_are_public(loaded):
    _areas, rows = public_matrix()
    public = {expert.name for expert, _levels in rows}
    assert 3 <= len(public) < Expert.objects.count()
    assert Expert.objects.filter(user__username="expert").get().name in public
