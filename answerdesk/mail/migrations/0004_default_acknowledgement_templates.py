"""Seed the French and English acknowledgements, so they can be edited in the admin."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from answerdesk.mail.acknowledgement import DEFAULT_TEMPLATES


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    template = apps.get_model("mail", "AcknowledgementTemplate")
    for language, (subject, body) in DEFAULT_TEMPLATES.items():
        template.objects.get_or_create(language=language, defaults={"subject": subject, "body": body})


class Migration(migrations.Migration):
    dependencies = [("mail", "0003_outbound_and_acknowledgement")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
