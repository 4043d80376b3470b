"""Diversity and accessibility questions become optional, with the time their separate consent was given."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0007_email_change_request"),
    ]

    # Registrations made before this migration gave their answers under the privacy notice alone:
    # their consent time stays empty, and the manage form asks for it the next time they save.
    operations = [
        migrations.AddField(
            model_name="registration",
            name="diversity_consent_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Empty when no diversity or accessibility question is answered.",
                null=True,
                verbose_name="consent to the diversity and accessibility answers given at",
            ),
        ),
        migrations.AlterField(
            model_name="registration",
            name="gender",
            field=models.CharField(
                blank=True,
                choices=[
                    ("woman", "Woman"),
                    ("man", "Man"),
                    ("non_binary", "Non-binary or another identity"),
                    ("prefer_not", "Prefer not to say"),
                ],
                max_length=20,
                verbose_name="gender",
            ),
        ),
    ]
