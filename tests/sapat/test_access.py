import pytest
from django.contrib.auth.models import AnonymousUser, Group
from guardian.shortcuts import assign_perm

from sapat.access import can, visible_to
from sapat.accounts.models import OrganisationProfile, OrgUnit
from tests.accounts.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_model_permission_shows_every_row(make_user):
    units = OrgUnitFactory.create_batch(3)
    user = make_user("staff")  # staff may view every unit
    assert set(visible_to(user, OrgUnit.objects.all())) >= set(units)


def test_object_permissions_show_only_the_granted_rows():
    granted, other = OrgUnitFactory(), OrgUnitFactory()
    user = UserFactory()  # no role: no model permission
    assign_perm("accounts.change_orgunit", user, granted)
    rows = visible_to(user, OrgUnit.objects.all(), action="change")
    assert list(rows) == [granted]
    assert can(user, "change", granted)
    assert not can(user, "change", other)


def test_group_object_permissions_count_too():
    granted, _other = OrgUnitFactory(), OrgUnitFactory()
    group = Group.objects.get(name="Top management")
    user = UserFactory(roles=["founder"])
    assign_perm("accounts.change_orgunit", group, granted)
    assert list(visible_to(user, OrgUnit.objects.all(), action="change")) == [granted]


def test_the_filter_is_sql_not_a_python_loop(django_assert_max_num_queries):
    units = OrgUnitFactory.create_batch(20)
    user = UserFactory()
    for unit in units[:10]:
        assign_perm("accounts.change_orgunit", user, unit)
    queryset = visible_to(user, OrgUnit.objects.all(), action="change")
    with django_assert_max_num_queries(3):
        assert len(list(queryset)) == 10


def test_anonymous_and_inactive_users_see_nothing():
    unit = OrgUnitFactory()
    inactive = UserFactory(is_active=False, roles=["director"])
    assert not visible_to(AnonymousUser(), OrgUnit.objects.all()).exists()
    assert not visible_to(inactive, OrgUnit.objects.all()).exists()
    assert not can(inactive, "view", unit)


def test_organisation_profile_load_without_a_row_gives_a_default():
    assert OrganisationProfile.load().short_name == "Sapat"
