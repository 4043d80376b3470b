"""Messages from a meeting's organisers to its registrants, the follow-up after the meeting among them."""
