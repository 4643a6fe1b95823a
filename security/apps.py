from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Login throttling, rate limits, upload limits and response headers."""

    name = "security"
    verbose_name = "Security"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from security import receivers

        user_login_failed.connect(receivers.record_login_failure, dispatch_uid="security-fail")
        user_logged_in.connect(receivers.clear_login_failures, dispatch_uid="security-login")
