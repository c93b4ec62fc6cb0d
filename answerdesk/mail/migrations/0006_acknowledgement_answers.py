"""Acknowledgement templates gain {answers}: FAQ answers for the customer's asks, placed
after the promised answer time."""

from django.db import migrations


def add_answers(apps, schema_editor):
    template = apps.get_model("mail", "AcknowledgementTemplate")
    for row in template.objects.all():
        if "{answers}" in row.body or "{promise}" not in row.body:
            continue
        head, _, tail = row.body.partition("{promise}")
        line_end, newlines, rest = tail.partition("\n\n")
        if newlines:
            row.body = f"{head}{{promise}}{line_end}\n\n{{answers}}{rest}"
            row.save(update_fields=["body"])


def remove_answers(apps, schema_editor):
    template = apps.get_model("mail", "AcknowledgementTemplate")
    for row in template.objects.filter(body__contains="{answers}"):
        row.body = row.body.replace("{answers}", "")
        row.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("mail", "0005_imap_mailbox"), ("knowledge", "0001_initial")]

    operations = [migrations.RunPython(add_answers, remove_answers)]
