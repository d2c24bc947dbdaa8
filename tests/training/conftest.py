import pytest

from documents.models import RevisionStatus
from documents.models.register import DocumentStatus
from tests.documents.factories import DocumentFactory, RevisionFactory


@pytest.fixture
def personnel(make_user):
    """The deputy director: every personnel permission, and the QMS briefing."""
    return make_user("deputy_director")


@pytest.fixture
def make_in_force(db):
    """``make_in_force(code)``: a document with its revision in force."""

    def make(code: str, **fields):
        document = DocumentFactory(code=code, status=DocumentStatus.IN_FORCE, **fields)
        return RevisionFactory(
            document=document, number=1, approval_status=RevisionStatus.IN_FORCE
        )

    return make
