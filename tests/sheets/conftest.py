from tests.farmers.conftest import supply  # noqa: F401  (a seller with member households)
