from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from farmers.models import (
    Household,
    Membership,
    MonitoringPeriod,
    PersonalDataReveal,
    Seller,
    Town,
    Village,
)


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["name", "county"]
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "town"]
    list_filter = ["town", "kind"]
    search_fields = ["name"]


class MonitoringPeriodInline(admin.TabularInline):
    model = MonitoringPeriod
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["household"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["code", "head_name", "village", "members_count", "is_leader"]
    list_filter = ["village", "is_leader", "monitoring_periods__category"]
    list_select_related = ["village"]
    search_fields = ["code", "head_name", "industries"]
    inlines = [MonitoringPeriodInline]
    # Personal data only masked here; it is set and revealed (audited) in the
    # household register (/dashboard/households/), never in the admin.
    readonly_fields = ["id_number_display", "phone_display"]

    @admin.display(description=_("ID number"))
    def id_number_display(self, household: Household) -> str:
        return household.id_number_masked or "—"

    @admin.display(description=_("Phone"))
    def phone_display(self, household: Household) -> str:
        return household.phone_masked or "—"


@admin.register(PersonalDataReveal)
class PersonalDataRevealAdmin(admin.ModelAdmin):
    """The audit log of reveals: read only."""

    list_display = ["revealed_at", "revealed_by", "household", "field", "reason"]
    list_filter = ["field"]
    list_select_related = ["revealed_by", "household"]
    search_fields = ["household__code", "reason", "revealed_by__email"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "village", "low_stock_threshold"]
    list_select_related = ["partner", "village"]
    inlines = [MembershipInline]
