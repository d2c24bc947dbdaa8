from django.urls import path

from sapat.imports import import_urls

from .imports import DocumentImporter
from .views import external, letters, register

app_name = "documents"

urlpatterns = [
    # The register (ДЖ-01)
    path("", register.document_list, name="index"),
    path("new/", register.document_create, name="create"),
    path("acknowledge/", register.my_acknowledgements, name="my_acknowledgements"),
    path("register.pdf", register.register_pdf, name="register_pdf"),
    *import_urls(DocumentImporter, route="import/", name="import"),
    path("<int:pk>/", register.document_detail, name="detail"),
    path("<int:pk>/edit/", register.document_edit, name="edit"),
    path("<int:pk>/revisions/new/", register.revision_create, name="revision_create"),
    path("<int:pk>/review/", register.document_review, name="review"),
    path("<int:pk>/withdraw/", register.document_withdraw, name="withdraw"),
    path("<int:pk>/matrix/", register.acknowledgement_matrix, name="matrix"),
    path(
        "<int:pk>/changes/new/", register.change_request_create, name="change_request"
    ),
    path(
        "changes/<int:pk>/decide/",
        register.change_request_decide,
        name="change_request_decide",
    ),
    path("<int:pk>/r/<int:number>/", register.revision_detail, name="revision"),
    path("<int:pk>/r/<int:number>/edit/", register.revision_edit, name="revision_edit"),
    path(
        "<int:pk>/r/<int:number>/download/",
        register.revision_download,
        name="revision_download",
    ),
    path(
        "<int:pk>/r/<int:number>/acknowledge/",
        register.revision_acknowledge,
        name="revision_acknowledge",
    ),
    path(
        "<int:pk>/r/<int:number>/copies/",
        register.paper_copies,
        name="paper_copies",
    ),
    path(
        "copies/<int:pk>/withdraw/",
        register.paper_copy_withdraw,
        name="paper_copy_withdraw",
    ),
    path("<int:pk>/compare/", register.revision_compare, name="compare"),
    # External normative documents (§4.2.3)
    path("external/", external.external_list, name="external_list"),
    path("external/new/", external.external_create, name="external_create"),
    path("external/<int:pk>/", external.external_detail, name="external_detail"),
    path("external/<int:pk>/edit/", external.external_edit, name="external_edit"),
    path(
        "external/<int:pk>/checked/", external.external_checked, name="external_checked"
    ),
    # Correspondence (РИ-05)
    path("letters/", letters.letter_list, name="letter_list"),
    path("letters/new/", letters.letter_create, name="letter_create"),
    path("letters/<int:pk>/", letters.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/edit/", letters.letter_edit, name="letter_edit"),
    path("letters/<int:pk>/done/", letters.letter_done, name="letter_done"),
    path(
        "letters/files/<int:pk>/",
        letters.letter_file_download,
        name="letter_file_download",
    ),
]

public_urlpatterns = [
    path("documents/public/", register.public_documents, name="documents_public"),
    path(
        "documents/public/<int:pk>/download/",
        register.public_download,
        name="documents_public_download",
    ),
]
