"""records.selectors: the queries the register pages run."""

import pytest
from django.db import connection

from records import selectors

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize("who", ["director", "staff"])
def test_record_list_walks_the_date_index_instead_of_sorting(who, request):
    # The register's order (newest first) comes from the record_date_order
    # index: without it every page sorted all visible records first.
    user = request.getfixturevalue(who)
    plan = selectors.record_list(user=user)[:25].explain()
    assert "USING INDEX record_date_order" in plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan
