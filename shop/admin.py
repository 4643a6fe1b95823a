from django.contrib import admin

from shop.models import Enterprise, EnterpriseMember, NotificationRecord, PairingAgreement


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


@admin.register(NotificationRecord)
class NotificationRecordAdmin(admin.ModelAdmin):
    """Notices sent; filter on "e-mail outcome unknown" for those a worker left unconfirmed."""

    list_display = ["code", "recipient", "message", "emailed", "email_pending", "sent_at"]
    list_filter = ["email_pending", "emailed", "code"]
    raw_id_fields = ["recipient", "message"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
