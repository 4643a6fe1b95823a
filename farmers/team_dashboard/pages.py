"""Pages that apps above farmers add to the work team's dashboard.

The team's dashboard is farmers' own; a page about buyers (the shop's pairing
pledges) is registered here from the shop's ``ready()`` and mounted under the
same namespace and permissions as the team's other pages, so farmers needs no
code of the shop to serve it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TeamPage:
    route: str  # under /dashboard/team/, e.g. "pledges/"
    view: Callable  # a view function (``View.as_view()``)
    name: str  # the URL name in the team-dashboard namespace
    permissions: tuple[str, ...] = ()  # needed beyond the team's pages' own


PAGES: dict[str, TeamPage] = {}


def team_page_register(page: TeamPage) -> None:
    """Mount a page among the team's pages (once, in the registering app's ``ready()``)."""
    PAGES[page.name] = page
