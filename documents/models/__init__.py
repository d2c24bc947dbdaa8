"""Document control (ДЖ-01), document flow (РИ-05), external documents."""

from .correspondence import Letter, LetterFile
from .external import ExternalDocument
from .register import (
    REVISION_TRANSITIONS,
    ChangeRequest,
    Document,
    DocumentGroupObjectPermission,
    DocumentRevision,
    DocumentUserObjectPermission,
    PaperCopy,
    RevisionStatus,
)

__all__ = [
    "REVISION_TRANSITIONS",
    "ChangeRequest",
    "Document",
    "DocumentGroupObjectPermission",
    "DocumentRevision",
    "DocumentUserObjectPermission",
    "ExternalDocument",
    "Letter",
    "LetterFile",
    "PaperCopy",
    "RevisionStatus",
]
