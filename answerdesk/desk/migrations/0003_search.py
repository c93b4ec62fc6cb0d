"""Full-text search over every message: an FTS5 table kept by triggers on SQLite, a GIN
index on a to_tsvector() expression on PostgreSQL (see answerdesk/desk/search.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from answerdesk.desk.search import install_index

    install_index(schema_editor.connection)


def uninstall(apps, schema_editor):
    from answerdesk.desk.search import uninstall_index

    uninstall_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("desk", "0002_roles"), ("tickets", "0007_desk_fields")]
    operations = [migrations.RunPython(install, uninstall)]
