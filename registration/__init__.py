"""Participants' registrations, their manage link, emails, reminders and organiser tools."""
