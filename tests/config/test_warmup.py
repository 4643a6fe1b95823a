"""Gunicorn's master warms the application before forking: checked in a fresh interpreter.

The interpreter's database is a closed port, so any query during the warm-up fails it:
the master must hold no connection its workers would inherit.
"""

import json
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, runpy, types, django
django.setup()
from django.db import connections
from django.template import base, engines
from django.urls import get_resolver
from config.warmup import template_names

# gunicorn's master calls this hook once the application is loaded, before it forks
logged = []
server = types.SimpleNamespace(
    cfg=types.SimpleNamespace(preload_app=True),
    log=types.SimpleNamespace(info=lambda message, *args: logged.append(args)),
)
runpy.run_path("config/gunicorn.conf.py")["when_ready"](server)
(report,) = logged[0]
frozen = gc.get_freeze_count()
engine = engines["django"].engine
cached = set(engine.template_loaders[0].get_template_cache)
compiled_after = []
original = base.Template.compile_nodelist
def counting(self):
    compiled_after.append(self.name)
    return original(self)
base.Template.compile_nodelist = counting
for name in ["oscar/basket/basket.html", "oscar/catalogue/browse.html",
             "oscar/checkout/shipping_address.html", "shop/quick_order.html"]:
    engine.get_template(name)

def unfilled(resolver):
    found = [] if resolver._populated else [str(resolver.pattern)]
    for _prefix, sub in resolver.namespace_dict.values():
        found += unfilled(sub)
    return found

print(json.dumps({
    "report": report,
    "not_cached": [n for n in template_names() if n not in cached],
    "compiled_after": compiled_after,
    "resolvers_unfilled": unfilled(get_resolver()),
    "connections_open": [c.alias for c in connections.all() if c.connection is not None],
    "frozen": frozen,
}))
"""


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_warm_up_compiles_every_template_and_fills_every_resolver_without_the_database():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{closed_port()}/nowhere",
        "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
    }
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    found = json.loads(probe.stdout.strip().splitlines()[-1])

    assert found["report"]["templates"] > 300  # Oscar's, the dashboard's and ours
    # the one template that cannot compile is django-filter's form for a library not installed
    assert [name.split(":")[0] for name in found["not_cached"]] == [
        "django_filters/rest_framework/crispy_form.html"
    ]
    assert found["report"]["templates_failed"] == 1
    assert found["compiled_after"] == []  # the hot pages' templates come from the cache
    assert found["resolvers_unfilled"] == []
    assert found["report"]["routes"] > 500
    assert found["connections_open"] == []
    # what the master built is out of the workers' collections (config/gunicorn.conf.py)
    assert found["frozen"] > 100_000
