"""What the API shows of each record. Records arrive with what they show loaded (see
`api.queries`); nothing here runs a query. Addresses are absolute, built on the request."""

from django.urls import reverse as django_reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from images import renditions
from newsroom.links import reverse


def absolute(context, path: str) -> str:
    return context["request"].build_absolute_uri(path)


class FieldsMixin:
    """`?fields=headline,url`: only those fields (the view has checked the names)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = self.context.get("fields")
        if wanted:
            for name in list(self.fields):
                if name not in wanted:
                    self.fields.pop(name)


class LinkSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return absolute(self.context, obj.get_absolute_url())


class TagLinkSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, tag) -> str:
        return absolute(self.context, reverse("articles:tag", kwargs={"slug": tag.slug}))


class ProjectLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    kind = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, project) -> str:
        return absolute(self.context, project.get_absolute_url())


class RenditionSerializer(serializers.Serializer):
    crop = serializers.CharField(help_text='"original", "16:9" or "4:3".')
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.CharField(help_text="avif, webp or jpeg.")
    url = serializers.URLField()


class FocalPointSerializer(serializers.Serializer):
    x = serializers.FloatField(help_text="0 is the left edge, 1 the right.")
    y = serializers.FloatField(help_text="0 is the top edge, 1 the bottom.")


class ImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="This image in the API.")
    alt = serializers.CharField(source="alt_text")
    caption = serializers.CharField()
    credit = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    focal_point = serializers.SerializerMethodField()
    renditions = serializers.SerializerMethodField()

    def get_url(self, image) -> str:
        return absolute(self.context, django_reverse("api:image-detail", kwargs={"pk": image.pk}))

    @extend_schema_field(FocalPointSerializer)
    def get_focal_point(self, image):
        return {"x": image.focal_x, "y": image.focal_y}

    @extend_schema_field(RenditionSerializer(many=True))
    def get_renditions(self, image):
        found = []
        for ratio, widths in renditions.COMMON_PICTURES:
            crop = "original" if ratio is None else f"{ratio[0]}:{ratio[1]}"
            for made in renditions.picture_renditions(image.source, ratio=ratio, widths=widths):
                found.append(
                    {
                        "crop": crop,
                        "width": made.width,
                        "height": made.height,
                        "format": made.format,
                        "url": absolute(self.context, made.url),
                    }
                )
        return found


class BylineSerializer(serializers.Serializer):
    name = serializers.CharField(source="contributor.name")
    slug = serializers.CharField(source="contributor.slug")
    url = serializers.SerializerMethodField()

    def get_url(self, byline) -> str:
        return absolute(self.context, byline.contributor.get_absolute_url())


class CorrectionSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="correction or clarification.")
    text = serializers.CharField()
    noted_at = serializers.DateTimeField()


class ArtistMentionSerializer(LinkSerializer):
    id = serializers.IntegerField()
    external_id = serializers.IntegerField(allow_null=True)
    musicbrainz_id = serializers.UUIDField(allow_null=True)
    wikidata_id = serializers.CharField(allow_null=True)


class ProjectMentionSerializer(ProjectLinkSerializer):
    pass


class ContributorMentionSerializer(LinkSerializer):
    id = serializers.IntegerField()


class MentionsSerializer(serializers.Serializer):
    artists = ArtistMentionSerializer(many=True)
    projects = ProjectMentionSerializer(many=True)
    contributors = ContributorMentionSerializer(many=True)


class ArticleSerializer(FieldsMixin, serializers.Serializer):
    id = serializers.IntegerField()
    headline = serializers.CharField()
    dek = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The story's page.")
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(
        source="api_updated_at",
        help_text="When anything shown here last changed: what `updated_since` compares.",
    )
    revised_at = serializers.DateTimeField(
        source="last_updated",
        allow_null=True,
        help_text='When readers were told the story was updated (the page\'s "Updated": a '
        "substantive change or a correction after publication); null if never.",
    )
    bylines = BylineSerializer(many=True, source="bylines.all")
    tags = TagLinkSerializer(many=True, source="tags.all")
    lead_image = ImageSerializer(allow_null=True)
    body_html = serializers.CharField(
        source="api_body_html",
        help_text="The body as the page shows it, addresses absolute, without profile cards.",
    )
    body = serializers.CharField(help_text="The source: Markdown with shortcodes.")
    mentions = MentionsSerializer(source="api_mentions")
    related_projects = ProjectLinkSerializer(many=True, source="related_projects.all")
    corrections = CorrectionSerializer(many=True, source="corrections.all")

    def get_url(self, article) -> str:
        return absolute(self.context, article.get_absolute_url())


class CreditOfArtistSerializer(serializers.Serializer):
    project = ProjectLinkSerializer()
    role = serializers.CharField()
    order = serializers.IntegerField()
    is_known_for = serializers.BooleanField()


class ArtistSerializer(FieldsMixin, serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField()
    external_id = serializers.IntegerField(allow_null=True)
    musicbrainz_id = serializers.UUIDField(allow_null=True)
    wikidata_id = serializers.CharField(allow_null=True)
    is_group = serializers.BooleanField()
    disciplines = serializers.SerializerMethodField()
    summary = serializers.CharField()
    bio = serializers.CharField()
    website = serializers.CharField()
    photo = serializers.SerializerMethodField(help_text="A square photo (or monogram), 320 px.")
    credits = CreditOfArtistSerializer(many=True, source="api_credits")
    story_count = serializers.IntegerField(help_text="Published stories that mention the artist.")
    updated_at = serializers.DateTimeField()

    def get_url(self, artist) -> str:
        return absolute(self.context, artist.get_absolute_url())

    def get_disciplines(self, artist) -> list[str]:
        return [discipline.name for discipline in artist.disciplines.all()]

    def get_photo(self, artist) -> str:
        path = reverse("people:photo", kwargs={"kind": "artists", "slug": artist.slug, "size": 320})
        return absolute(self.context, path)


class ContributorSerializer(FieldsMixin, serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField()
    role = serializers.CharField()
    is_organization = serializers.BooleanField()
    bio = serializers.CharField()
    photo = serializers.SerializerMethodField(help_text="A square photo (or monogram), 320 px.")
    story_count = serializers.IntegerField(help_text="Published stories in their bylines.")

    def get_url(self, contributor) -> str:
        return absolute(self.context, contributor.get_absolute_url())

    def get_photo(self, contributor) -> str:
        kwargs = {"kind": "contributors", "slug": contributor.slug, "size": 320}
        return absolute(self.context, reverse("people:photo", kwargs=kwargs))


class ArtistLinkSerializer(LinkSerializer):
    id = serializers.IntegerField()


class CreditOfProjectSerializer(serializers.Serializer):
    artist = ArtistLinkSerializer()
    role = serializers.CharField()
    order = serializers.IntegerField()


class RelationSerializer(serializers.Serializer):
    relation = serializers.CharField(
        help_text="track_on, featured_in, video_for or soundtrack_of: this project is (or has) "
        "a track on, is featured in… the other."
    )
    direction = serializers.CharField(help_text='"to": this project → other; "from": other → this.')
    position = serializers.IntegerField(allow_null=True)
    project = ProjectLinkSerializer()


class ProjectSerializer(FieldsMixin, serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField()
    kind = serializers.CharField()
    status = serializers.CharField()
    is_untitled = serializers.BooleanField()
    synopsis = serializers.CharField()
    release_date = serializers.DateField(allow_null=True)
    release_year = serializers.IntegerField(allow_null=True)
    release_note = serializers.CharField()
    running_time_min = serializers.IntegerField(allow_null=True)
    running_time_max = serializers.IntegerField(allow_null=True)
    shot_from = serializers.DateField(allow_null=True)
    shot_until = serializers.DateField(allow_null=True)
    shoot_note = serializers.CharField()
    shoot_location = serializers.CharField()
    label = serializers.CharField()
    credits = CreditOfProjectSerializer(many=True, source="credits.all")
    relations = serializers.SerializerMethodField()
    story_count = serializers.IntegerField(help_text="Published stories about or naming it.")
    updated_at = serializers.DateTimeField()

    def get_url(self, project) -> str:
        return absolute(self.context, project.get_absolute_url())

    @extend_schema_field(RelationSerializer(many=True))
    def get_relations(self, project):
        link = ProjectLinkSerializer(context=self.context)
        found = [
            {
                "relation": rel.relation,
                "direction": "to",
                "position": rel.position,
                "project": link.to_representation(rel.target),
            }
            for rel in project.outgoing_relations.all()
        ]
        found += [
            {
                "relation": rel.relation,
                "direction": "from",
                "position": rel.position,
                "project": link.to_representation(rel.source),
            }
            for rel in project.incoming_relations.all()
        ]
        return found


class TagSerializer(FieldsMixin, serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField()
    story_count = serializers.IntegerField(help_text="Published stories with the tag.")

    def get_url(self, tag) -> str:
        return absolute(self.context, reverse("articles:tag", kwargs={"slug": tag.slug}))


class TombstoneSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="object_id")
    slug = serializers.CharField()
    reason = serializers.CharField(help_text="deleted, unpublished or moved (a new slug).")
    gone_at = serializers.DateTimeField()
