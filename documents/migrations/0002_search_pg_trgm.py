"""A trigram index for the register's search (documents.search), on PostgreSQL.

pg_trgm makes ``search_text LIKE '%word%'`` use an index and gives the
word similarity that forgives typos. SQLite needs neither: nothing happens
there. The extension is left in place on reversal; only the index goes.
"""

from django.db import migrations

INDEX = "documents_document_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("documents", "Document")._meta.db_table
    quote = schema_editor.quote_name
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {quote(INDEX)} ON {quote(table)} "
        f"USING gin ({quote('search_text')} gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
