"""Gunicorn settings for the `web` process (Procfile), all from the environment.

PORT (8000) and GUNICORN_BIND_HOST (127.0.0.1: behind a proxy on the same
host; 0.0.0.0 when the proxy is on another host) make the address;
WEB_CONCURRENCY worker processes of GUNICORN_THREADS threads each serve it.
"""

import gc
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = f"{os.environ.get('GUNICORN_BIND_HOST', '127.0.0.1')}:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", 2)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
# A request still running after this long is killed with its worker; the
# database statement and Stripe timeouts stay well below it.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle each worker after about this many requests (the jitter spreads the
# restarts) so a slow leak never grows without bound; 0 turns it off.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Access log on standard output ("-") unless GUNICORN_ACCESS_LOG names a file
# or is empty (off); errors on standard error.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# The access line ends with the request id the application answered with (X-Request-ID),
# the same id its own log lines for that request carry.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The proxy in front sets X-Forwarded-Proto; trust it only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Load the application before forking: workers share its memory, and a broken
# release fails at start instead of in every worker.
preload_app = True
# Gunicorn 24+ opens a control socket at one fixed path per user; a second server on the
# same machine (another port, a load test) would take it over. Nothing here uses it.
control_socket_disable = True


def when_ready(server):
    """Warm the preloaded application before the first worker is forked (config/warmup.py)."""
    if not server.cfg.preload_app:
        return  # each worker loads the application itself: nothing here to share
    from django.db import connections

    from config.warmup import warm_up

    server.log.info("Warmed up before forking: %s", warm_up())
    connections.close_all()  # a connection the workers would inherit is never shared
    # Everything the master built (about 300,000 objects) goes to the collector's permanent
    # generation, so a worker's collections walk only what the worker made itself. A recycled
    # worker's last collection walked the whole inherited heap, copying every shared page it
    # touched, while the master waited to fork its replacement: the request after a recycle
    # waited about 1 s more than others, now about 0.12 s (bench/worker_recycle.py). A full
    # collection during requests, every few hundred of them, fell from about 240 ms to 35
    # (a one-off count with gc.callbacks). Collected first, so no garbage is frozen.
    gc.collect()
    gc.freeze()
