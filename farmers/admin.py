from django.contrib import admin

from farmers.models import Household, Membership, MonitoringPeriod, Seller, Town, Village


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


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "village", "low_stock_threshold"]
    list_select_related = ["partner", "village"]
    inlines = [MembershipInline]
