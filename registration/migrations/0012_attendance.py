"""Attendance read from the platforms' reports, and the follow-up email after the meeting."""

import django.db.models.deletion
import django.utils.timezone
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Organisers import attendance, match people by hand and send the follow-up. Viewers read only the
# participation report, through the dashboard permission they have: the list names people.
GROUP_PERMISSIONS = {
    "Organisers": [
        "view_attendance",
        "add_attendance",
        "change_attendance",
        "view_attendanceimport",
        "view_followup",
        "add_followup",
        "change_followup",
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("registration")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="registration", codename__in=codenames)
            )


class Migration(migrations.Migration):

    dependencies = [
        ('agenda', '0009_meeting_slug_not_reserved'),
        ('registration', '0011_organisers_joining_and_floor'),
    ]

    operations = [
        migrations.AlterField(
            model_name='outgoingemail',
            name='kind',
            field=models.CharField(choices=[('confirmation', 'Confirmation'), ('manage_link', 'Manage link again'), ('change', 'Change'), ('cancellation', 'Cancellation'), ('reminder', 'Reminder'), ('decision', 'Approval or decline'), ('email_change_confirm', 'New email address to confirm'), ('email_change_notice', 'Email change requested'), ('follow_up', 'Follow-up after the meeting')], max_length=20, verbose_name='kind'),
        ),
        migrations.CreateModel(
            name='FollowUp',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('audience', models.CharField(choices=[('attended', 'Registered and attended'), ('absent', 'Registered and did not attend')], max_length=10, verbose_name='send to')),
                ('subject', models.CharField(max_length=200, verbose_name='subject')),
                ('subject_en', models.CharField(max_length=200, null=True, verbose_name='subject')),
                ('subject_fr', models.CharField(max_length=200, null=True, verbose_name='subject')),
                ('subject_es', models.CharField(max_length=200, null=True, verbose_name='subject')),
                ('subject_ru', models.CharField(max_length=200, null=True, verbose_name='subject')),
                ('body', models.TextField(help_text='Your thanks; the links below and the contact address are added after it.', verbose_name='message')),
                ('body_en', models.TextField(help_text='Your thanks; the links below and the contact address are added after it.', null=True, verbose_name='message')),
                ('body_fr', models.TextField(help_text='Your thanks; the links below and the contact address are added after it.', null=True, verbose_name='message')),
                ('body_es', models.TextField(help_text='Your thanks; the links below and the contact address are added after it.', null=True, verbose_name='message')),
                ('body_ru', models.TextField(help_text='Your thanks; the links below and the contact address are added after it.', null=True, verbose_name='message')),
                ('recording_url', models.URLField(blank=True, verbose_name='link to the recording or summary')),
                ('recording_url_en', models.URLField(blank=True, null=True, verbose_name='link to the recording or summary')),
                ('recording_url_fr', models.URLField(blank=True, null=True, verbose_name='link to the recording or summary')),
                ('recording_url_es', models.URLField(blank=True, null=True, verbose_name='link to the recording or summary')),
                ('recording_url_ru', models.URLField(blank=True, null=True, verbose_name='link to the recording or summary')),
                ('survey_url', models.URLField(blank=True, verbose_name='link to the survey')),
                ('survey_url_en', models.URLField(blank=True, null=True, verbose_name='link to the survey')),
                ('survey_url_fr', models.URLField(blank=True, null=True, verbose_name='link to the survey')),
                ('survey_url_es', models.URLField(blank=True, null=True, verbose_name='link to the survey')),
                ('survey_url_ru', models.URLField(blank=True, null=True, verbose_name='link to the survey')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='last sent at')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follow_ups', to='agenda.meeting')),
            ],
            options={
                'verbose_name': 'follow-up email',
                'verbose_name_plural': 'follow-up emails',
                'ordering': ['meeting', '-created_at'],
            },
        ),
        migrations.CreateModel(
            name='Attendance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unregistered', models.BooleanField(default=False, help_text='Tick when no registration belongs to this person; they are then counted apart.', verbose_name='attended without registering')),
                ('person_key', models.CharField(editable=False, max_length=300, verbose_name='person key')),
                ('name', models.CharField(blank=True, max_length=300, verbose_name='name as in the report')),
                ('email', models.CharField(blank=True, max_length=254, verbose_name='email as in the report')),
                ('minutes', models.PositiveIntegerField(default=0, verbose_name='minutes attended')),
                ('first_join', models.DateTimeField(blank=True, null=True, verbose_name='first join')),
                ('last_leave', models.DateTimeField(blank=True, null=True, verbose_name='last leave')),
                ('channel', models.CharField(blank=True, help_text='When the report gives it.', max_length=100, verbose_name='interpretation channel listened to')),
                ('source_sha256', models.CharField(editable=False, max_length=64, verbose_name='read from the file (SHA-256)')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='agenda.meeting')),
                ('registration', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='registration.registration', verbose_name='registration')),
            ],
            options={
                'verbose_name': 'attendance',
                'verbose_name_plural': 'attendance',
                'ordering': ['meeting', 'name'],
                'constraints': [models.UniqueConstraint(fields=('meeting', 'person_key'), name='one_attendance_per_person_key'), models.UniqueConstraint(condition=models.Q(('registration__isnull', False)), fields=('meeting', 'registration'), name='one_attendance_per_registration'), models.CheckConstraint(condition=models.Q(('registration__isnull', True), ('unregistered', False), _connector='OR'), name='attendance_matched_or_unregistered')],
            },
        ),
        migrations.CreateModel(
            name='AttendanceImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sha256', models.CharField(max_length=64, verbose_name='file fingerprint (SHA-256)')),
                ('platform', models.CharField(max_length=40, verbose_name='platform')),
                ('rows_read', models.PositiveIntegerField(default=0, verbose_name='rows read')),
                ('matched', models.PositiveIntegerField(default=0, verbose_name='people matched')),
                ('unmatched', models.PositiveIntegerField(default=0, verbose_name='people not matched')),
                ('ignored', models.PositiveIntegerField(default=0, verbose_name='rows ignored')),
                ('imported_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='imported at')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendance_imports', to='agenda.meeting')),
            ],
            options={
                'verbose_name': 'attendance report imported',
                'verbose_name_plural': 'attendance reports imported',
                'ordering': ['-imported_at'],
                'constraints': [models.UniqueConstraint(fields=('meeting', 'sha256'), name='one_import_per_file_and_meeting')],
            },
        ),
        migrations.CreateModel(
            name='FollowUpDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('queued_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='queued at')),
                ('follow_up', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='registration.followup')),
                ('registration', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follow_up_deliveries', to='registration.registration')),
            ],
            options={
                'verbose_name': 'follow-up email queued',
                'verbose_name_plural': 'follow-up emails queued',
                'constraints': [models.UniqueConstraint(fields=('follow_up', 'registration'), name='one_follow_up_per_registration')],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
