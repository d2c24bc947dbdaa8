"""Working days: every deadline counted in working days goes through here."""

from __future__ import annotations

from datetime import date, timedelta

from .models import CalendarDay, OrganisationProfile

# Fixed-date public holidays of the Kyrgyz Republic (Labour Code, art. 113).
# Movable ones (Orozo Ait, Kurman Ait) and the days the Government moves by
# decree are entered every year in the working calendar.
FIXED_HOLIDAYS: tuple[tuple[int, int, str], ...] = (
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
)


class WorkingCalendar:
    """The working week of the organisation plus its calendar exceptions."""

    def __init__(self, *, weekend: frozenset[int], exceptions: dict[date, str]):
        self.weekend = weekend
        self.exceptions = exceptions

    @classmethod
    def between(cls, start: date, end: date) -> WorkingCalendar:
        exceptions = dict(
            CalendarDay.objects.filter(date__range=(start, end)).values_list(
                "date", "kind"
            )
        )
        weekend = OrganisationProfile.load().weekend_weekdays
        return cls(weekend=weekend, exceptions=exceptions)

    def is_working_day(self, day: date) -> bool:
        kind = self.exceptions.get(day)
        if kind == CalendarDay.Kind.HOLIDAY:
            return False
        if kind == CalendarDay.Kind.WORKING:
            return True
        return day.weekday() not in self.weekend


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` not counted).

    ``add_working_days(friday, 1)`` is the next working day after that Friday.
    Zero returns ``start`` itself when it is a working day, else the next one.
    Negative ``days`` count backwards.
    """
    step = 1 if days >= 0 else -1
    # Generous window: weekends and holidays rarely take more than half the
    # days; widen and retry in the odd case they do.
    span = abs(days) * 2 + 31
    while True:
        low, high = sorted((start, start + timedelta(days=step * span)))
        calendar = WorkingCalendar.between(low, high)
        day, remaining = start, abs(days)
        if days == 0:
            while not calendar.is_working_day(day) and low <= day <= high:
                day += timedelta(days=1)
            if low <= day <= high:
                return day
        else:
            while remaining and low <= day + timedelta(days=step) <= high:
                day += timedelta(days=step)
                if calendar.is_working_day(day):
                    remaining -= 1
            if not remaining:
                return day
        span *= 2


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    if end <= start:
        return 0
    calendar = WorkingCalendar.between(start, end)
    return sum(
        calendar.is_working_day(start + timedelta(days=offset))
        for offset in range(1, (end - start).days + 1)
    )
