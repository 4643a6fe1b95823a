"""The work team's permissions on the farmers app: what the ``assistance_team`` group holds."""

from django.contrib.auth.models import Group, Permission

from farmers.models import WORK_TEAM_GROUP

WORK_TEAM_PERMISSIONS = {
    "household": ["view", "add", "change"],
    "monitoringperiod": ["view", "add", "change"],
    "membership": ["view", "add", "delete"],
    "seller": ["view"],
    "village": ["view"],
    "attribution": ["view"],
    "attributionshortfall": ["view", "change"],
}


def work_team_permissions_grant() -> None:
    """Create the work team group (if missing) and give it the permissions above."""
    codenames = [
        f"{action}_{model}"
        for model, actions in WORK_TEAM_PERMISSIONS.items()
        for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="farmers", codename__in=[*codenames, "reveal_personal_data"]
    )
    team, _ = Group.objects.get_or_create(name=WORK_TEAM_GROUP)
    team.permissions.add(*permissions)
