"""Signals of signing, for apps that react without being imported by it."""

from django.dispatch import Signal

#: Sent inside the approving transaction: ``sender`` is the model,
#: ``instance`` the approved object, ``actor`` who approved. Document control
#: lists approved quality objects in its register this way.
approved = Signal()
