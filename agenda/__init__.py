"""The meeting, its schedule, the IMRF session grid, roundtables and GCM objectives."""
