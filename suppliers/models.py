"""Purchasing (ДЖ-11, manual §7.4, §7.5.2).

Suppliers by purchase category, their evaluation against weighted criteria,
the approved suppliers list of each year (proposals → compiled → approved by
the director), the approved trainers list (reviewed every quarter, no
approval), and purchases from request to the verification on receipt.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from sapat.signing.models import Approvable

# --- Categories and their rules -------------------------------------------------


class Category(models.TextChoices):
    """What the agency buys (§7.4)."""

    EQUIPMENT = "equipment", _("equipment")
    EXPERT_SERVICES = "experts", _("expert services")
    TRAINERS = "trainers", _("external trainers")
    PRINTING = "printing", _("printing of handouts, manuals and advertising")
    ADMINISTRATIVE = "administrative", _("administrative goods and services")
    STAFF_TRAINING = "staff_training", _("training of own staff")
    EXTERNAL_ASSESSMENT = "assessment", _("external assessment of the agency")
    IT = "it", _("IT and digitalisation specialists")


#: Printers and administrative suppliers get no special evaluation: the
#: ability to fulfil the order and its cost are the criteria (§7.4). Every
#: other category buys only from the approved suppliers list in force.
NO_EVALUATION = frozenset({Category.PRINTING, Category.ADMINISTRATIVE})


def needs_evaluation(category: str) -> bool:
    return category not in NO_EVALUATION


#: The fixed scale of a criterion's score.
SCORE_MIN = 1
SCORE_MAX = 5
#: The weighted total an evaluation needs to pass.
PASS_MARK = Decimal("3.00")
#: The weights of a category's criteria add up to this.
WEIGHT_TOTAL = 100


# --- Suppliers ------------------------------------------------------------------


class Supplier(models.Model):
    """A company or a person the agency buys from."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        PERSON = "person", _("individual")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.ORGANISATION
    )
    tax_id = models.CharField(
        _("taxpayer number (ИНН)"), max_length=20, blank=True, db_index=True
    )
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    expert = models.ForeignKey(
        "training.Expert",
        verbose_name=_("expert record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplier_records",
        help_text=_(
            "External trainers and experts: their record in the experts database."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    #: Set when a delivery fails or a seminar is poorly rated: the supplier
    #: must be evaluated again; a new evaluation clears it.
    flagged = models.BooleanField(
        _("to be re-evaluated"), default=False, editable=False
    )
    flag_reason = models.CharField(
        _("why re-evaluate"), max_length=300, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]
        permissions = [
            ("analyse_supplier", _("Can see the supplier analysis")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("suppliers:supplier_detail", args=[self.pk])

    @property
    def categories(self) -> list[str]:
        return [row.category for row in self.category_rows.all()]


class SupplierCategory(models.Model):
    """One purchase category a supplier serves."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="category_rows"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier's category")
        verbose_name_plural = _("suppliers' categories")
        ordering = ["supplier", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "category"], name="supplier_category_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier}: {self.get_category_display()}"


class SupplierDocument(models.Model):
    """A document of a supplier: licence, certificate, price list, CV…"""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="suppliers/%Y/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier's document")
        verbose_name_plural = _("suppliers' documents")
        ordering = ["supplier", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title


# --- Evaluation -----------------------------------------------------------------


class Criterion(models.Model):
    """An evaluation criterion of a category with its weight (per cent)."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    name = models.CharField(_("criterion"), max_length=200)
    description = models.CharField(_("how it is judged"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight, %"),
        validators=[MinValueValidator(1), MaxValueValidator(WEIGHT_TOTAL)],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["category", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=WEIGHT_TOTAL),
                name="criterion_weight_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class EvaluationBasis(models.TextChoices):
    INITIAL = "initial", _("initial evaluation")
    PERIODIC = "periodic", _("periodic re-evaluation")
    DELIVERY = "delivery", _("re-evaluation after a delivery")
    SEMINAR = "seminar", _("seminar evaluations")


class Evaluation(models.Model):
    """A scored evaluation of a supplier in one category, with its evidence."""

    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    basis = models.CharField(
        _("basis"),
        max_length=10,
        choices=EvaluationBasis.choices,
        default=EvaluationBasis.INITIAL,
    )
    evaluated_on = models.DateField(_("evaluated on"), default=timezone.localdate)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.TextField(
        _("evidence"),
        help_text=_("What the scores rest on: deliveries, documents, references."),
    )
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("The seminar or delivery the evaluation comes from."),
    )
    total = models.DecimalField(
        _("total"), max_digits=4, decimal_places=2, editable=False
    )
    passed = models.BooleanField(_("passed"), editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-evaluated_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=SCORE_MIN, total__lte=SCORE_MAX),
                name="evaluation_total_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("%(supplier)s: %(total)s of %(max)s")
            % {"supplier": self.supplier, "total": self.total, "max": SCORE_MAX}
        )

    def get_absolute_url(self) -> str:
        return self.supplier.get_absolute_url() + f"#evaluation-{self.pk}"


class Score(models.Model):
    """The score of one criterion in an evaluation; the weight is kept as
    it was, so a later change of weights does not rewrite old totals."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    weight = models.PositiveSmallIntegerField(_("weight, %"))
    score = models.PositiveSmallIntegerField(
        _("score"),
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["evaluation", "criterion__order", "criterion_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="score_on_scale",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="score_once_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.name}: {self.score}"


class TrainerRequirement(models.Model):
    """A qualification an external trainer must hold (§7.5.2): a field of
    expertise of the experts database at a minimum level. A trainer meets
    every requirement in use."""

    area = models.ForeignKey(
        "training.ExpertiseArea",
        verbose_name=_("field of expertise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    min_level = models.PositiveSmallIntegerField(
        _("minimum level"),
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trainer requirement")
        verbose_name_plural = _("trainer requirements")
        ordering = ["area__order", "area__name"]
        constraints = [
            models.UniqueConstraint(fields=["area"], name="trainer_requirement_once"),
        ]

    def __str__(self) -> str:
        return str(
            _("%(area)s, level %(level)s or higher")
            % {"area": self.area, "level": self.min_level}
        )


# --- The approved suppliers list --------------------------------------------------


class SupplierList(Approvable):
    """The approved suppliers list of one year (§7.4): compiled from the
    previous list and the accepted proposals, approved by the director."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    notes = models.TextField(_("notes"), blank=True)
    compiled_at = models.DateTimeField(_("compiled"), null=True, editable=False)
    compiled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compiled by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    signed_fields = ("year", "notes")
    pdf_template = "pdf/suppliers/supplier_list.html"
    document_code = "ДЖ-11"

    class Meta:
        verbose_name = _("approved suppliers list")
        verbose_name_plural = _("approved suppliers lists")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(_("Approved suppliers list for %(year)s") % {"year": self.year})

    def get_absolute_url(self) -> str:
        return reverse("suppliers:list_detail", args=[self.year])

    def approval_problems(self) -> list[str]:
        from .services import supplier_list_problems

        return supplier_list_problems(self)

    def on_approved(self, actor=None) -> None:
        from .services import on_supplier_list_approved

        on_supplier_list_approved(self, actor=actor)

    def pdf_context(self) -> dict:
        return {
            "entries": list(
                self.entries.select_related("supplier").order_by(
                    "category", "supplier__name"
                )
            )
        }

    def signed_content(self) -> dict:
        """The rows are what the director approves, so they are signed too."""
        content = super().signed_content()
        content["entries"] = [
            [entry.category, entry.supplier_id, entry.supplier.name, entry.note]
            for entry in self.entries.select_related("supplier").order_by(
                "category", "supplier_id"
            )
        ]
        return content


class ListEntry(models.Model):
    """A supplier approved in one category by a year's list."""

    supplier_list = models.ForeignKey(
        SupplierList, on_delete=models.CASCADE, related_name="entries"
    )
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="list_entries",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["supplier_list", "category", "supplier__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier_list", "supplier", "category"],
                name="list_entry_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} ({self.get_category_display()})"


class ProposalAction(models.TextChoices):
    ADD = "add", _("add to the list")
    REMOVE = "remove", _("remove from the list")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("awaiting decision")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", pgettext_lazy("proposal", "rejected")


#: The quality representative accepts or rejects each proposal, once.
PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalStatus.PENDING: frozenset(
        {ProposalStatus.ACCEPTED, ProposalStatus.REJECTED}
    ),
    ProposalStatus.ACCEPTED: frozenset(),
    ProposalStatus.REJECTED: frozenset(),
}


class ListChangeProposal(models.Model):
    """A proposal to add a supplier to, or remove one from, a year's list."""

    year = models.PositiveSmallIntegerField(
        _("list of the year"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    action = models.CharField(
        _("proposal"), max_length=6, choices=ProposalAction.choices
    )
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        editable=False,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, editable=False)
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)
    history = HistoricalRecords()

    transitions = PROPOSAL_TRANSITIONS

    class Meta:
        verbose_name = _("proposal for the suppliers list")
        verbose_name_plural = _("proposals for the suppliers list")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="proposal_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        category = self.get_category_display()
        return f"{self.get_action_display()}: {self.supplier} ({category})"

    def get_absolute_url(self) -> str:
        return reverse("suppliers:proposal_list") + f"?year={self.year}#p{self.pk}"


# --- The approved trainers list ---------------------------------------------------


class TrainerListReview(models.Model):
    """A quarterly review of the trainers list (§7.4): who reviewed it, when,
    and which trainers it added or removed. No approval is required."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    reviewed_on = models.DateField(_("reviewed on"), default=timezone.localdate)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("conclusion"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trainers list review")
        verbose_name_plural = _("trainers list reviews")
        ordering = ["-reviewed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="trainer_review_quarter",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Trainers list review, %(year)s Q%(quarter)s")
            % {"year": self.year, "quarter": self.quarter}
        )

    def get_absolute_url(self) -> str:
        return reverse("suppliers:review_detail", args=[self.pk])


class TrainerListEntry(models.Model):
    """A trainer's time on the approved trainers list: from the review that
    added them to the review that removed them."""

    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("trainer"),
        on_delete=models.PROTECT,
        related_name="trainer_entries",
    )
    added_on = models.DateField(_("on the list since"))
    added_in = models.ForeignKey(
        TrainerListReview,
        verbose_name=_("added by the review"),
        on_delete=models.PROTECT,
        related_name="added",
    )
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removed_in = models.ForeignKey(
        TrainerListReview,
        verbose_name=_("removed by the review"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="removed",
    )
    removal_reason = models.CharField(_("why removed"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trainers list entry")
        verbose_name_plural = _("trainers list entries")
        ordering = ["supplier__name", "-added_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier"],
                condition=Q(removed_on__isnull=True),
                name="trainer_on_the_list_once",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True)
                | Q(removed_on__gte=models.F("added_on")),
                name="trainer_removed_after_added",
            ),
        ]

    def __str__(self) -> str:
        return str(self.supplier)


# --- Purchases ------------------------------------------------------------------


class PurchaseStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    ORDERED = "ordered", _("ordered")
    ACCEPTED = "accepted", _("received and accepted")
    FAILED = "failed", _("failed the verification")
    CANCELLED = "cancelled", _("cancelled")


_P = PurchaseStatus

#: request → order → verification on receipt (§7.4.3). A failed
#: verification may be followed by a replacement delivery (back to ordered).
PURCHASE_TRANSITIONS: dict[str, frozenset[str]] = {
    _P.REQUESTED: frozenset({_P.ORDERED, _P.CANCELLED}),
    _P.ORDERED: frozenset({_P.ACCEPTED, _P.FAILED, _P.CANCELLED}),
    _P.FAILED: frozenset({_P.ORDERED, _P.CANCELLED}),
    _P.ACCEPTED: frozenset(),
    _P.CANCELLED: frozenset(),
}


class Purchase(models.Model):
    """One purchase: what, from whom, and how it was verified on receipt."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    subject = models.CharField(_("what is bought"), max_length=300)
    description = models.TextField(
        _("requirements"),
        blank=True,
        help_text=_("Quantity, specification, deadlines: what the receipt checks."),
    )
    amount = models.DecimalField(
        _("estimated cost, som"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="purchases",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PurchaseStatus.choices,
        default=PurchaseStatus.REQUESTED,
        editable=False,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    requested_on = models.DateField(_("requested on"), default=timezone.localdate)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ordered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    ordered_on = models.DateField(_("ordered on"), null=True, blank=True)
    order_reference = models.CharField(
        _("order or contract number"), max_length=100, blank=True
    )
    cancel_reason = models.CharField(
        _("why cancelled"), max_length=300, blank=True, editable=False
    )
    history = HistoricalRecords()

    transitions = PURCHASE_TRANSITIONS

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="requested")
                | Q(status="cancelled")
                | Q(supplier__isnull=False),
                name="purchase_ordered_has_supplier",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Purchase %(number)s: %(subject)s")
            % {"number": self.number, "subject": self.subject}
        )

    def get_absolute_url(self) -> str:
        return reverse("suppliers:purchase_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"{self.requested_on:%Y}-{self.pk:04d}" if self.pk else "—"

    @property
    def needs_evaluation(self) -> bool:
        return needs_evaluation(self.category)

    def clean(self) -> None:
        if self.ordered_on and self.ordered_on < self.requested_on:
            raise ValidationError(
                {"ordered_on": _("The order cannot precede the request.")}
            )


class Verification(models.Model):
    """The verification of a delivery on receipt (§7.4.3)."""

    purchase = models.ForeignKey(
        Purchase,
        verbose_name=_("purchase"),
        on_delete=models.PROTECT,
        related_name="verifications",
    )
    verified_on = models.DateField(_("verified on"), default=timezone.localdate)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    passed = models.BooleanField(_("meets the requirements"))
    findings = models.TextField(
        _("findings"), help_text=_("What was checked and what was found.")
    )
    nonconformity = models.OneToOneField(
        "capa.Nonconformity",
        verbose_name=_("nonconformity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplier_verification",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verification on receipt")
        verbose_name_plural = _("verifications on receipt")
        ordering = ["-verified_on", "-id"]

    def __str__(self) -> str:
        result = _("passed") if self.passed else _("failed")
        return f"{self.purchase.number}: {result} ({self.verified_on:%d.%m.%Y})"

    def get_absolute_url(self) -> str:
        return self.purchase.get_absolute_url()

    def clean(self) -> None:
        if self.verified_on and self.verified_on > timezone.localdate():
            raise ValidationError(
                {"verified_on": _("The date cannot be in the future.")}
            )
