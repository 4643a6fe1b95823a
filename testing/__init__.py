"""Support for the tests, benchmarks and load harness: never imported by the product.

- ``testing.ports``: free ports and waiting for a listener;
- ``testing.mailbox``: a real SMTP server (aiosmtpd) that keeps and counts what it receives;
- ``testing.processes``: a redis-server and Celery workers of a test's or a run's own;
- ``testing.fake_stripe``: the Stripe API (and a Stripe.js stand-in) over real HTTP;
- ``testing.factories``: factory_boy factories of the supply side.
"""
