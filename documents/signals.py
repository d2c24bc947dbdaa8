"""Signals of document control, for apps that react without being imported."""

from django.dispatch import Signal

#: Sent inside the transaction that brings a revision in force: ``sender``
#: is DocumentRevision, ``revision`` the new one, ``previous`` the one it
#: replaced (or None). Training flags seminars scheduled with the old one.
revision_in_force = Signal()
