"""What the demo pages name but cannot describe: the reviewers' profiles, the publishers' sites, the series.

Original demo content for Vetted: three fictional medical reviewers, the real
publishers the articles cite, one series ("Breast cancer treatment by stage")
and ten plain-English patient articles written for this project (five in the
series, three standalone published articles, one draft and one scheduled for the
future). The articles themselves are plain-text pages in ``pages/``, in the
importer's format (docs/importing.md), run through the importer by
``articles.demo.loading``. The reviewers are invented people; the sources and
reference titles point at real publishers' public pages, but the article text is
original and is demo material only, not medical advice.
"""

from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent / "pages"


def page_files():
    """The demo pages, in file-name order (the order they are imported in)."""
    return sorted(PAGES_DIR.glob("*.txt"))


REVIEWERS = [
    {
        "slug": "lucia-moreno",
        "name": "Dr. Lucia Moreno",
        "credentials": "MD, FACS",
        "specialty": "Breast surgical oncology",
        "bio": (
            "Dr. Lucia Moreno is a breast surgeon who cares for people with early and locally advanced "
            "breast cancer. She has a special interest in breast-conserving surgery and in helping patients "
            "weigh their surgical choices. She reviews Vetted's articles on diagnosis and surgery."
        ),
    },
    {
        "slug": "david-okafor",
        "name": "Dr. David Okafor",
        "credentials": "MD, PhD",
        "specialty": "Medical oncology",
        "bio": (
            "Dr. David Okafor is a medical oncologist who treats breast cancer with chemotherapy, hormone "
            "therapy and targeted drugs. His research background is in clinical trials for metastatic "
            "breast cancer. He reviews Vetted's articles on drug treatment and living with advanced cancer."
        ),
    },
    {
        "slug": "priya-raman",
        "name": "Dr. Priya Raman",
        "credentials": "MD",
        "specialty": "Radiation oncology",
        "bio": (
            "Dr. Priya Raman is a radiation oncologist who treats breast and chest cancers. She works closely "
            "with rehabilitation and lymphedema therapists on the long-term effects of treatment. She reviews "
            "Vetted's articles on radiation therapy, side effects and survivorship."
        ),
    },
]

SOURCES = [
    {"name": "American Cancer Society", "website": "https://www.cancer.org/"},
    {"name": "National Cancer Institute", "website": "https://www.cancer.gov/"},
    {"name": "Centers for Disease Control and Prevention", "website": "https://www.cdc.gov/"},
    {"name": "Mayo Clinic", "website": "https://www.mayoclinic.org/"},
    {"name": "Breastcancer.org", "website": "https://www.breastcancer.org/"},
    {"name": "NHS", "website": "https://www.nhs.uk/"},
    {"name": "Cancer Research UK", "website": "https://www.cancerresearchuk.org/"},
    {"name": "MedlinePlus", "website": "https://medlineplus.gov/"},
    {"name": "CA: A Cancer Journal for Clinicians", "website": "https://acsjournals.onlinelibrary.wiley.com/journal/15424863"},
]

SERIES = [
    {
        "slug": "breast-cancer-treatment-by-stage",
        "title": "Breast cancer treatment by stage",
        "description": (
            "How breast cancer is usually treated at each stage, from stage 0 (DCIS) to stage 4 "
            "(metastatic) breast cancer. Read the stage that applies to you, or follow the series in order."
        ),
    },
]


# Site-wide equivalents (docs/search.md): either spelling or term finds articles with any of them.
SEARCH_EQUIVALENTS = [
    'lymphoedema, lymphedema',
    'oedema, edema',
    'tumour, tumor',
    'anaemia, anemia',
    'haematology, hematology',
    'paediatric, pediatric',
    'oestrogen, estrogen',
    'haemorrhage, hemorrhage',
    'counselling, counseling',
    'recognise, recognize',
    'chemo, chemotherapy',
    'radiotherapy, radiation therapy, radiation treatment',
    'hormone therapy, hormonal therapy, endocrine therapy',
    'lumpectomy, breast-conserving surgery, wide local excision',
    'mastectomy, breast removal',
    'oncologist, cancer doctor, cancer specialist',
    'mammogram, mammography, breast x-ray',
    'recurrence, relapse, cancer coming back',
    'metastatic, metastasised, metastasized',
    'secondary breast cancer, metastatic breast cancer, advanced breast cancer',
    'tiredness, fatigue, exhaustion',
    'palliative care, supportive care',
    'Herceptin, trastuzumab',
]


# Readers' feedback on the demo (docs/feedback.md), so the inbox, the helpful share and the
# corrections log have something in them: (article slug, helpful votes, unhelpful votes, reports),
# a report being (reason, section, text). The first report becomes the demo's public correction
# once an editor account exists (``load_demo`` with DEBUG on).
FEEDBACK = [
    ("managing-fatigue-during-cancer-treatment", 14, 3, [
        ("medical", "Stay active", "It says 150 minutes a week but my nurse said to start with 10 minutes a day."),
        ("hard_to_understand", "Save your energy", "What does pacing mean?"),
    ]),
    ("understanding-lymphedema-after-breast-cancer-treatment", 9, 1, [
        ("broken_link", "", "The link to the compression garment leaflet goes to a page that is not there."),
    ]),
]
DEMO_CORRECTION = (
    "managing-fatigue-during-cancer-treatment",
    "We made clear that activity can start with a few minutes a day and build up, as your care team advises.",
)
