"""Tests of the messages to registrants."""
