"""Mail: composing emails, the outbox that sends each once, reminders, limits and the follow-up."""
