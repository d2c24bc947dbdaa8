"""Public holidays of the Kyrgyz Republic for 2025-2027, editable afterwards.

Fixed dates come from the Labour Code; the movable Muslim holidays (Orozo Ait,
Kurman Ait) are the expected dates and must be checked against each year's
Government decree, together with the days off it moves.
"""

import datetime

from django.db import migrations

FIXED = [
    (1, 1, "Жаңы жыл"),
    (1, 7, "Рождество Христово"),
    (2, 23, "Ата Мекенди коргоочулар күнү"),
    (3, 8, "Эл аралык аялдар күнү"),
    (3, 21, "Нооруз майрамы"),
    (4, 7, "Элдик Апрель революциясынын күнү"),
    (5, 1, "Эмгек майрамы"),
    (5, 5, "Кыргыз Республикасынын Конституциясынын күнү"),
    (5, 9, "Жеңиш күнү"),
    (8, 31, "Эгемендүүлүк күнү"),
    (11, 7, "Тарых жана ата-бабаларды эскерүү күндөрү"),
    (11, 8, "Тарых жана ата-бабаларды эскерүү күндөрү"),
]
MOVABLE = [
    (datetime.date(2025, 3, 31), "Орозо айт"),
    (datetime.date(2025, 6, 6), "Курман айт"),
    (datetime.date(2026, 3, 20), "Орозо айт"),
    (datetime.date(2026, 5, 27), "Курман айт"),
    (datetime.date(2027, 3, 10), "Орозо айт"),
    (datetime.date(2027, 5, 17), "Курман айт"),
]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("accounts", "CalendarDay")
    days = [
        (datetime.date(year, month, day), name)
        for year in (2025, 2026, 2027)
        for month, day, name in FIXED
    ] + MOVABLE
    for date, name in days:
        CalendarDay.objects.get_or_create(
            date=date, defaults={"kind": "holiday", "name": name}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_role_groups")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
