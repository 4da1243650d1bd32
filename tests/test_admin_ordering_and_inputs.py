"""Reordering inline rows and refusing bad input in the article form: clear errors, nothing half-saved."""

import pytest
from django.urls import reverse

from articles.models import Article, SeriesEntry
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def _url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _post(client, article, **changes):
    data = {**change_form_data(client.get(_url(article))), **changes}
    return client.post(_url(article), data)


def _errors(response):
    context = response.context
    errors = [str(e) for e in context["adminform"].form.errors.values()]
    for inline in context["inline_admin_formsets"]:
        errors += [str(e) for e in inline.formset.non_form_errors()]
        errors += [str(e) for form in inline.formset.forms for e in form.errors.values()]
    return " ".join(errors)


def test_swapping_two_citations_saves_without_a_constraint_error(admin_client, make):
    """Dragging swaps positions 1 and 2; the two-phase save never collides with the unique position."""
    article = make.article()
    first, second = make.cite(article), make.cite(article)
    response = _post(admin_client, article, **{"citations-0-position": 2, "citations-1-position": 1})
    assert response.status_code == 302
    assert [c.pk for c in article.citations.order_by("position")] == [second.pk, first.pk]


def test_rotating_three_citations_and_deleting_one(admin_client, make):
    article = make.article()
    a, deleted, c = make.cite(article), make.cite(article), make.cite(article)
    response = _post(
        admin_client, article,
        **{"citations-0-position": 2, "citations-1-DELETE": "on", "citations-2-position": 1},
    )
    assert response.status_code == 302
    assert [(x.pk, x.position) for x in article.citations.order_by("position")] == [(c.pk, 1), (a.pk, 2)]
    assert not article.citations.filter(pk=deleted.pk).exists()


def test_moving_into_a_freed_position_with_a_new_row(admin_client, make):
    article = make.article()
    a = make.cite(article)
    new_ref = make.reference()
    response = _post(
        admin_client, article,
        **{"citations-0-position": 2, "citations-TOTAL_FORMS": 2, "citations-1-position": 1,
           "citations-1-reference": new_ref.pk},
    )
    assert response.status_code == 302
    assert [(x.reference_id, x.position) for x in article.citations.order_by("position")] == [(new_ref.pk, 1), (a.reference_id, 2)]


def test_two_citations_at_the_same_position_is_a_form_error(admin_client, make):
    article = make.article(title="Unchanged")
    make.cite(article), make.cite(article)
    response = _post(admin_client, article, title="Changed", **{"citations-1-position": 1})
    assert response.status_code == 200
    assert "Two rows have position 1" in _errors(response)
    assert Article.objects.get(pk=article.pk).title == "Unchanged"


def test_citation_position_zero_is_a_form_error(admin_client, make):
    article = make.article()
    make.cite(article)
    response = _post(admin_client, article, **{"citations-0-position": 0})
    assert response.status_code == 200
    assert "Positions start at 1" in _errors(response)


def test_related_link_to_itself_is_a_form_error(admin_client, make):
    article = make.article(title="Unchanged")
    response = _post(
        admin_client, article, title="Changed",
        **{"related_links-TOTAL_FORMS": 1, "related_links-0-target": article.pk, "related_links-0-position": 1},
    )
    assert response.status_code == 200
    assert "cannot be related to itself" in _errors(response)
    assert Article.objects.get(pk=article.pk).title == "Unchanged"


def test_related_link_twice_to_the_same_article_is_a_form_error(admin_client, make):
    article, other = make.article(), make.article()
    response = _post(
        admin_client, article,
        **{"related_links-TOTAL_FORMS": 2, "related_links-0-target": other.pk, "related_links-0-position": 1,
           "related_links-1-target": other.pk, "related_links-1-position": 2},
    )
    assert response.status_code == 200
    assert "duplicate" in _errors(response).lower()
    assert not article.related_links.exists()


def test_duplicate_slug_is_a_form_error(admin_client, make):
    make.article(slug="taken")
    article = make.article(slug="mine")
    response = _post(admin_client, article, slug="taken")
    assert response.status_code == 200
    assert "already exists" in _errors(response)


def test_swapping_series_entries_in_the_series_admin(admin_client, make):
    series = make.series()
    one, two = make.series_entry(series, make.article(), 1), make.series_entry(series, make.article(), 2)
    url = reverse("admin:articles_series_change", args=[series.pk])
    data = {**change_form_data(admin_client.get(url)), "entries-0-position": 2, "entries-1-position": 1}
    assert admin_client.post(url, data).status_code == 302
    assert list(SeriesEntry.objects.filter(series=series).order_by("position")) == [two, one]


def test_sortable_inlines_load_our_script_and_keep_position_fields(admin_client, make):
    article = make.article()
    make.cite(article)
    page = admin_client.get(_url(article)).content.decode()
    assert "articles/admin/sortable-inlines.js" in page
    assert 'name="citations-0-position"' in page
    assert "sortable-inline" in page


def test_reordering_citations_renumbers_the_markers_in_the_text(admin_client, make):
    """[1] keeps pointing at the same reference after a drag, and the editor is told."""
    article = make.article(body="<p>Rest helps [1]. Exercise helps more [2][1].</p>")
    make.cite(article), make.cite(article)
    response = _post(admin_client, article, **{"citations-0-position": 2, "citations-1-position": 1})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>Rest helps [2]. Exercise helps more [1][2].</p>"
    assert article.history.order_by("-history_id").first().body == article.body
    messages = [str(m) for m in admin_client.get(_url(article)).context["messages"]]
    assert any("[1] → [2]" in m for m in messages)


def test_article_and_inlines_are_saved_in_one_transaction(admin_client, make, monkeypatch):
    """If saving an inline row fails after the article row was written, the article is rolled back too."""
    from django.db import IntegrityError

    from references.models import Citation

    article = make.article(title="Unchanged")
    make.cite(article)

    def fail(*args, **kwargs):
        raise IntegrityError("simulated failure while saving a citation")

    data = change_form_data(admin_client.get(_url(article)))
    monkeypatch.setattr(Citation, "save", fail)
    with pytest.raises(IntegrityError):
        admin_client.post(_url(article), {**data, "title": "Changed", "citations-0-position": 2})
    fresh = Article.objects.get(pk=article.pk)
    assert (fresh.title, fresh.version) == ("Unchanged", article.version)
    assert fresh.history.count() == article.history.count()
