"""schema.org JSON-LD as pages carry it: one helper writes every <script> block, so no page
escapes its structured data another way."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# The same escapes as Django's json_script: inside <script> no "<", ">" or "&" survives, so a
# name like "</script><script>" stays data.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """`data` without the keys whose value is empty, which schema.org validators flag."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def script(data: dict[str, Any] | list[dict[str, Any]]) -> SafeString:
    """`data` as a JSON-LD <script> block, safe inside HTML whatever text it holds."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
