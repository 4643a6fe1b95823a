from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Login failure policy (django-axes), rate limits, upload limits and response headers."""

    name = "security"
    verbose_name = "Security"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from security import receivers
        from security.recent_login import login_stamp

        user_logged_in.connect(login_stamp, dispatch_uid="security-login-stamp")
        user_logged_in.connect(receivers.clear_login_failures, dispatch_uid="security-login")
        self._forget_permissions_on_change(receivers.forget_permissions)

    @staticmethod
    def _forget_permissions_on_change(receiver):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission
        from django.db.models.signals import m2m_changed, post_delete, post_save

        user = get_user_model()
        for through in (
            user.groups.through,
            user.user_permissions.through,
            Group.permissions.through,
        ):
            m2m_changed.connect(
                receiver, sender=through, dispatch_uid=f"permissions-{through.__name__}"
            )
        for model in (Group, Permission):
            post_save.connect(
                receiver, sender=model, dispatch_uid=f"permissions-save-{model.__name__}"
            )
            post_delete.connect(
                receiver, sender=model, dispatch_uid=f"permissions-del-{model.__name__}"
            )
