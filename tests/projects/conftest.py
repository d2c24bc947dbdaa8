import pytest

from tests.projects.factories import ContactFactory, make_project


@pytest.fixture
def pm(make_user):
    return make_user(
        "project_manager", first_name="Айбек", last_name="Осмонов", language="en"
    )


@pytest.fixture
def referent(make_user):
    return make_user(
        "referent", first_name="Нуриза", last_name="Токтогулова", language="en"
    )


@pytest.fixture
def outsider(make_user):
    """Another project manager: sees the portfolio, not this client property."""
    return make_user("project_manager", language="en")


@pytest.fixture
def project(director, pm, referent):
    project = make_project(actor=director, manager=pm, referent=referent)
    ContactFactory(client=project.client)
    return project


@pytest.fixture
def chief(make_user):
    """A second director, reading English."""
    return make_user("director", language="en")
