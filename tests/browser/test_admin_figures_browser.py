"""Body figures in the admin stay inside their column: the reviewer's read-only body (drawn as readers
will see it) and the editor's own figure in the body editor."""

import pytest
from playwright.sync_api import expect

from articles.media import services
from articles.models import Article
from tests.browser.helpers import leave, signed_in
from tests.media_files import picture, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each box's right edge against its column's, and each picture's shape against its own width and height.
BOXES = """([column, inner]) => {
  const outer = document.querySelector(column), box = outer.getBoundingClientRect();
  return [...outer.querySelectorAll(inner)].map((element) => {
    const r = element.getBoundingClientRect();
    return {tag: element.tagName, left: r.left - box.left, right: r.right - box.right, width: r.width, height: r.height,
            ratio: element.naturalWidth ? element.getAttribute("width") / element.getAttribute("height") : null};
  });
}"""


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def article(make):
    image = services.create_image(upload(picture((1280, 853)), "ward.jpg"), title="Ward",
                                  alt_text="A hospital ward with six beds by tall windows")
    return make.article(title="Staying in hospital", status=Article.Status.IN_REVIEW,
                        body=f'<h2>The ward</h2><p>What to bring.</p><figure data-image="{image.pk}">'
                             '<figcaption>A ward at Riverside</figcaption></figure><p>Visiting times.</p>')


def test_the_reviewers_read_only_body_keeps_figures_inside_its_column(browser, live_server, make, article):
    """A 1280 × 853 picture in a column narrower than that: scaled to the column, its proportions kept."""
    make.staff_in("Medical reviewer", username="rita")
    tab = signed_in(browser, live_server, "rita")
    try:
        tab.goto(f"/admin/articles/article/{article.pk}/change/")
        image = tab.locator(".rendered-body figure img")
        expect(image).to_have_attribute("width", "1280")
        tab.wait_for_function("document.querySelector('.rendered-body figure img').complete")
        boxes = tab.evaluate(BOXES, [".rendered-body", "figure, picture, img"])
        assert boxes and all(box["left"] >= 0 and box["right"] <= 0.5 for box in boxes), boxes
        (picture_box,) = [box for box in boxes if box["tag"] == "IMG"]
        assert picture_box["width"] < 1280
        assert abs(picture_box["width"] / picture_box["height"] - 1280 / 853) < 0.02
    finally:
        tab.context.close()


def test_the_editors_figure_stays_inside_the_body_editor(browser, live_server, make, article):
    """The figure's node view in the editor (thumbnail and caption box) fits the editor, on a laptop and on a phone."""
    make.staff_in("Editor", username="eddie")
    for width in (1280, 400):  # a laptop; a phone, where the caption box (size 50) overflowed
        tab = signed_in(browser, live_server, "eddie", viewport={"width": width, "height": 900})
        try:
            tab.goto(f"/admin/articles/article/{article.pk}/change/")
            figure = tab.locator(".field-body .ProseMirror figure.library-figure")
            expect(figure.locator("img")).to_be_visible()
            boxes = tab.evaluate(BOXES, [".field-body .ProseMirror[contenteditable=true]", "figure, img, figcaption, label, input"])
            assert boxes and all(box["left"] >= 0 and box["right"] <= 0.5 for box in boxes), boxes
        finally:
            leave(tab)
