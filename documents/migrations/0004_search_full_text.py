"""A full-text index for the register's search (documents.search), on
PostgreSQL only: the vector of ``search_text`` that sapat.search.full_text
builds. Migration 0002 made its trigram index. Nothing happens on SQLite.
"""

from django.db import migrations

from sapat.search import SearchIndexes


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_nomenclature_item")]

    operations = [SearchIndexes("document", ["search_text"], trigram=False)]
