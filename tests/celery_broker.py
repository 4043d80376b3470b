"""Point the Celery app at a real (or unreachable) broker for one test, then back to in-process mode."""

import os
from contextlib import contextmanager

from imrf_event.celery import app

_CACHED_ON_AMQP = ("queues", "default_queue", "default_exchange", "router")


def _forget_connections():
    # Celery caches its connection pool, producer pool and queue map from the first use;
    # dropping them makes the next publish read the changed configuration.
    app._pool = None
    amqp = app.amqp
    amqp._producer_pool = None
    for name in _CACHED_ON_AMQP:
        amqp.__dict__.pop(name, None)


@contextmanager
def celery_broker(url: str, *, queue: str = "celery"):
    """Publish tasks to `url` on `queue` instead of running them eagerly."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}
    # Celery reads CELERY_BROKER_URL from the environment before its configuration (CI sets it), so
    # without this an "unreachable" broker would quietly be the real one.
    saved_environment = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
    _forget_connections()
    try:
        yield app
    finally:
        if saved_environment is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_environment
        app.conf.update(saved)
        _forget_connections()
