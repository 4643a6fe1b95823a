"""Load and fault harnesses: the production processes on 127.0.0.1 under simulated users.

``python -m loadtest.run`` (``make loadtest`` / ``make faulttest``) builds its own
PostgreSQL database, starts its own redis-server, gunicorn, Celery worker and
beat, an SMTP sink and a fake Stripe API, drives buyers, sellers and the work
team over HTTP for a fixed time, waits for the queues to drain and checks the
invariants of DESIGN.md. Its last line is JSON.
"""
