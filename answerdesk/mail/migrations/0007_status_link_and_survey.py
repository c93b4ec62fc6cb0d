"""Outbound mail gains the satisfaction survey; acknowledgement templates gain
{status_link}, the signed link to the ticket's status page, after the FAQ answers."""

from django.db import migrations, models


def add_status_link(apps, schema_editor):
    template = apps.get_model("mail", "AcknowledgementTemplate")
    for row in template.objects.all():
        if "{status_link}" not in row.body and "{answers}" in row.body:
            row.body = row.body.replace("{answers}", "{answers}{status_link}", 1)
            row.save(update_fields=["body"])


def remove_status_link(apps, schema_editor):
    template = apps.get_model("mail", "AcknowledgementTemplate")
    for row in template.objects.filter(body__contains="{status_link}"):
        row.body = row.body.replace("{status_link}", "")
        row.save(update_fields=["body"])


class Migration(migrations.Migration):

    dependencies = [
        ('mail', '0006_acknowledgement_answers'),
    ]

    operations = [
        migrations.AlterField(
            model_name='outboundmessage',
            name='kind',
            field=models.CharField(choices=[('acknowledgement', 'Acknowledgement'), ('reply', 'Reply'), ('survey', 'Satisfaction survey')], max_length=32, verbose_name='kind'),
        ),
        migrations.RunPython(add_status_link, remove_status_link),
    ]
