"""Reminders greet by {greeting}, and the default texts no longer say how to join (the block below does).

The default texts already loaded into meetings are replaced where they are still as created, in
each language; a text an organiser changed is left as it is.
"""

from django.db import migrations, models

# Per language: (the default as created until now, the new default), for the "days before" and
# "starting soon" reminders. "en" also stands for the untranslated column.
DEFAULTS = {
    "en": [
        [
            "Dear {first_name},\n\nThis is a reminder that {meeting_title} takes place on {start_time}.\n\nHow to join: {join_link}",
            "{greeting}\n\nThis is a reminder that {meeting_title} takes place on {start_time}.",
        ],
        [
            "Dear {first_name},\n\n{meeting_title} starts at {start_time}.\n\nJoin here: {join_link}",
            "{greeting}\n\n{meeting_title} starts at {start_time}.",
        ],
    ],
    "fr": [
        [
            "Bonjour {first_name},\n\nNous vous rappelons que la réunion «\u00a0{meeting_title}\u00a0» aura lieu le {start_time}.\n\nComment se connecter\u00a0: {join_link}",
            "{greeting}\n\nNous vous rappelons que la réunion «\u00a0{meeting_title}\u00a0» aura lieu le {start_time}.",
        ],
        [
            "Bonjour {first_name},\n\nLa réunion «\u00a0{meeting_title}\u00a0» commence le {start_time}.\n\nPour vous connecter\u00a0: {join_link}",
            "{greeting}\n\nLa réunion «\u00a0{meeting_title}\u00a0» commence le {start_time}.",
        ],
    ],
    "es": [
        [
            "Estimado/a {first_name}:\n\nLe recordamos que la reunión «{meeting_title}» tendrá lugar el {start_time}.\n\nCómo conectarse: {join_link}",
            "{greeting}\n\nLe recordamos que la reunión «{meeting_title}» tendrá lugar el {start_time}.",
        ],
        [
            "Estimado/a {first_name}:\n\nLa reunión «{meeting_title}» comenzará el {start_time}.\n\nPara conectarse: {join_link}",
            "{greeting}\n\nLa reunión «{meeting_title}» comenzará el {start_time}.",
        ],
    ],
    "ru": [
        [
            "Здравствуйте, {first_name}!\n\nНапоминаем, что совещание «{meeting_title}» состоится {start_time}.\n\nКак подключиться: {join_link}",
            "{greeting}\n\nНапоминаем, что совещание «{meeting_title}» состоится {start_time}.",
        ],
        [
            "Здравствуйте, {first_name}!\n\nСовещание «{meeting_title}» начнется {start_time}.\n\nПодключиться: {join_link}",
            "{greeting}\n\nСовещание «{meeting_title}» начнется {start_time}.",
        ],
    ],
}


def defaults_update(apps, schema_editor):
    Reminder = apps.get_model("registration", "Reminder")
    for language, pairs in DEFAULTS.items():
        columns = [f"body_{language}"] + (["body"] if language == "en" else [])
        for column in columns:
            for old, new in pairs:
                Reminder.objects.filter(**{column: old}).update(**{column: new})


def defaults_restore(apps, schema_editor):
    Reminder = apps.get_model("registration", "Reminder")
    for language, pairs in DEFAULTS.items():
        columns = [f"body_{language}"] + (["body"] if language == "en" else [])
        for column in columns:
            for old, new in pairs:
                Reminder.objects.filter(**{column: new}).update(**{column: old})


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0022_calendar_invitations_and_messages"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reminder",
            name="body",
            field=models.TextField(
                help_text="You may write {greeting} (the salutation as each language writes it), {first_name}, {last_name}, {full_name}, {meeting_title}, {short_name}, {start_time}, {join_link}, {manage_link} or {contact_email}. The date and time, how to join, the manage link and the contact address are added below it.",
                verbose_name="body",
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="body_en",
            field=models.TextField(
                help_text="You may write {greeting} (the salutation as each language writes it), {first_name}, {last_name}, {full_name}, {meeting_title}, {short_name}, {start_time}, {join_link}, {manage_link} or {contact_email}. The date and time, how to join, the manage link and the contact address are added below it.",
                null=True,
                verbose_name="body",
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="body_es",
            field=models.TextField(
                help_text="You may write {greeting} (the salutation as each language writes it), {first_name}, {last_name}, {full_name}, {meeting_title}, {short_name}, {start_time}, {join_link}, {manage_link} or {contact_email}. The date and time, how to join, the manage link and the contact address are added below it.",
                null=True,
                verbose_name="body",
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="body_fr",
            field=models.TextField(
                help_text="You may write {greeting} (the salutation as each language writes it), {first_name}, {last_name}, {full_name}, {meeting_title}, {short_name}, {start_time}, {join_link}, {manage_link} or {contact_email}. The date and time, how to join, the manage link and the contact address are added below it.",
                null=True,
                verbose_name="body",
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="body_ru",
            field=models.TextField(
                help_text="You may write {greeting} (the salutation as each language writes it), {first_name}, {last_name}, {full_name}, {meeting_title}, {short_name}, {start_time}, {join_link}, {manage_link} or {contact_email}. The date and time, how to join, the manage link and the contact address are added below it.",
                null=True,
                verbose_name="body",
            ),
        ),
        migrations.RunPython(defaults_update, defaults_restore),
    ]
