"""The stakeholder categories a meeting's participants belong to, named here so that a meeting can refer to them.

The registration app stores each participant's category with these choices (`Registration.Category`); the meeting
names the categories that register through their focal points (`Meeting.focal_point_categories`), which the agenda
may only do if the categories are its own: the registration app imports the agenda, never the reverse.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StakeholderCategory(models.TextChoices):
    MEMBER_STATE = "member_state", _("Member State government")
    UN_SYSTEM = "un_system", _("UN system entity")
    IGO = "igo", _("Other intergovernmental organisation")
    CIVIL_SOCIETY = "civil_society", _("Civil society / NGO")
    MIGRANT_DIASPORA = "migrant_diaspora", _("Migrant or diaspora organisation")
    PRIVATE_SECTOR = "private_sector", _("Employers' organisation or private sector")
    TRADE_UNION = "trade_union", _("Trade union")
    ACADEMIA = "academia", _("Academia or research")
    LOCAL_AUTHORITY = "local_authority", _("Local or regional authority")
    OTHER = "other", _("Other")
