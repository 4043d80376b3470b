"""Countries by their UN names: the other countries or areas typed in, and codes the UN list does not offer moved there.

The form used to offer every ISO 3166 entry (django-countries); it now offers the 193 UN Member States and
the two observer States only, and "Other (please specify)" (stored as "ZZ") with the name typed beside it.
A registration whose code is not a Member or observer State keeps what it chose, as that typed name
(django-countries' English name of the code), under "ZZ". Both lists are frozen here as they were at this
migration, so a later rebuild of agenda/data/un-states.json cannot change what it did.
"""

from django.db import migrations, models

import registration.countries

OTHER = "ZZ"

UN_CODES = frozenset(
    """
    AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF CG
    CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM FR GA GB GD GE GH
    GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ
    LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV MW MX MY MZ NA NE NG
    NI NL NO NP NR NZ OM PA PE PG PH PK PL PS PT PW PY QA RO RS RU RW SA SB SC SD SE SG SI SK SL SM
    SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TV TZ UA UG US UY UZ VA VC VE VN VU WS YE
    ZA ZM ZW
    """.split()
)

OLD_NAMES = {
    'AI': 'Anguilla',
    'AQ': 'Antarctica',
    'AS': 'American Samoa',
    'AW': 'Aruba',
    'AX': 'Åland Islands',
    'BL': 'Saint Barthélemy',
    'BM': 'Bermuda',
    'BQ': 'Bonaire, Sint Eustatius and Saba',
    'BV': 'Bouvet Island',
    'CC': 'Cocos (Keeling) Islands',
    'CK': 'Cook Islands',
    'CW': 'Curaçao',
    'CX': 'Christmas Island',
    'EH': 'Western Sahara',
    'FK': 'Falkland Islands (Malvinas)',
    'FO': 'Faroe Islands',
    'GF': 'French Guiana',
    'GG': 'Guernsey',
    'GI': 'Gibraltar',
    'GL': 'Greenland',
    'GP': 'Guadeloupe',
    'GS': 'South Georgia',
    'GU': 'Guam',
    'HK': 'Hong Kong',
    'HM': 'Heard Island and McDonald Islands',
    'IM': 'Isle of Man',
    'IO': 'British Indian Ocean Territory',
    'JE': 'Jersey',
    'KY': 'Cayman Islands',
    'MF': 'Saint Martin (French part)',
    'MO': 'Macao',
    'MP': 'Northern Mariana Islands',
    'MQ': 'Martinique',
    'MS': 'Montserrat',
    'NC': 'New Caledonia',
    'NF': 'Norfolk Island',
    'NU': 'Niue',
    'PF': 'French Polynesia',
    'PM': 'Saint Pierre and Miquelon',
    'PN': 'Pitcairn',
    'PR': 'Puerto Rico',
    'RE': 'Réunion',
    'SH': 'Saint Helena',
    'SJ': 'Svalbard and Jan Mayen',
    'SX': 'Sint Maarten (Dutch part)',
    'TC': 'Turks and Caicos Islands',
    'TF': 'French Southern Territories',
    'TK': 'Tokelau',
    'TW': 'Taiwan',
    'UM': 'United States Minor Outlying Islands',
    'VG': 'Virgin Islands (British)',
    'VI': 'Virgin Islands (U.S.)',
    'WF': 'Wallis and Futuna',
    'YT': 'Mayotte',
}


def to_other(apps, schema_editor):
    Registration = apps.get_model("registration", "Registration")
    for code in Registration.objects.exclude(country__in=UN_CODES | {OTHER}).values_list("country", flat=True).distinct():
        Registration.objects.filter(country=code).update(country=OTHER, country_other=OLD_NAMES.get(code, code))


def from_other(apps, schema_editor):
    Registration = apps.get_model("registration", "Registration")
    for code, name in OLD_NAMES.items():
        Registration.objects.filter(country=OTHER, country_other=name).update(country=code, country_other="")


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0016_export_job_what_the_file_holds"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="country_other",
            field=models.CharField(blank=True, max_length=100, verbose_name="other country or area"),
        ),
        migrations.AlterField(
            model_name="registration",
            name="country",
            field=models.CharField(
                choices=registration.countries.country_field_choices,
                max_length=2,
                verbose_name="country represented or based in",
            ),
        ),
        migrations.RunPython(to_other, from_other),
    ]
