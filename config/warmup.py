"""Do once in gunicorn's master what every new worker would otherwise do on its first requests.

A worker starts cold: the URLconf (and with it every view module) is imported on
its first request, each template is compiled on its first use, each language's
catalogue is read on its first activation. On this stack that is about two
seconds of CPU, spent while requests wait; and since gunicorn recycles workers
after ``max_requests``, evenly loaded workers go cold again at about the same
time, in the middle of the traffic. Done in the master before it forks, the
workers (and every replacement) start with all of it in memory they share.

Nothing here touches the database or the cache: the master must not hold a
connection that its children would inherit.
"""

import logging
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template import TemplateSyntaxError, engines
from django.urls import URLResolver, get_resolver
from django.utils import translation
from oscar.templatetags.currency_filters import currency

logger = logging.getLogger(__name__)


def template_names() -> list[str]:
    """Every template the Django engine can find (the project's first, as the loaders look)."""
    engine = engines["django"].engine
    names: dict[str, None] = {}
    for loader in engine.template_loaders:
        for source in getattr(loader, "loaders", [loader]):
            for directory in map(Path, source.get_dirs()):
                for path in sorted(directory.rglob("*.html")):
                    names.setdefault(path.relative_to(directory).as_posix())
    return list(names)


def templates_compile() -> tuple[int, list[str]]:
    """Compile every template into the cached loader; returns (compiled, names that failed)."""
    engine = engines["django"].engine
    compiled, failed = 0, []
    for name in template_names():
        try:
            engine.get_template(name)
        except (TemplateSyntaxError, LookupError, ImportError) as error:
            # a template some app ships for a library this project does not install: it
            # fails here as it would on its first use, which never comes
            failed.append(f"{name}: {error}")
        else:
            compiled += 1
    return compiled, failed


def resolvers_fill(resolver: URLResolver) -> int:
    """Fill the reverse lookups of a resolver and of every namespace under it (each fills
    its own on the first ``reverse`` into it); returns the number of names."""
    names = len(resolver.reverse_dict)  # filling the root imports the URLconf and every view
    for _prefix, namespaced in resolver.namespace_dict.values():
        names += resolvers_fill(namespaced)
    return names


def money_formats_load() -> None:
    """Babel reads a language's number formats on its first price; the manifest of hashed
    static names is read on the first static URL."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            currency(Decimal("1234.50"), settings.OSCAR_DEFAULT_CURRENCY)
    staticfiles_storage.base_url  # noqa: B018 - a lazy object: this builds the storage


def warm_up() -> dict[str, float | int]:
    """URLconf and views, templates, translations and number formats; returns what it did and how long."""
    started = time.perf_counter()
    routes = resolvers_fill(get_resolver())
    urls_done = time.perf_counter()
    compiled, failed = templates_compile()
    for name in failed:
        logger.debug("template not compiled: %s", name)
    templates_done = time.perf_counter()
    money_formats_load()
    return {
        "routes": routes,
        "urls_s": round(urls_done - started, 3),
        "templates": compiled,
        "templates_failed": len(failed),
        "templates_s": round(templates_done - urls_done, 3),
        "total_s": round(time.perf_counter() - started, 3),
    }
