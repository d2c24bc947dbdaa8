"""Who may do what, checked against the manual's who-does-what (DOMAIN §2).

These do not restate the roles table: each test names a duty of the manual
and checks the permission that carries it out.
"""

import pytest
from django.contrib.auth.models import Group, Permission

from sapat.accounts.roles import ROLES
from sapat.accounts.services import roles_sync

pytestmark = pytest.mark.django_db


def test_every_post_of_the_manual_is_a_group():
    names = set(Group.objects.values_list("name", flat=True))
    assert {role.group_name for role in ROLES} <= names
    assert {"Director", "Quality manager", "Referent", "Top management"} <= names


def test_director_edits_the_organisation_profile_and_staff_cannot(make_user):
    assert make_user("director").has_perm("accounts.change_organisationprofile")
    assert not make_user("staff").has_perm("accounts.change_organisationprofile")
    assert not make_user("referent").has_perm("accounts.change_organisationprofile")


def test_director_structures_the_organisation(make_user):
    director = make_user("director")
    assert director.has_perm("accounts.add_orgunit")
    assert director.has_perm("accounts.change_orgunit")
    assert not make_user("project_manager").has_perm("accounts.change_orgunit")


def test_only_the_system_administrator_manages_accounts(make_user):
    assert make_user("system_administrator").has_perm("accounts.add_user")
    for role in ("director", "quality_manager", "staff", "trainer"):
        assert not make_user(role).has_perm("accounts.add_user"), role


def test_office_manager_keeps_the_working_calendar_and_staff_only_reads_it(
    make_user,
):
    office = make_user("office_manager")
    assert office.has_perm("accounts.add_calendarday")
    assert office.has_perm("accounts.delete_calendarday")
    staff = make_user("staff")
    assert not staff.has_perm("accounts.add_calendarday")


def test_failed_emails_and_tasks_are_visible_to_the_system_administrator_only(
    make_user,
):
    assert make_user("system_administrator").has_perm("notify.view_email")
    assert make_user("system_administrator").has_perm("notify.view_taskfailure")
    assert not make_user("director").has_perm("notify.view_email")
    assert not make_user("staff").has_perm("notify.view_taskfailure")


def test_all_staff_read_the_structure_and_the_directory(make_user):
    for role in ("staff", "expert", "trainer", "founder"):
        user = make_user(role)
        assert user.has_perm("accounts.view_orgunit"), role
        assert user.has_perm("accounts.view_user"), role


def test_top_management_is_director_deputy_pr_director_and_founders(make_user):
    for role in ("director", "deputy_director", "pr_director", "founder"):
        user = make_user(role)
        assert user.groups.filter(name="Top management").exists(), role
    for role in ("quality_manager", "referent", "staff"):
        assert not make_user(role).groups.filter(name="Top management").exists()


def test_roles_sync_restores_the_declared_permissions():
    director = Group.objects.get(name="Director")
    stray = Permission.objects.get(codename="add_user")
    director.permissions.add(stray)
    director.permissions.remove(
        Permission.objects.get(codename="change_organisationprofile")
    )
    roles_sync()
    codenames = set(director.permissions.values_list("codename", flat=True))
    assert "add_user" not in codenames
    assert "change_organisationprofile" in codenames


def test_roles_sync_is_idempotent():
    assert roles_sync() == roles_sync()


def test_roles_sync_leaves_groups_created_in_the_admin_alone():
    custom = Group.objects.create(name="Auditors 2026")
    custom.permissions.add(Permission.objects.get(codename="view_user"))
    roles_sync()
    assert custom.permissions.count() == 1
