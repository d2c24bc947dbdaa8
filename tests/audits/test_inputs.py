"""The review's input page shows the registers' numbers (hand-counted here)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audits.models import AuditStatus, Finding
from sapat.quality.models import Measurement
from tests.capa.factories import ActionFactory, NonconformityFactory
from tests.quality.factories import IndicatorFactory

from .factories import AuditFactory, ProgrammeFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def _figures(html: str, key: str) -> dict[str, str]:
    section = html.split(f'data-testid="input-{key}"', 1)[1].split("</section>", 1)[0]
    pairs = re.findall(
        r"<dt[^>]*>(.*?)</dt><dd[^>]*data-testid=\"figure\">(.*?)</dd>", section
    )
    return {label.strip(): value.strip() for label, value in pairs}


def test_input_page_numbers_equal_the_registers(client, qm, director):
    year = timezone.localdate().year
    # 7 complaints (registered as CAPA nonconformities), 2 staff reports.
    NonconformityFactory.create_batch(7, source="complaint")
    NonconformityFactory.create_batch(2, source="staff")
    # 3 audits held with 5 findings; a cancelled one does not count.
    programme = ProgrammeFactory(year=year)
    counts = [2, 2, 1]
    for n in counts:
        audit = AuditFactory(
            programme=programme,
            year=year,
            status=AuditStatus.REPORTED,
            start_date=datetime.date(year, 3, 1),
            end_date=datetime.date(year, 3, 2),
        )
        for _i in range(n):
            Finding.objects.create(
                audit=audit, kind="minor", description="NC", created_by=qm
            )
    cancelled = AuditFactory(
        programme=programme,
        year=year,
        status=AuditStatus.CANCELLED,
        start_date=datetime.date(year, 4, 1),
        end_date=datetime.date(year, 4, 1),
    )
    Finding.objects.create(
        audit=cancelled, kind="observation", description="x", created_by=qm
    )
    # 4 closed actions, 3 effective (preventive: no extra nonconformities).
    ActionFactory.create_batch(3, preventive=True, effective=True)
    ActionFactory(preventive=True, not_effective=True)
    ActionFactory(preventive=True)  # open: not closed
    # KPIs: 2 red, 1 amber, 1 green (target 90, higher is better, margin 10 %).
    for value in ("50", "60", "85", "95"):
        indicator = IndicatorFactory(target=Decimal("90"))
        Measurement.objects.create(
            indicator=indicator,
            period=datetime.date(year, 6, 1),
            value=Decimal(value),
            recorded_by=qm,
        )
    review = ReviewFactory(kind="strategic", year=year, month=None, chair=director)

    qm.language = "en"  # the page is read in the user's language
    qm.save(update_fields=["language"])
    client.force_login(qm)
    with translation.override("en"):
        response = client.get(reverse("audits:review_inputs", args=[review.pk]))
    assert response.status_code == 200
    html = response.content.decode()

    capa = _figures(html, "capa")
    assert capa["Client complaint"] == "7"
    assert capa["Nonconformities registered"] == "9"
    assert capa["Actions closed (checked)"] == "4"
    assert capa["Of them effective"] == "3"
    assert capa["Actions opened"] == "5"

    audits = _figures(html, "audits")
    assert audits["Audits held"] == "3"
    assert audits["Findings"] == "5"
    assert audits["Minor nonconformity"] == "5"

    kpis = _figures(html, "kpis")
    assert kpis["Indicators measured"] == "4"
    assert kpis["Target missed"] == "2"
    assert kpis["Close to target"] == "1"
    assert kpis["Target met"] == "1"
