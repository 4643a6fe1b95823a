"""The module graph runs one way (docs/architecture.md, "Dependency rules").

``config`` → ``shop`` / ``catalog`` → ``farmers`` → ``outbox`` / ``money`` /
``security`` / ``texts``, with ``demo`` above the product and ``tests``,
``bench``, ``loadtest`` and ``testing`` above everything. A package imports only
its own layer or lower ones; the product never imports the tooling above it.

Imports are not the only way to depend on an app: a model string
(``get_model("shop", "Enterprise")``, ``"shop.PairingAgreement"``) or an ORM path
(``line__order__enterprise``) reaches another app's models just as well. Below
the shop, none may name a model of the shop or the catalogue, nor follow a
relation into one, nor read a field that the shop's forks add to Oscar's models.
"""

import ast
import functools
import re
from pathlib import Path

import pytest
from django.apps import apps
from oscar.core.application import OscarConfig

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. A package may import packages of its own layer and of lower ones.
LAYERS: list[set[str]] = [
    {"money", "outbox", "security", "texts", "sheets"},
    {"farmers"},
    {"shop", "catalog"},
    {"config"},
    {"demo"},
]
PRODUCT = set().union(*LAYERS)
TOOLING = {
    "tests",
    "bench",
    "loadtest",
    "testing",
}  # may import anything; imported by none of the product
LAYER_OF = {package: index for index, layer in enumerate(LAYERS) for package in layer}

# Packages that must not name the shop's or the catalogue's models (their layer is below them).
BELOW_THE_SHOP = {p for p in PRODUCT if LAYER_OF[p] < LAYER_OF["shop"]}
UPPER_APPS = ("shop", "catalog")

ORM_CALLS = {
    "F",
    "Q",
    "Count",
    "Sum",
    "Max",
    "Min",
    "Avg",
    "OuterRef",
    "filter",
    "exclude",
    "get",
    "values",
    "values_list",
    "select_related",
    "prefetch_related",
    "only",
    "defer",
    "order_by",
    "annotate",
    "aggregate",
    "distinct",
}


def product_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None))
            in {"import_module", "import_string", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def import_violations(package: str, tree: ast.AST) -> list[str]:
    """Imports of a package higher up, or of the tooling, from ``package`` (in the product)."""
    wrong = []
    for line, module in imported_modules(tree):
        top = module.split(".")[0]
        if top == package:
            continue
        if top in TOOLING:
            wrong.append(f"{line}: imports {module} (tooling)")
        elif top in LAYER_OF and LAYER_OF[top] > LAYER_OF[package]:
            wrong.append(f"{line}: imports {module} (a layer above {package})")
    return wrong


@functools.cache
def upper_app_labels() -> tuple[set[str], set[str]]:
    """(labels of the shop's and catalogue's own apps, labels of their forks of Oscar's apps)."""
    own, forks = set(), set()
    for config in apps.get_app_configs():
        if config.name.split(".")[0] in UPPER_APPS:
            (forks if isinstance(config, OscarConfig) else own).add(config.label)
    return own, forks


def _oscar_field_names(model) -> set[str]:
    names = set()
    for base in model.__mro__[1:]:
        meta = getattr(base, "_meta", None)
        if meta is not None and meta.abstract and base.__module__.startswith("oscar."):
            names |= {f.name for f in (*meta.local_fields, *meta.local_many_to_many)}
    return names


@functools.cache
def upper_field_names(package: str) -> frozenset[str]:
    """Names that lead into the shop's or the catalogue's own data, as seen from ``package``.

    Relations from other apps' models into their own models (forward, and the
    reverse accessors their models add), and the fields their forks add to
    Oscar's models (``Order.enterprise``, ``Order.payment_status``). A name that
    is also a field of ``package``'s own models (``seller``, ``trace_code``) is
    left out: a path's segments are not typed here, and such a name is read as
    the package's own.
    """
    own, forks = upper_app_labels()
    names = set()
    for model in apps.get_models():
        label = model._meta.app_label
        if label in own:
            continue
        if label in forks and not model.__module__.startswith("oscar."):
            oscar = _oscar_field_names(model)
            names |= {
                f.name
                for f in model._meta.get_fields()
                if f.concrete and not f.primary_key and f.name not in oscar
            }
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is not None:
                if field.related_model._meta.app_label in own:
                    names.add(field.name)  # Order.enterprise; Village.pairings (reverse)
    names -= {
        f.name
        for config in apps.get_app_configs()
        if config.name.split(".")[0] == package
        for model in config.get_models()
        for f in model._meta.get_fields()
    }
    return frozenset(names)


def _segments(path: str) -> list[str]:
    return [re.sub(r"_id$", "", part) for part in path.split("__")]


def model_violations(package: str, tree: ast.AST) -> list[str]:
    """Model strings and ORM paths of the shop's or the catalogue's own data, in ``package``."""
    own, _forks = upper_app_labels()
    fields = upper_field_names(package)
    wrong = []
    model_string = re.compile(rf"^({'|'.join(map(re.escape, sorted(own)))})\.[A-Z]\w*$")
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if model_string.match(node.value):
                wrong.append(f"{node.lineno}: model string {node.value!r}")
            elif "__" in node.value and not node.value.startswith("_"):
                hits = [s for s in _segments(node.value) if s in fields]
                if hits:
                    wrong.append(f"{node.lineno}: ORM path {node.value!r} follows {hits}")
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            first = node.args[0] if node.args else None
            if name == "get_model" and isinstance(first, ast.Constant) and first.value in own:
                wrong.append(f"{node.lineno}: get_model({first.value!r}, …)")
            if name in ORM_CALLS:
                for keyword in node.keywords:
                    if keyword.arg:
                        hits = [s for s in _segments(keyword.arg) if s in fields]
                        if hits:
                            wrong.append(f"{node.lineno}: ORM lookup {keyword.arg}= follows {hits}")
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and arg.value in fields:
                        wrong.append(f"{node.lineno}: ORM field {arg.value!r}")
    return wrong


def _report(problems: dict[Path, list[str]]) -> str:
    return "\n".join(
        f"{path.relative_to(ROOT)}:{problem}"
        for path, found in problems.items()
        for problem in found
    )


def test_the_product_imports_only_its_own_layer_or_lower_ones_and_never_the_tooling():
    problems = {}
    for package in sorted(PRODUCT):
        for path in product_files(package):
            found = import_violations(package, ast.parse(path.read_text(), str(path)))
            if found:
                problems[path] = found
    assert not problems, "imports against the module graph:\n" + _report(problems)


def test_nothing_below_the_shop_names_its_or_the_catalogues_models_or_fields():
    problems = {}
    for package in sorted(BELOW_THE_SHOP):
        for path in product_files(package):
            found = model_violations(package, ast.parse(path.read_text(), str(path)))
            if found:
                problems[path] = found
    assert not problems, "below the shop, references to its data:\n" + _report(problems)


# --- the checks themselves catch what they are for ----------------------------


@pytest.mark.parametrize(
    "source",
    [
        "from shop.models import Enterprise",
        "import catalog.selectors",
        "from config import settings",
        "import_module('shop.reports')",
        "from tests.farmers.test_team_world import build_world",
        "import bench.reports",
        "from loadtest import world",
        "from testing.ports import free_port",
        "from demo import world",
    ],
)
def test_an_import_upwards_or_of_the_tooling_is_caught(source):
    assert import_violations("farmers", ast.parse(source))


def test_imports_of_the_same_layer_or_below_pass():
    tree = ast.parse("import outbox.errors\nfrom money.split import split\nfrom farmers import x")
    assert import_violations("farmers", tree) == []
    assert import_violations("shop", ast.parse("from catalog.models import Product")) == []
    assert import_violations("shop", ast.parse("from tests import factories"))


@pytest.mark.parametrize(
    "source",
    [
        'apps.get_model("shop", "PairingAgreement")',
        'get_model("shop", "Enterprise")',
        'models.ForeignKey("shop.Enterprise", on_delete=models.CASCADE)',
        'rows.values(enterprise=F("line__order__enterprise_id"))',
        "rows.filter(line__order__enterprise_id__isnull=False)",
        'rows.filter(line__order__payment_status="paid")',
        'Max("line__order__enterprise__name")',
        'Dimension("enterprise", "x", "line__order__enterprise_id", None)',
    ],
)
def test_a_model_string_or_orm_path_into_the_shop_is_caught(source):
    assert model_violations("farmers", ast.parse(source))


def test_oscars_own_models_and_fields_pass():
    source = (
        'Line = get_model("order", "Line")\n'
        'rows.filter(line__order__status="Pending").values("line__partner_name", "line__title")\n'
        'Count("line__order_id", distinct=True)\n'
        'rows.values(key=F("household__village_id"))'
    )
    assert model_violations("farmers", ast.parse(source)) == []


# --- access is a permission, never a group's name ----------------------------------

GROUP_NAME_CHECK = re.compile(
    r"groups__name|groups\.filter\(\s*name|Group\.objects\.(?:get|filter|get_or_create)\(\s*name"
)
ROLES_MODULE = ROOT / "shop" / "roles.py"  # where the roles' groups are made


def group_name_checks(source: str) -> list[str]:
    return [
        f"{number}: {line.strip()}"
        for number, line in enumerate(source.splitlines(), start=1)
        if GROUP_NAME_CHECK.search(line)
    ]


def test_the_product_checks_permissions_never_group_names():
    problems = {}
    for package in sorted(PRODUCT):
        for path in product_files(package):
            if path == ROLES_MODULE or "migrations" in path.parts:
                continue
            found = group_name_checks(path.read_text())
            if found:
                problems[path] = found
    assert not problems, "access decided by a group's name:\n" + _report(problems)


@pytest.mark.parametrize(
    "source",
    [
        'User.objects.filter(groups__name="assistance_team")',
        "user.groups.filter(name=WORK_TEAM_GROUP_NAME).exists()",
        'Group.objects.get_or_create(name="assistance_team")',
    ],
)
def test_a_group_name_check_is_caught(source):
    assert group_name_checks(source)
