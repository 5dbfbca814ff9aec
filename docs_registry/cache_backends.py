"""The cache backends settings.cache_settings names: Django's own, with keys
checked at once (KeysCheckedAtOnce), and Django's RedisCache made safe to lose.

ResilientRedisCache: when Redis cannot be reached (at start or mid-run), each
operation answers as an empty cache would, so pages are read from the database
(slower, never an error). The failure is logged at most once a minute; after it,
Redis is left alone for RETRY_AFTER seconds (OPTIONS, default 1) so that a Redis
that hangs costs one short socket timeout now and then rather than one per read.
It is used again as soon as it answers."""

from __future__ import annotations

import logging
import re
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOG_EVERY = 60.0

# A key no cache warns about: at most 250 characters, none a space or a control
# character (Django's memcache_key_warnings). Its printable ASCII subset is what
# caching.cache_key makes.
_PLAIN_KEY = re.compile(r"[!-~]{1,250}")


class KeysCheckedAtOnce:
    """Django checks every key a character at a time, in Python: 4 µs a key, and a
    digest worked out afresh reads and keeps about 70 values. A plain key passes
    one regular expression; any other is checked, and warned about, as before."""

    def validate_key(self, key):
        if _PLAIN_KEY.fullmatch(key) is None:
            super().validate_key(key)


class QuickLocMemCache(KeysCheckedAtOnce, LocMemCache):
    pass


class QuickDummyCache(KeysCheckedAtOnce, DummyCache):
    pass


class ResilientRedisCache(KeysCheckedAtOnce, RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 1.0))
        super().__init__(server, {**params, "OPTIONS": options})
        self._resting_until = 0.0
        self._logged_at = -LOG_EVERY

    def _guarded(self, fallback, operation, *args, **kwargs):
        if time.monotonic() < self._resting_until:
            return fallback
        try:
            return operation(*args, **kwargs)
        except (RedisError, OSError) as error:
            now = time.monotonic()
            self._resting_until = now + self.retry_after
            if now - self._logged_at >= LOG_EVERY:
                self._logged_at = now
                logger.warning(
                    "The cache at %s cannot be reached (%s): pages are read from "
                    "the database until it answers again.",
                    self._servers[0],
                    error,
                )
            return fallback

    def get(self, key, default=None, version=None):
        return self._guarded(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._guarded(None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded(False, super().clear)
