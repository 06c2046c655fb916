"""Staff's review queue: pending reviews (held ones flagged), publish or reject with a reason.

Everything a shopper or a vendor wrote is read-only here: staff decide, they do not edit words
that are signed with someone's name.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.html import format_html, format_html_join

from agora.core.errors import DomainError
from agora.reviews import services
from agora.reviews.models import Review, ReviewPhoto


class ReasonActionForm(ActionForm):
    reason = forms.CharField(required=False, label="Rejection reason", max_length=500)


class HeldFilter(admin.SimpleListFilter):
    title = "held by screening"
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("yes", "Held (link or held word)"), ("no", "Not held")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(hold_reasons=[])
        if self.value() == "no":
            return queryset.filter(hold_reasons=[])
        return queryset


class ReviewPhotoInline(admin.TabularInline):
    model = ReviewPhoto
    extra = 0
    can_delete = False
    fields = ["preview", "width", "height"]
    readonly_fields = ["preview", "width", "height"]

    @admin.display(description="photo")
    def preview(self, photo: ReviewPhoto) -> str:
        url = (photo.thumbnail or photo.image).url if (photo.thumbnail or photo.image) else ""
        return format_html('<img src="{}" alt="" style="max-height:120px">', url) if url else "-"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _bulk(modeladmin, request, queryset, verb: str, call) -> None:
    done, skipped = 0, []
    for review in queryset.order_by("pk"):
        try:
            call(review)
            done += 1
        except DomainError:
            skipped.append(f"#{review.pk} ({review.status})")
    if done:
        modeladmin.message_user(request, f"{done} review(s) {verb}.", messages.SUCCESS)
    if skipped:
        modeladmin.message_user(request, f"Skipped, cannot be {verb}: {', '.join(skipped[:20])}.", messages.WARNING)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "rating", "product", "vendor", "status", "held", "created_at"]
    list_filter = ["status", HeldFilter, "rating", ("vendor", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["product", "vendor"]
    search_fields = ["title", "body", "product__name", "vendor__name"]
    ordering = ["status", "created_at"]
    inlines = [ReviewPhotoInline]
    action_form = ReasonActionForm
    actions = ["approve", "reject"]
    fields = (
        "status",
        "held_because",
        "rating",
        "title",
        "body",
        "product",
        "vendor",
        "variant_name",
        "user",
        "order_line",
        "rejection_reason",
        "moderated_by",
        "moderated_at",
        "published_at",
        "reply",
        "replied_at",
        "created_at",
        "edited_at",
    )
    readonly_fields = (*fields, "author")

    # Moderating reviews is not reading accounts: the author is their account number, and their
    # email (shown, searchable) only to staff who may see accounts.
    def _sees_accounts(self, request) -> bool:
        return request.user.has_perm("accounts.view_user")

    def get_fields(self, request, obj=None):
        if self._sees_accounts(request):
            return self.fields
        return tuple("author" if name == "user" else name for name in self.fields)

    def get_search_fields(self, request):
        return [*self.search_fields, "user__email"] if self._sees_accounts(request) else self.search_fields

    @admin.display(description="author")
    def author(self, review: Review) -> str:
        return f"account #{review.user_id}" if review.user_id else "-"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # rejecting takes it out of the ratings; deleting is the author's right

    @admin.display(boolean=True, description="held")
    def held(self, review: Review) -> bool:
        return bool(review.hold_reasons)

    @admin.display(description="held because")
    def held_because(self, review: Review) -> str:
        labels = {"link": "it contains a link", "word": "it contains a held word (REVIEWS_HOLD_WORDS)"}
        if not review.hold_reasons:
            return "-"
        return format_html_join(", ", "{}", ((labels.get(r, r),) for r in review.hold_reasons))

    @admin.action(description="Publish selected reviews (they count in the ratings)", permissions=["change"])
    def approve(self, request, queryset):
        _bulk(self, request, queryset, "published", lambda r: services.review_approve(review=r, staff=request.user))

    @admin.action(
        description="Reject selected reviews (with the reason typed next to the action)", permissions=["change"]
    )
    def reject(self, request, queryset):
        reason = (request.POST.get("reason") or "").strip()
        if not reason:
            self.message_user(request, "Type a rejection reason: the author sees it.", messages.ERROR)
            return
        _bulk(
            self,
            request,
            queryset,
            "rejected",
            lambda r: services.review_reject(review=r, staff=request.user, reason=reason),
        )
