"""gunicorn settings for the web process, tuned by the environment (see docs/deploy.md)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Django views are synchronous and mostly wait on PostgreSQL: a few threads per process
# keep the cores busy while a request waits, without the memory of more processes.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow for the whole registration period.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = 5000
# Trust X-Forwarded-* only from the proxy in front (loopback by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Access log off by default: the manage link's token is in its path (issue: "not in logs");
# errors and Django's structured logs go to stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
preload_app = True
# gunicorn's control socket defaults to one path per user, so two instances on one machine
# (a benchmark beside the site, say) would collide; nothing here uses it.
control_socket_disable = True
