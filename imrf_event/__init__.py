"""Django project that wires the agenda and registration apps together."""

from .celery import app as celery_app

__all__ = ("celery_app",)
