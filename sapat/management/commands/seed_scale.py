"""Add N agency years of realistic data on top of the demo data.

    manage.py seed_demo
    manage.py seed_scale --scale 30 [--seed 1]

``make demo-large`` runs both, ``make bench`` seeds 1× and then 29× more.
See :mod:`sapat.scale` for what one agency year holds.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from sapat.scale import NoDemoData, already_seeded, seed_scale


class Command(BaseCommand):
    help = "Add N agency years of realistic data on top of the demo data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            required=True,
            help="agency years to add (1 = 300 documents, 3 000 records, ...)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument(
            "--once",
            action="store_true",
            help="add nothing if an earlier run already seeded this database",
        )

    def handle(self, *args, **options):
        if options["scale"] <= 0:
            raise CommandError("--scale must be more than 0.")
        if options["once"] and already_seeded():
            self.stdout.write("This database is seeded already: nothing added.")
            return
        started = time.perf_counter()
        try:
            seeded = seed_scale(scale=options["scale"], seed=options["seed"])
        except NoDemoData as exc:
            raise CommandError(str(exc)) from exc
        taken = time.perf_counter() - started
        self.stdout.write(
            f"Seeded {seeded.scale:g}× (run {seeded.run}) in {taken:.1f} s:"
        )
        for name, count in seeded.counts.items():
            self.stdout.write(f"  {name:<22}{count:>8}")
