from django.core.management.base import BaseCommand

from sapat.schedule import sync_schedules


class Command(BaseCommand):
    help = (
        "Write the periodic tasks declared in sapat/schedule.py to the beat database."
    )

    def handle(self, *args, **options):
        result = sync_schedules()
        self.stdout.write(
            "schedules: {created} created, {updated} updated, {deleted} deleted".format(
                **result
            )
        )
