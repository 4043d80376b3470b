"""The meeting's documents: the list of participants, the attendance paragraph and certificates of participation."""
