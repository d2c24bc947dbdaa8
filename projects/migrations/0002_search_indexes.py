"""Indexes for the global search of projects and client property, on PostgreSQL only.

sapat.search.matching uses them: GIN trigram indexes for LIKE and the typo
prefilter, a GIN index for the full-text vector. Nothing happens on SQLite.
"""

from django.db import migrations

from sapat.search import SearchIndexes


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [
        SearchIndexes("project", ["title", "code"]),
        SearchIndexes("clientdocument", ["title", "received_from", "location"]),
    ]
