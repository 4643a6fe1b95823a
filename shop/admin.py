from django.contrib import admin

from shop.models import Enterprise, EnterpriseMember, PairingAgreement


class EnterpriseMemberInline(admin.TabularInline):
    model = EnterpriseMember
    extra = 0
    raw_id_fields = ["user"]


class PairingAgreementInline(admin.TabularInline):
    model = PairingAgreement
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc"]
    search_fields = ["name", "uscc"]
    inlines = [EnterpriseMemberInline, PairingAgreementInline]
