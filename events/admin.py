from django.contrib import admin
from django.utils.html import format_html
from django_countries.filters import CountryFilter

from newsroom.admin_tools import OutOfRangeFiltersMixin
from newsroom.admin_widgets import PreloadedAutocompleteMixin
from newsroom.links import reverse

from .forms import EventForm
from .models import Event, EventPerformer


class EventPerformerInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = EventPerformer
    autocomplete_fields = ["artist"]
    fields = ["artist", "position"]
    extra = 1
    verbose_name = "performer"
    verbose_name_plural = "performers (headliner first)"

    def get_queryset(self, request):
        # Each row's heading is the performance's __str__, which reads the event as well.
        return super().get_queryset(request).select_related("artist", "event")


class WhenFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request, queryset):
        if self.value() == "upcoming":
            return queryset.filter(pk__in=Event.objects.upcoming().values("pk"))
        if self.value() == "past":
            return queryset.filter(pk__in=Event.objects.past().values("pk"))
        return queryset


def _when(event):
    local = event.local_start
    return f"{local:%a %d %b %Y, %H:%M} {local.tzname()}"


@admin.register(Event)
class EventAdmin(OutOfRangeFiltersMixin, PreloadedAutocompleteMixin, admin.ModelAdmin):
    form = EventForm
    inlines = [EventPerformerInline]
    list_display = ["thumbnail", "when", "performer_names", "venue", "city", "country", "status"]
    list_display_links = ["when"]
    # The date hierarchy above the list picks a year, month or day.
    list_filter = [WhenFilter, "status", ("country", CountryFilter)]
    list_select_related = ["project"]
    search_fields = ["performances__artist__name", "venue", "city"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["project"]
    fieldsets = [
        (None, {"fields": ["status", "project"]}),
        (
            "When",
            {
                "fields": ["timezone", "starts_at", "ends_at", "previous_starts_at"],
                "description": "Times as the venue's clock shows them.",
            },
        ),
        (
            "Where",
            {"fields": ["venue", "street_address", "city", "region", "postal_code", "country"]},
        ),
        ("Links", {"fields": ["ticket_url", "online_url"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_performers()

    @admin.display(description="")
    def thumbnail(self, obj):
        performers = obj.performer_list
        if not performers:
            return ""
        artist = performers[0]
        return format_html(
            '<img src="{}" alt="" width="48" height="48" class="event-thumbnail">',
            reverse("people:photo", args=["artists", artist.slug, 96]),
        )

    @admin.display(description="starts (venue's time)", ordering="starts_at")
    def when(self, obj):
        return _when(obj)

    @admin.display(description="performers")
    def performer_names(self, obj):
        return ", ".join(artist.name for artist in obj.performer_list)


class UpcomingDatesInline(admin.TabularInline):
    """An artist's upcoming dates on their change page, read-only: dates are edited as events."""

    model = EventPerformer
    fk_name = "artist"
    verbose_name = "upcoming date"
    verbose_name_plural = "upcoming dates"
    fields = ["date", "venue_and_city", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        upcoming = Event.objects.upcoming().values("pk")
        return (
            super()
            .get_queryset(request)
            .filter(event__in=upcoming)
            .select_related("event", "artist")
            .order_by("event__starts_at", "event__pk")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="date")
    def date(self, obj):
        url = reverse("admin:events_event_change", args=[obj.event_id])
        return format_html('<a href="{}">{}</a>', url, _when(obj.event))

    @admin.display(description="venue")
    def venue_and_city(self, obj):
        return f"{obj.event.venue}, {obj.event.city}"

    @admin.display(description="status")
    def status(self, obj):
        return obj.event.get_status_display()
