"""The draft review page, ``draft.html`` beside ``draft.yaml``: one self-contained file, opened
from disk with no server and no network. The report's text with places, commodities and cue
words highlighted; each proposed route beside its sentence with Accept, Reject and Edit; a
button that downloads the accepted routes as a catalogue. The data (from
:func:`geodata.draft_review.review_data`) sits in a JSON block and every string reaches the page
through ``textContent`` only."""

from __future__ import annotations

import html
from typing import Any

from trafficking_route_mapper.maps.layer import asset, json_bytes_for_script


def render_review(data: dict[str, Any]) -> bytes:
    return b"".join((
        b'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        b'<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>{html.escape(data['title'])}</title>\n<style>\n".encode(),
        asset("draft.css").encode(), b"</style>\n</head>\n<body>\n"
        b'<main id="trm-draft"></main>\n<script type="application/json" id="trm-draft-data">',
        json_bytes_for_script(data), b"</script>\n<script>\n", asset("draft.js").encode(),
        b"</script>\n</body>\n</html>\n",
    ))
