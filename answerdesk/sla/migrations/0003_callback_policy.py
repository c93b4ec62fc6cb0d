"""Callback requests (channel "phone") are called within 4 business hours, unless an admin
has set a policy for that channel already."""

from django.db import migrations

HOURS = 4


def seed_callback_policy(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    if not SlaPolicy.objects.filter(kind="", channel="phone", active=True).exists():
        SlaPolicy.objects.create(kind="", channel="phone", first_response_hours=HOURS)


def remove_callback_policy(apps, schema_editor):
    apps.get_model("sla", "SlaPolicy").objects.filter(
        kind="", channel="phone", first_response_hours=HOURS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0002_default_business_hours")]
    operations = [migrations.RunPython(seed_callback_policy, remove_callback_policy)]
