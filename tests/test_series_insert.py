"""Issue 22: placing an article in a series at a taken position inserts it there; the rest move down."""

import pytest
from django.urls import reverse

from articles.admin.ordering import make_room
from articles.models import Article, SeriesEntry
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def stages(make):
    """A series of five parts at positions 0 to 4, "Stage 0" to "Stage 4"."""
    series = make.series(title="Treatment by stage")
    for n in range(5):
        make.series_entry(series, make.article(title=f"Stage {n} treatment"), n, label=f"Stage {n}")
    return series


def placement(series):
    return list(SeriesEntry.objects.filter(series=series).order_by("position").values_list("position", "label"))


def _save_with_entry(client, article, series, position, label):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(client.get(url))
    prefix = "series_entry"
    data.update({
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-series": str(series.pk),
        f"{prefix}-0-position": str(position), f"{prefix}-0-label": label, f"{prefix}-0-article": str(article.pk),
    })
    return client.post(url, data, follow=True)


def test_writer_inserting_before_stage_3_moves_the_rest_down(client, make, stages):
    """A writer's draft placed at position 3: Stage 3 and Stage 4 become 4 and 5, with a message saying so."""
    writer = make.staff_in("Writer", username="wendy")
    draft = make.article(title="Stage 2B treatment", status=Article.Status.DRAFT, author=writer)
    client.force_login(writer)
    response = _save_with_entry(client, draft, stages, 3, "Stage 2B")
    page = response.content.decode()
    assert "errornote" not in page and "already has this position" not in page
    assert placement(stages) == [(0, "Stage 0"), (1, "Stage 1"), (2, "Stage 2"), (3, "Stage 2B"), (4, "Stage 3"), (5, "Stage 4")]
    assert "moved down one to make room: Stage 3 (now 4), Stage 4 (now 5)" in page


def test_a_free_position_moves_nothing(client, make, stages, admin_client):
    """At the end (or in a gap), nothing else moves and no message is shown."""
    article = make.article(title="After")
    response = _save_with_entry(admin_client, article, stages, 9, "Later")
    assert placement(stages)[-1] == (9, "Later") and placement(stages)[4] == (4, "Stage 4")
    assert "moved down one" not in response.content.decode()


def test_moving_a_part_up_shifts_only_the_parts_it_passes(admin_client, stages):
    """Stage 4 moved to position 1: Stage 1 to 3 move down one; Stage 0 stays."""
    four = SeriesEntry.objects.get(series=stages, label="Stage 4")
    _save_with_entry(admin_client, four.article, stages, 1, "Stage 4")
    assert placement(stages) == [(0, "Stage 0"), (1, "Stage 4"), (2, "Stage 1"), (3, "Stage 2"), (4, "Stage 3")]


def test_make_room_is_all_or_nothing_and_keeps_positions_unique(stages):
    """The shift runs as two updates that never meet the unique (series, position) constraint."""
    moved = make_room(SeriesEntry.objects.filter(series=stages), 0)
    assert [(e.label, e.position) for e in moved] == [(f"Stage {n}", n + 1) for n in range(5)]
    assert [p for p, _ in placement(stages)] == [1, 2, 3, 4, 5]
