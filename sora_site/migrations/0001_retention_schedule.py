from django.db import migrations

RETENTION = "sora_site.retention.retention_run"


def add_schedule(apps, schema_editor):
    # get_or_create: running migrations again (or on a restored backup) adds no second one.
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        func=RETENTION,
        defaults={"name": "Delete what is past its retention time", "schedule_type": "D", "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=RETENTION).delete()


class Migration(migrations.Migration):
    dependencies = [("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more")]
    operations = [migrations.RunPython(add_schedule, remove_schedule)]
