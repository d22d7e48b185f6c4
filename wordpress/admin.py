from django.contrib import admin

from newsroom.forms import CleanTextModelForm

from .models import ImportedAuthor, ImportedPost


@admin.register(ImportedPost)
class ImportedPostAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["wp_id", "post_type", "site", "article", "image", "imported_at"]
    list_filter = ["post_type", "site"]
    list_select_related = ["article", "image"]
    search_fields = ["old_address", "article__headline"]
    raw_id_fields = ["article", "image"]


@admin.register(ImportedAuthor)
class ImportedAuthorAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["login", "site", "contributor"]
    list_select_related = ["contributor"]
    search_fields = ["login", "contributor__name"]
    raw_id_fields = ["contributor"]
