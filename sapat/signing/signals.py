"""Signals of signing, for apps that react without being imported by it."""

from django.dispatch import Signal

#: Sent inside the approving transaction: ``sender`` is the model,
#: ``instance`` the approved object, ``actor`` who approved. Document control
#: lists approved quality objects in its register this way.
approved = Signal()

#: Sent when a signed PDF is ready (inside its transaction): ``sender`` is
#: the signed object's model, ``instance`` the object, ``pdf`` the
#: SignedPDF. Records control files it under its nomenclature item.
pdf_ready = Signal()
