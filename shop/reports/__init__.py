"""The work team's reports about buyers: sales per enterprise and pairing pledges.

They sum farmers' attribution ledger by what only the shop knows (the order's
enterprise, its pairing agreements) and are added to the team's dashboard
through farmers' registries (:func:`register`, called from ``ShopConfig.ready``):
farmers serves them without knowing of enterprises.
"""


def register() -> None:
    """Add sales per enterprise and the pledges page and export to the team's dashboard."""
    from farmers.reports.exports import report_table_register
    from farmers.reports.sales import dimension_register
    from farmers.team_dashboard.pages import TeamPage, team_page_register
    from shop.reports.exports import PLEDGES
    from shop.reports.sales import ENTERPRISE
    from shop.reports.views import PledgesView

    dimension_register(ENTERPRISE)
    report_table_register(PLEDGES)
    team_page_register(TeamPage("pledges/", PledgesView.as_view(), "team-pledges"))
