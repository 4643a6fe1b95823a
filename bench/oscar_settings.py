"""Settings for benchmarking: the project's settings, production-like, plus Oscar's Haystack view.

Both catalogue views are timed under this one module, in one server process:

* DEBUG is off (so Django does not record every query) and the secret key,
  hosts and plain HTTP on loopback are set the way a benchmark needs them;
* Haystack uses Whoosh, as Oscar's sandbox does, with the index in
  ``BENCH_WHOOSH_PATH`` (a temporary directory chosen by bench/catalogue.py);
* our fork of the search app (``shop.search``) replaced ``oscar.apps.search``,
  so Haystack would not find Oscar's ``ProductIndex``. ``OscarProductIndexApp``
  registers Oscar's unmodified search package again under another label,
  purely so Haystack's index discovery imports its ``search_indexes`` module.
"""

import os
import tempfile
from pathlib import Path

from django.apps import AppConfig

os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
if "FIELD_ENCRYPTION_KEY" not in os.environ:  # a throwaway key; the server process inherits it
    from cryptography.fernet import Fernet

    os.environ["FIELD_ENCRYPTION_KEY"] = Fernet.generate_key().decode()

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS, STORAGES


class OscarProductIndexApp(AppConfig):
    name = "oscar.apps.search"
    label = "oscar_search_index"
    verbose_name = "Oscar's search indexes (benchmark only)"


INSTALLED_APPS = [*INSTALLED_APPS, "bench.oscar_settings.OscarProductIndexApp"]

ROOT_URLCONF = "bench.oscar_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False  # plain HTTP on loopback; no TLS proxy in front

# DEBUG off switches static files to the manifest storage, which needs
# collectstatic first; both pages only build static URLs, so keep the plain one.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": "haystack.backends.whoosh_backend.WhooshEngine",
        "PATH": os.environ.get("BENCH_WHOOSH_PATH")
        or str(Path(tempfile.gettempdir()) / "taibao-bench-whoosh"),
    }
}
