"""Monday to Friday, 09:00 to 18:00: the business hours until an admin changes them."""

import datetime as dt

from django.db import migrations

WEEKDAYS = range(5)  # Monday (0) to Friday (4)
OPENS, CLOSES = dt.time(9), dt.time(18)


def seed_hours(apps, schema_editor):
    BusinessHours = apps.get_model("sla", "BusinessHours")
    if not BusinessHours.objects.exists():
        BusinessHours.objects.bulk_create(
            BusinessHours(weekday=day, opens=OPENS, closes=CLOSES) for day in WEEKDAYS
        )


def remove_seeded_hours(apps, schema_editor):
    apps.get_model("sla", "BusinessHours").objects.filter(
        weekday__in=WEEKDAYS, opens=OPENS, closes=CLOSES
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(seed_hours, remove_seeded_hours)]
