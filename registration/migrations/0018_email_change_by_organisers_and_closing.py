"""Email change requests: asked by the organisers or the participant, closed by a decline or a cancellation,
and a refusal link of their own (issue 19, points 2 and 7)."""

from django.db import migrations, models

import registration.models


def refuse_tokens_fill(apps, schema_editor):
    # Requests already mailed keep the refusal link they were sent (their one token) until they expire.
    EmailChangeRequest = apps.get_model("registration", "EmailChangeRequest")
    EmailChangeRequest.objects.update(refuse_token=models.F("token"))


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0017_countries_by_their_un_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="emailchangerequest",
            name="by_organisers",
            field=models.BooleanField(default=False, verbose_name="asked by the organisers"),
        ),
        migrations.AddField(
            model_name="emailchangerequest",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
        ),
        migrations.AddField(
            model_name="emailchangerequest",
            name="refuse_token",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="refusal token"),
        ),
        migrations.RunPython(refuse_tokens_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="emailchangerequest",
            name="refuse_token",
            field=models.CharField(
                default=registration.models.new_manage_token,
                editable=False,
                max_length=64,
                unique=True,
                verbose_name="refusal token",
            ),
        ),
    ]
