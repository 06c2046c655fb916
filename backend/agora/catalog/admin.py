from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import FileResponse, Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from agora.catalog import errors, selectors, services
from agora.catalog.attributes import SEPARATOR, attribute_key
from agora.catalog.models import AttributeDefinition, Category, ImportJob, Product, ProductImage, Variant
from agora.catalog.services.attributes import KEY_HAS_COLON, KEY_REQUIRED
from agora.catalog.services.categories import CYCLE, moves_under_itself
from agora.catalog.services.images import clean_image
from agora.core.admin import bulk_action
from agora.core.errors import DomainError, ValidationFailed
from agora.core.tasks_util import enqueue_on_commit


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "slug", "parent", "position"]

    def clean_parent(self):
        # category_save checks it again on the locked rows; here it is an error next to the field.
        parent = self.cleaned_data.get("parent")
        category = self.instance
        if (
            parent is not None
            and category.pk
            and moves_under_itself(
                category_pk=category.pk, category_path=category.path, parent_pk=parent.pk, parent_path=parent.path
            )
        ):
            raise forms.ValidationError(CYCLE)
        return parent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = ["tree_name", "slug", "parent", "position", "product_count"]
    search_fields = ["name", "slug", "path"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]  # the parent column, without a query per row
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["path"]
    autocomplete_fields = ["parent"]
    ordering = ["path"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_products=Count("products"))

    @admin.display(description="category", ordering="path")
    def tree_name(self, obj) -> str:
        return obj.path.replace("/", " / ")

    @admin.display(description="products", ordering="_products")
    def product_count(self, obj) -> int:
        return obj._products

    def save_model(self, request, obj, form, change):
        # Keeps the materialised paths of the subtree in step and re-indexes its products.
        services.category_save(category=obj)

    def delete_model(self, request, obj):
        # Renews the cached storefront tree (a plain delete left it there until the cache expired).
        services.category_delete(category=obj)

    def delete_queryset(self, request, queryset):
        for category in queryset.order_by("-path"):  # a subcategory before its parent
            try:
                services.category_delete(category=category)
            except ValidationFailed as exc:  # it got products or subcategories meanwhile
                self.message_user(request, f"{category}: {exc.message}", messages.ERROR)

    def delete_view(self, request, object_id, extra_context=None):
        # Products or subcategories added after the confirmation page protect it: nothing is deleted.
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationFailed as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A move the form let through but the locked rows refuse (another staff member moved the
        # parent under this category meanwhile): nothing is saved, and the page says why.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationFailed as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class VariantInlineFormSet(BaseInlineFormSet):
    """SKUs are unique per vendor (case-insensitive). The inline has no vendor field, so Django
    skips that constraint: the formset checks it, so a clash is an error next to the SKU, not a
    database error on save."""

    def clean(self):
        super().clean()
        rows = [
            (form, form.cleaned_data["sku"].upper())
            for form in self.forms
            if form.cleaned_data.get("sku") and not form.cleaned_data.get("DELETE")
        ]
        vendor_id = self.instance.vendor_id
        holders = (
            selectors.vendor_variants_with_skus(vendor_id=vendor_id, skus=[s for _, s in rows]) if vendor_id else []
        )
        seen: set[str] = set()
        for form, sku in rows:
            if sku in seen:
                form.add_error("sku", errors.SKU_REPEATED)
            # Any other row holding it clashes: rows staff delete here are removed after the save.
            elif any(pk != form.instance.pk and held == sku for pk, held in holders):
                form.add_error("sku", errors.SKU_TAKEN_BY_VENDOR)
            seen.add(sku)


STOCK_HELP = "A new variant's starting stock. After that the vendor changes it (portal, API or CSV import)."


class VariantInlineForm(forms.ModelForm):
    """An existing variant's stock is shown, not edited: sales, cancellations, returns and the
    vendor's own edits move it while the page is open, and saving back the number the page was
    rendered with would undo them. Vendors change stock in the portal, the API or a CSV import;
    staff type a new variant's starting stock here."""

    class Meta:
        model = Variant
        fields = ["sku", "name", "price", "currency", "stock", "is_active", "position"]
        help_texts = {"stock": STOCK_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["stock"].disabled = True


class VariantInline(admin.TabularInline):
    model = Variant
    form = VariantInlineForm
    formset = VariantInlineFormSet
    extra = 0
    fields = ["sku", "name", "price", "currency", "stock", "is_active", "position"]


class ProductImageForm(forms.ModelForm):
    class Meta:
        model = ProductImage
        fields = ["image", "alt", "position"]

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            try:
                data, ext, _, _ = clean_image(upload)
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from None
            return ContentFile(data, name=f"upload.{ext}")
        return upload


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    form = ProductImageForm
    extra = 0
    fields = ["preview", "image", "alt", "position"]
    readonly_fields = ["preview"]

    @admin.display(description="thumbnail")
    def preview(self, obj):
        name = obj.thumbnail.name or obj.image.name if obj.pk else ""
        return format_html('<img src="{}" style="max-height:64px">', obj.image.storage.url(name)) if name else "—"


class ReasonActionForm(ActionForm):
    reason = forms.CharField(required=False, label="Rejection reason", max_length=2000)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor", "category", "status", "price_min", "in_stock", "created_at"]
    list_filter = ["status", "in_stock", "vendor__status", ("vendor", admin.RelatedOnlyFieldListFilter), "category"]
    list_select_related = ["vendor", "category"]
    search_fields = ["name", "slug", "vendor__name", "variants__sku"]
    readonly_fields = [
        "status",
        "rejection_reason",
        "price_min",
        "currency",
        "in_stock",
        "units_sold_30d",
        "rating_average",
        "rating_count",
        "approved_at",
        "created_at",
        "updated_at",
    ]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["vendor", "category"]
    inlines = [VariantInline, ProductImageInline]
    actions = ["approve", "reject", "archive"]
    action_form = ReasonActionForm
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False  # counting 100k rows on every page view is wasted work

    @admin.action(description="Approve selected products (list and index them)", permissions=["change"])
    def approve(self, request, queryset):
        bulk_action(
            self, request, queryset, lambda p: services.product_approve(product=p), noun="product", verb="approved"
        )

    @admin.action(
        description="Reject selected products (with the reason typed next to the action)", permissions=["change"]
    )
    def reject(self, request, queryset):
        reason = (request.POST.get("reason") or "").strip()
        if not reason:
            self.message_user(request, "Type a rejection reason: the vendor sees it.", messages.ERROR)
            return
        bulk_action(
            self,
            request,
            queryset,
            lambda p: services.product_reject(product=p, reason=reason),
            noun="product",
            verb="rejected",
        )

    @admin.action(description="Archive selected products (off the storefront)", permissions=["change"])
    def archive(self, request, queryset):
        bulk_action(
            self, request, queryset, lambda p: services.product_archive(product=p), noun="product", verb="archived"
        )

    def delete_model(self, request, obj):
        # Through the service: the storefront cache and search drop it at once (archived instead
        # when orders refer to it).
        services.product_delete(product=obj)

    def delete_queryset(self, request, queryset):
        for product in queryset.order_by("pk"):
            services.product_delete(product=product)

    def get_readonly_fields(self, request, obj=None):
        # A product stays with the vendor it was created for. Its variants carry that vendor (their
        # SKUs are unique per vendor), and checkout, commission and the ledger follow a variant's
        # vendor, while past sub-orders, payouts and reviews stay with the old one: re-homing a
        # product is not an edit, so the vendor is chosen once, when staff add the product.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "vendor"] if obj is not None else fields

    def save_formset(self, request, form, formset, change):
        if formset.model is not Variant:
            return super().save_formset(request, form, formset, change)
        # Only what staff changed is written (never an existing variant's stock): see
        # services.variants_staff_save.
        formset.save(commit=False)
        services.variants_staff_save(
            product=form.instance,
            changes={
                variant.pk: {field: getattr(variant, field) for field in changed}
                for variant, changed in formset.changed_objects
            },
            new=formset.new_objects,
            removed=[variant.pk for variant in formset.deleted_objects],
        )
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        product = form.instance
        # Summary, search and cache in step with whatever staff changed here.
        services.products_refresh_summary(product_ids=[product.pk])
        from agora.catalog.tasks import image_thumbnails

        for image_id in product.images.filter(thumbnail="").values_list("pk", flat=True):
            enqueue_on_commit(image_thumbnails, image_id)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "vendor",
        "status",
        "total_rows",
        "processed_rows",
        "created",
        "updated",
        "error_count",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", ("vendor", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["vendor__name", "vendor__slug", "created_by__email"]
    list_select_related = ["vendor"]
    # The uploaded file lives in private storage, which has no URL (agora.core.storage): the page
    # shows its name with a link to download_view instead of the link Django would build.
    readonly_fields = ["file_download" if f.name == "file" else f.name for f in ImportJob._meta.fields]
    fields = list(readonly_fields)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="file")
    def file_download(self, obj) -> str:
        if not obj.file:
            return "—"
        url = reverse("admin:catalog_importjob_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.file.name)

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="catalog_importjob_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk: int):
        """The vendor's uploaded CSV, for staff who may see the job (read from private storage)."""
        job = self.get_object(request, str(pk))
        if job is None or not job.file:
            raise Http404
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
        response["Cache-Control"] = "no-store"
        return response


class AttributeDefinitionForm(forms.ModelForm):
    class Meta:
        model = AttributeDefinition
        fields = ["key", "name", "filterable", "position"]

    def clean_key(self) -> str:
        # Normalised here so the unique check (and the error next to the field) sees the stored form.
        key = attribute_key(self.cleaned_data.get("key") or "")
        if not key:
            raise forms.ValidationError(KEY_REQUIRED)
        if ":" in key or SEPARATOR in key:
            raise forms.ValidationError(KEY_HAS_COLON)
        return key


@admin.register(AttributeDefinition)
class AttributeDefinitionAdmin(admin.ModelAdmin):
    """Names products' attribute keys and marks the ones search offers as facets (filterable)."""

    form = AttributeDefinitionForm
    list_display = ["key", "name", "filterable", "position"]
    list_editable = ["name", "filterable", "position"]
    list_filter = ["filterable"]
    search_fields = ["key", "name"]
    change_list_template = "admin/catalog/attributedefinition/change_list.html"

    def save_model(self, request, obj, form, change):
        services.attribute_definition_save(definition=obj)

    def delete_model(self, request, obj):
        services.attribute_definition_delete(definition=obj)

    def delete_queryset(self, request, queryset):
        for definition in queryset.order_by("pk"):
            services.attribute_definition_delete(definition=definition)

    def get_urls(self):
        return [
            path(
                "discover/",
                self.admin_site.admin_view(self.discover_view),
                name="catalog_attributedefinition_discover",
            ),
            *super().get_urls(),
        ]

    def discover_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        created = services.attribute_definitions_discover()
        if created:
            names = ", ".join(d.key for d in created[:20])
            self.message_user(
                request, f"{len(created)} attribute key(s) found: {names}. Tick the filterable ones.", messages.SUCCESS
            )
        else:
            self.message_user(request, "Every attribute key products use has a definition already.", messages.INFO)
        return HttpResponseRedirect(reverse("admin:catalog_attributedefinition_changelist"))
