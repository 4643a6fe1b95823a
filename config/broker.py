"""Kombu's Redis transport, with one fault closed: a worker must outlive a Redis restart.

When Redis goes away under a worker, Celery's consumer closes its broker
connection, and may close it again while re-establishing it. The second
close finds the channel's transport already detached from its connection
(``connection.client`` is None): kombu's Redis channel then raises
AttributeError while restoring unacknowledged messages, which kombu's
cleanup does not expect, and the worker stops with "Unrecoverable error"
(seen in the fault harness, once in a few Redis restarts). Here that case
is the connection error it really is, which kombu's cleanup ignores; the
consumer then reconnects as usual, and the messages left unacknowledged
come back after the visibility timeout (the outbox relay sends any the
restart lost).
"""

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise RedisConnectionError("the broker connection is closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
