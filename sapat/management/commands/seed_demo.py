"""Demo data that must be made by code on each machine.

``make run`` runs this command: on an empty database it loads
``fixtures/demo.json`` and ``fixtures/quality.json``; it creates the machine's
signing key (once), and approves the 2026 quality policy as the demo director
through the real approval route, so a newcomer sees a signed PDF and its
/verify/ page at once. Running it again changes nothing (the fixtures are not
loaded over data that exists, which would reset approved rows to draft).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sapat.accounts.models import OrganisationProfile
from sapat.quality.models import QualityPolicy
from sapat.signing import services
from sapat.signing.models import ApprovalStatus, SignedPDF
from sapat.signing.selectors import pdfs_of

FIXTURES = [
    "fixtures/demo.json",
    "fixtures/quality.json",
    "fixtures/records.json",
    "fixtures/documents.json",
    "fixtures/capa.json",
    "fixtures/personnel.json",
    "fixtures/suppliers.json",
    "fixtures/audits.json",
    "fixtures/satisfaction.json",
    "fixtures/projects.json",
    "fixtures/seminars.json",
]


class Command(BaseCommand):
    help = "Sign the demo quality policy as the demo director (idempotent)."

    def handle(self, *args, **options):
        from sapat.accounts.models import User

        if not User.objects.exists():
            call_command("loaddata", *FIXTURES, verbosity=0)
            self.stdout.write("Demo data loaded.")
        call_command("signing_init", stdout=self.stdout)
        director = OrganisationProfile.load().director
        if director is None:
            raise CommandError("Load fixtures/demo.json first: no director is set.")
        policy = QualityPolicy.objects.filter(year=2026).first()
        if policy is None:
            raise CommandError("Load fixtures/quality.json first: no 2026 policy.")
        if policy.approval_status == ApprovalStatus.DRAFT:
            with transaction.atomic():
                route = services.route_start(obj=policy, actor=director)
                step = route.steps.get()
                # The demo director signs without a password prompt: this is
                # a command run by whoever set the machine up.
                services._route_sign(step=step, actor=director, comment="")
        pdf = pdfs_of(policy).first()
        if pdf is not None and pdf.status != SignedPDF.Status.READY:
            services.signed_pdf_render(pdf_id=pdf.pk)
            pdf.refresh_from_db()
        if pdf is not None:
            self.stdout.write(f"Signed policy PDF: /verify/{pdf.code}/")
