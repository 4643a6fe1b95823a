class PermanentError(Exception):
    """An expected refusal that retrying cannot fix (bad input, a rule of the domain).

    The one base of the project's domain refusals (farmers' ``SupplyError``, the
    shop's ``PaymentRefused``, ``EnterpriseRefused``, …): its message says why,
    nothing was changed, and the Celery task base (``config.celery_app``) does
    not retry it.
    """
