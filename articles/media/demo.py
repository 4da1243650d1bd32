"""The demo's pictures, drawn here by code at load time (nothing is downloaded): a labelled
diagram of the lymph nodes of the armpit, and one of the energy a day of treatment takes. Each has
its alt text, caption and credit, and heads one demo article (``load_demo``)."""

import io
import math

from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from . import services
from .models import Image

CREDIT = "Illustration: Vetted demo (drawn by code)"
INK, SKIN, NODE, VESSEL, PAPER = (38, 50, 56), (233, 196, 170), (76, 140, 74), (90, 120, 200), (250, 250, 246)


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def lymph_nodes():
    """An arm and armpit in outline, the lymph nodes as green dots along the vessels, labelled."""
    img = PILImage.new("RGB", (1600, 1000), PAPER)
    draw = ImageDraw.Draw(img)
    draw.polygon([(200, 120), (700, 120), (760, 380), (1500, 460), (1500, 640), (700, 600), (560, 980), (200, 980)],
                 fill=SKIN, outline=INK, width=6)
    for start, end in [((420, 300), (1450, 540)), ((420, 300), (380, 900)), ((420, 300), (640, 700))]:
        draw.line([start, end], fill=VESSEL, width=10)
    nodes = [(470, 330), (520, 360), (560, 340), (600, 420), (440, 420), (500, 470), (395, 560), (390, 700)]
    for x, y in nodes:
        draw.ellipse([x - 22, y - 22, x + 22, y + 22], fill=NODE, outline=INK, width=3)
    font = _font(44)
    labels = [((820, 200), "Axillary lymph nodes", (560, 340)), ((900, 700), "Lymph vessels of the arm", (1100, 545)),
              ((40, 40), "Armpit (axilla)", (420, 300))]
    for (x, y), text, target in labels:
        draw.line([(x + 10, y + 50), target], fill=INK, width=3)
        draw.text((x, y), text, fill=INK, font=font)
    return img


def energy_day():
    """A day's energy as a bar chart: high in the morning, a dip after treatment, rest restores."""
    img = PILImage.new("RGB", (1600, 900), PAPER)
    draw = ImageDraw.Draw(img)
    font, small = _font(48), _font(34)
    draw.text((80, 50), "Energy through a treatment day", fill=INK, font=font)
    hours = ["8am", "10am", "12pm", "2pm", "4pm", "6pm", "8pm"]
    levels = [0.85, 0.7, 0.35, 0.3, 0.55, 0.6, 0.45]
    base, width = 780, 160
    for n, (hour, level) in enumerate(zip(hours, levels, strict=True)):
        x = 140 + n * 200
        height = int(560 * level)
        colour = NODE if level >= 0.5 else (214, 120, 60)
        draw.rectangle([x, base - height, x + width, base], fill=colour, outline=INK, width=3)
        draw.text((x + 30, base + 20), hour, fill=INK, font=small)
    draw.line([(100, base), (1540, base)], fill=INK, width=4)
    for n in range(5):  # a gentle wave: the rest after lunch
        y = 240 + int(20 * math.sin(n))
        draw.ellipse([1000 + n * 40, y, 1016 + n * 40, y + 16], fill=VESSEL)
    return img


PICTURES = [
    {
        "draw": lymph_nodes,
        "lead_for": "understanding-lymphedema-after-breast-cancer-treatment",
        "fields": {
            "title": "Demo: lymph nodes of the armpit",
            "alt_text": "Diagram of an arm and armpit with the lymph nodes shown as green dots along the lymph vessels",
            "caption": "Lymph from the arm drains through the nodes in the armpit; removing or treating them can slow it.",
            "credit": CREDIT,
            "licence": Image.Licence.OWN,
            "focal_x": 30, "focal_y": 40,
        },
    },
    {
        "draw": energy_day,
        "lead_for": "managing-fatigue-during-cancer-treatment",
        "fields": {
            "title": "Demo: energy through a treatment day",
            "alt_text": "Bar chart of energy through a treatment day: high at 8am, lowest from noon to 2pm, partly back by 6pm",
            "caption": "Many people plan demanding tasks for the morning and rest after treatment.",
            "credit": CREDIT,
            "licence": Image.Licence.OWN,
        },
    },
]


def demo_images():
    """{article slug: Image} for the demo's pictures, drawn and stored once (a second run reuses them)."""
    found = {}
    for picture in PICTURES:
        image = Image.objects.filter(title=picture["fields"]["title"], credit=CREDIT).first()
        if image is None:
            out = io.BytesIO()
            picture["draw"]().save(out, "PNG", optimize=True)
            image = services.create_image(ContentFile(out.getvalue(), name="demo.png"), **picture["fields"])
        found[picture["lead_for"]] = image
    return found
