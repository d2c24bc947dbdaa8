"""Signals other apps listen to.

``project_closed`` is sent by :func:`projects.services.project_close` after the
project's status has changed, on transaction commit, with
``sender=Project, project=<Project>, actor=<User>``. Satisfaction connects to
it to send the client survey to the client's contacts.
"""

from django.dispatch import Signal

project_closed = Signal()
