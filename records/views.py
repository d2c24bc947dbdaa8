"""Records control pages: the nomenclature of files, records, disposal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sapat.downloads import attachment
from sapat.forms import errors_to_form

from . import selectors, services
from .forms import DisposalActForm, ItemForm, NomenclatureForm, RecordForm, SectionForm
from .models import DisposalAct, Nomenclature, NomenclatureItem, Record, RecordFile

PAGE_SIZE = 25


@permission_required("records.view_nomenclature", raise_exception=True)
def index(request):
    """The nomenclature of the current year (or the newest one)."""
    year = timezone.localdate().year
    nomenclature = (
        selectors.nomenclature_for(year)
        or Nomenclature.objects.order_by("-year").first()
    )
    if nomenclature is None:
        return render(
            request,
            "records/nomenclature_empty.html",
            {"form": NomenclatureForm(initial={"year": year})},
        )
    return redirect(nomenclature.get_absolute_url())


@permission_required("records.view_nomenclature", raise_exception=True)
def nomenclature_detail(request, year: int):
    nomenclature = get_object_or_404(Nomenclature, year=year)
    return render(
        request,
        "records/nomenclature_detail.html",
        {
            "object": nomenclature,
            "sections": selectors.sections_with_items(nomenclature),
            "years": list(Nomenclature.objects.values_list("year", flat=True)),
            "new_form": NomenclatureForm(
                initial={"year": nomenclature.year + 1, "copy_from": nomenclature.year}
            ),
            "section_form": SectionForm(),
        },
    )


@permission_required("records.add_nomenclature", raise_exception=True)
def nomenclature_create(request):
    form = NomenclatureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["copy_from"]:
                source = get_object_or_404(Nomenclature, year=data["copy_from"])
                nomenclature = services.nomenclature_copy(
                    actor=request.user, source=source, year=data["year"]
                )
            else:
                nomenclature = services.nomenclature_create(
                    actor=request.user, year=data["year"]
                )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The nomenclature was created as a draft."))
            return redirect(nomenclature.get_absolute_url())
    return render(request, "records/nomenclature_empty.html", {"form": form})


@permission_required("records.change_nomenclature", raise_exception=True)
def section_create(request, year: int):
    nomenclature = get_object_or_404(Nomenclature, year=year)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_create(
                actor=request.user, nomenclature=nomenclature, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(nomenclature.get_absolute_url())
    return render(
        request,
        "records/section_form.html",
        {"form": form, "nomenclature": nomenclature},
    )


def _item_form_view(request, nomenclature, item=None):
    form = ItemForm(request.POST or None, instance=item, nomenclature=nomenclature)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if item is None:
            fields["nomenclature"] = nomenclature
        try:
            saved = services.item_save(actor=request.user, item=item, **fields)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(saved.get_absolute_url())
    return render(
        request,
        "records/item_form.html",
        {"form": form, "nomenclature": nomenclature, "object": item},
    )


@permission_required("records.add_nomenclatureitem", raise_exception=True)
def item_create(request, year: int):
    return _item_form_view(request, get_object_or_404(Nomenclature, year=year))


@permission_required("records.change_nomenclatureitem", raise_exception=True)
def item_edit(request, pk: int):
    item = get_object_or_404(
        NomenclatureItem.objects.select_related("nomenclature"), pk=pk
    )
    return _item_form_view(request, item.nomenclature, item)


@permission_required("records.view_nomenclatureitem", raise_exception=True)
def item_detail(request, pk: int):
    item = get_object_or_404(
        NomenclatureItem.objects.select_related(
            "nomenclature", "section", "responsible"
        ),
        pk=pk,
    )
    records = selectors.record_list(user=request.user, item=item.pk)
    return render(
        request,
        "records/item_detail.html",
        {
            "object": item,
            "page_obj": Paginator(records, PAGE_SIZE).get_page(request.GET.get("page")),
            "documents": item.documents.order_by("code")[:50],
        },
    )


def record_list(request):
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in Record.Status.values:
        status = ""
    records = selectors.record_list(user=request.user, q=q, status=status)
    return render(
        request,
        "records/record_list.html",
        {
            "page_obj": Paginator(records, PAGE_SIZE).get_page(request.GET.get("page")),
            "q": q,
            "status": status,
            "statuses": Record.Status.choices,
        },
    )


@permission_required("records.add_record", raise_exception=True)
def record_create(request):
    year = timezone.localdate().year
    items = NomenclatureItem.objects.filter(
        nomenclature__year__in=[year, year - 1]
    ).select_related("nomenclature")
    form = RecordForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("files")
        files = [(upload.name, upload.read())] if upload else []
        try:
            record = services.record_register(actor=request.user, files=files, **data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The record was registered."))
            return redirect(record.get_absolute_url())
    return render(request, "records/record_form.html", {"form": form})


def record_detail(request, pk: int):
    record = get_object_or_404(
        selectors.visible_records(user=request.user).select_related(
            "item", "item__nomenclature", "created_by", "destroyed_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "records/record_detail.html",
        {
            "object": record,
            "files": record.files.all(),
            "linked": record.content_object,
        },
    )


def record_file_download(request, pk: int):
    stored = get_object_or_404(RecordFile.objects.select_related("record"), pk=pk)
    if (
        not selectors.visible_records(user=request.user)
        .filter(pk=stored.record_id)
        .exists()
    ):
        raise Http404
    if stored.deleted_at or not stored.file:
        raise Http404
    return attachment(stored.file, filename=stored.name)


@permission_required("records.view_record", raise_exception=True)
def records_due(request):
    due = services.records_due()
    return render(
        request,
        "records/records_due.html",
        {"page_obj": Paginator(due, 100).get_page(request.GET.get("page"))},
    )


@permission_required("records.view_disposalact", raise_exception=True)
def act_list(request):
    acts = DisposalAct.objects.select_related("created_by").order_by("-date", "-id")
    return render(
        request,
        "records/act_list.html",
        {"page_obj": Paginator(acts, PAGE_SIZE).get_page(request.GET.get("page"))},
    )


@permission_required("records.add_disposalact", raise_exception=True)
def act_create(request):
    today = timezone.localdate()
    candidates = (
        selectors.visible_records(user=request.user)
        .filter(status=Record.Status.KEPT, keep_until__isnull=False)
        .select_related("item")
        .order_by("keep_until")
    )
    form = DisposalActForm(
        request.POST or None,
        records=candidates,
        initial={"date": today, "records": services.records_due(on=today)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            act = services.disposal_act_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("The act was drawn up; send it to the commission.")
            )
            return redirect(act.get_absolute_url())
    return render(request, "records/act_form.html", {"form": form})


@permission_required("records.view_disposalact", raise_exception=True)
def act_detail(request, pk: int):
    act = get_object_or_404(DisposalAct.objects.select_related("created_by"), pk=pk)
    return render(
        request,
        "records/act_detail.html",
        {"object": act, "records": act.records.select_related("item")},
    )
