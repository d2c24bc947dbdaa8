"""Receivers of other apps' signals (connected in ``apps.py``)."""

from __future__ import annotations


def on_project_closed(sender, project, actor=None, **kwargs) -> None:
    """A project closed (Projects' ``project_closed``): queue its survey
    after the closing transaction commits (§8.2.1)."""
    from .tasks import send_project_survey

    send_project_survey.delay_on_commit(project.pk)
