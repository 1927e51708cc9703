"""The model's documentation (docs/zones.md) as a public page, linked from every zone."""
from pathlib import Path

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import cache_control

DOC = Path(settings.BASE_DIR) / "docs" / "zones.md"


def blocks(text):
    """The few shapes docs/zones.md uses: "# title", "## heading", "- item" lists, paragraphs.
    Text only: the template escapes it."""
    found = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line for line in chunk.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            found.append(("h2", lines[0][3:]))
        elif lines[0].startswith("# "):
            found.append(("h1", lines[0][2:]))
        elif all(line.startswith("- ") for line in lines):
            found.append(("ul", [line[2:] for line in lines]))
        else:
            found.append(("p", " ".join(lines)))
    return found


@cache_control(public=True, max_age=300)
def model_doc(request):
    parts = blocks(DOC.read_text(encoding="utf-8"))
    title = next((text for kind, text in parts if kind == "h1"), "")
    return render(request, "zones/model.html", {"title": title, "blocks": [b for b in parts if b[0] != "h1"]})
