from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from shop.models import Enterprise
from shop.statements.models import Statement


def enterprise_statements(*, enterprise: Enterprise) -> QuerySet:
    return Statement.objects.filter(enterprise=enterprise)


def enterprise_statement(*, enterprise: Enterprise, pk: int) -> Statement:
    """Another enterprise's statement is a 404."""
    return get_object_or_404(Statement, enterprise=enterprise, pk=pk)


def statement_by_code(*, code: str) -> Statement | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return Statement.objects.filter(verification_code=code).select_related("enterprise").first()
