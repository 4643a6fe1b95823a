import oscar.apps.partner.apps as apps


class PartnerConfig(apps.PartnerConfig):
    """Oscar's partner app; forked only for the pricing strategy (strategy.py)."""

    name = "shop.partner"
