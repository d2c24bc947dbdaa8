"""On PostgreSQL the database itself refuses to change or delete a signature.

The ORM already refuses (``Signature.save``/``delete`` and its queryset); the
trigger covers raw SQL and other clients. SQLite relies on the ORM alone.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION signing_signature_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'signatures are immutable: % refused on signing_signature', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS signing_signature_immutable ON signing_signature;
CREATE TRIGGER signing_signature_immutable
    BEFORE UPDATE OR DELETE ON signing_signature
    FOR EACH ROW EXECUTE FUNCTION signing_signature_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS signing_signature_immutable ON signing_signature;
DROP FUNCTION IF EXISTS signing_signature_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("signing", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
