from tests.farmers.conftest import ours  # noqa: F401  (a seller's staff with a lot)
from tests.shop.conftest import buyer, enterprise  # noqa: F401  (an enterprise buyer)
