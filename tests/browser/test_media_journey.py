"""Issue 24's journey in a real browser: a writer uploads a picture from the body editor and inserts
it with a caption, the reviewer sees it and signs off, the editor publishes, and the reader's page
shows it from srcset, with no axe violation and no layout shift. Then figures in the editor: typing on
after a picture, pictures one after another, captions for the article apart from the library's, undo
in a caption field."""

import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from articles.media import services
from articles.media.models import Image
from articles.models import Article
from tests.browser.helpers import leave, signed_in, transition, wait_for_editor_caret
from tests.media_files import phone_jpeg, picture, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = ".field-body .ProseMirror[contenteditable=true]"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}

# Layout shifts the page makes while it loads, as the browser reports them (CLS's parts).
LAYOUT_SHIFT = """() => new Promise((done) => {
  let total = 0;
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value; })
    .observe({ type: "layout-shift", buffered: true });
  setTimeout(() => done(total), 1500);
})"""


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_a_picture_from_upload_to_the_readers_page(browser, live_server, make, tmp_path):
    make.staff_in("Writer", username="wendy", first_name="Wendy", last_name="Hart")
    make.staff_in("Medical reviewer", username="rita")
    make.staff_in("Editor", username="eddie")
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(phone_jpeg((1600, 1200)))

    # 1. The writer drafts, uploads a picture from the editor with its alt text, and inserts it captioned.
    writer = signed_in(browser, live_server, "wendy")
    writer.goto("/admin/articles/article/add/")
    writer.fill("#id_title", "Living with a port")
    writer.fill("#id_summary", "What a port is, where it sits and how to look after it.")
    writer.locator(BODY).click()
    writer.keyboard.type("A port sits under the skin below the collarbone.")
    writer.get_by_text("Insert an image").click()
    writer.get_by_label("Caption in this article (optional):").fill("Where the port sits")
    writer.get_by_label("Picture:").set_input_files(str(photo))
    writer.get_by_role("button", name="Upload and insert").click()
    expect(writer.locator("#image-upload-status")).to_contain_text("Not uploaded")  # no alt text yet: refused
    writer.get_by_label("Alt text (what it shows):").fill("A healed port site below the right collarbone")
    writer.get_by_label("Credit:").fill("Photo: Vetted")
    writer.get_by_role("button", name="Upload and insert").click()
    expect(writer.locator("#image-upload-status")).to_contain_text("and inserted")
    expect(writer.locator(f"{BODY} figure.library-figure input")).to_have_value("Where the port sits")
    writer.get_by_role("button", name="Save and continue editing").click()
    expect(writer.locator(".messagelist")).to_contain_text("was added successfully")
    image = Image.objects.get()
    assert image.original_filename == "IMG_2041.jpg" and image.uploaded_by.username == "wendy"
    assert (image.width, image.height) == (1200, 1600)  # the phone's orientation applied
    article = Article.objects.get(slug="living-with-a-port")
    assert f'<figure data-image="{image.pk}"><figcaption>Where the port sits</figcaption></figure>' in article.body
    transition(writer, "Submit for medical review")

    # 2. The reviewer sees the picture in the rendered body and signs off.
    reviewer = signed_in(browser, live_server, "rita")
    reviewer.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(reviewer.locator(".rendered-body figure img")).to_have_attribute("alt", "A healed port site below the right collarbone")
    expect(reviewer.locator(".rendered-body figcaption")).to_contain_text("Where the port sits")
    transition(reviewer, "Sign off")

    # 3. The editor publishes.
    editor = signed_in(browser, live_server, "eddie")
    editor.goto(f"/admin/articles/article/{article.pk}/change/")
    editor.get_by_role("link", name="Publish or schedule", exact=True).click()
    editor.get_by_role("button", name="Publish or schedule", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("Publish or schedule: done")

    # 4. The reader: srcset, the picture loaded, no axe violation, no layout shift.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    reader = context.new_page()
    reader.goto(article.get_absolute_url())
    img = reader.locator(".article-body figure img")
    expect(img).to_have_attribute("srcset", re.compile(r" 320w, .* 1200w$"))
    expect(img).to_have_attribute("width", "1200")
    expect(reader.locator(".article-body figure source[type='image/webp']")).to_have_count(1)
    expect(reader.locator(".article-body figcaption")).to_contain_text("Where the port sits Photo: Vetted")
    img.scroll_into_view_if_needed()
    reader.wait_for_function("document.querySelector('.article-body figure img').complete")
    assert reader.evaluate("document.querySelector('.article-body figure img').naturalWidth") > 0
    assert reader.evaluate("document.querySelector('.article-body figure img').currentSrc").startswith(live_server.url + "/media/")
    fresh = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}).new_page()
    fresh.goto(article.get_absolute_url())
    assert fresh.evaluate(LAYOUT_SHIFT) < 0.01
    fresh.context.close()

    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(reader, options=RULES).response["violations"]
    assert violations == [], [(v["id"], v["help"]) for v in violations]
    context.close()
    for tab in (writer, reviewer, editor):
        leave(tab)


def test_a_figures_caption_is_corrected_after_it_is_in_the_body(browser, live_server, make):
    """The caption field on an inserted figure changes what the body stores; emptied, the library's caption shows."""
    image = services.create_image(
        upload(picture((640, 480)), "nodes.jpg"), title="Lymph nodes", alt_text="Lymph nodes of the armpit", caption="The library's"
    )
    body = f'<p>Nodes.</p><figure data-image="{image.pk}"><figcaption>Lymph nodes</figcaption></figure>'
    writer, article = _writing_draft(browser, live_server, make, body, title="Lymphoedema")
    field = writer.get_by_label(f"Library image {image.pk}, caption in this article:")
    expect(field).to_have_value("Lymph nodes")
    field.fill("Lymph nodes in the armpit (axilla)")
    writer.get_by_role("button", name="Save and continue editing").click()
    expect(writer.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert f'<figure data-image="{image.pk}"><figcaption>Lymph nodes in the armpit (axilla)</figcaption></figure>' in article.body

    writer.get_by_label(f"Library image {image.pk}, caption in this article:").fill("")
    writer.get_by_role("button", name="Save and continue editing").click()
    expect(writer.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert f'<figure data-image="{image.pk}"></figure>' in article.body
    leave(writer)


# --- the figure and the caret: what the writer types after a picture stays beside it ------------------

EDITOR_HTML = "(selector) => document.querySelector(selector).editor.getHTML()"


def _library_image(title):
    """An image in the library, described, as a writer would find it with the picker."""
    return services.create_image(upload(picture((320, 240)), f"{title}.jpg"), title=title, alt_text=f"{title}, as drawn")


def _writing_draft(browser, live_server, make, body, title="Skies"):
    """Wendy, a writer, signed in on the change form of her draft holding ``body``: (her tab, the article)."""
    wendy = make.staff_in("Writer", username="wendy")
    article = make.article(title=title, status=Article.Status.DRAFT, author=wendy, body=body)
    writer = signed_in(browser, live_server, "wendy")
    writer.goto(f"/admin/articles/article/{article.pk}/change/")
    return writer, article


def _wait_for_body(tab, html):
    """Wait until the body editor itself holds ``html``; on a timeout, say what it held."""
    try:
        tab.wait_for_function(f"([selector, html]) => ({EDITOR_HTML})(selector) === html", arg=[BODY, html])
    except PlaywrightError as timeout:
        held = tab.evaluate(EDITOR_HTML, BODY)
        raise AssertionError(f"waited for the body {html!r}; the editor held {held!r}") from timeout


def _insert_found(tab, term):
    """Find ``term`` in the picker under the editor and insert the one image found with Enter, as a writer does."""
    search = tab.get_by_label("Find in the media library:")
    search.fill(term)
    expect(tab.locator(".image-picker-choice")).to_have_count(1)
    search.press("Enter")


def _new_article(tab):
    """The add page with a title and summary, the image picker open and the caret in the empty body."""
    tab.goto("/admin/articles/article/add/")
    tab.fill("#id_title", "A clear sky")
    tab.fill("#id_summary", "Why the sky looks blue.")
    tab.get_by_text("Insert an image").click()
    tab.locator(BODY).click()
    wait_for_editor_caret(tab, "end")


def _saved_body(tab):
    """Save the article and return its body as stored."""
    tab.get_by_role("button", name="Save and continue editing").click()
    expect(tab.locator(".messagelist")).to_contain_text("successfully")
    return Article.objects.get(title="A clear sky").body


@pytest.mark.parametrize(("viewport", "column"), [(1280, 640), (390, 358)])
def test_a_figure_is_as_wide_as_its_sizes_attribute_says(browser, live_server, make, viewport, column):
    """``sizes`` tells the browser how wide the picture will be before the style sheet is read, to
    choose a file: it said 736 px on a desktop where the column is 640, so a 960-wide file came."""
    wide = services.create_image(upload(picture((1600, 1000)), "wide.jpg"), title="Wide", alt_text="A wide view")
    article = make.article(body=f'<p>Before.</p><figure data-image="{wide.pk}"></figure>')
    context = browser.new_context(base_url=live_server.url, viewport={"width": viewport, "height": 900})
    reader = context.new_page()
    reader.goto(article.get_absolute_url())
    img = reader.locator(".article-body figure img")
    expect(img).to_have_attribute("sizes", "(min-width: 42rem) 40rem, calc(100vw - 2rem)")
    assert img.evaluate("e => e.getBoundingClientRect().width") == column
    context.close()


def test_typing_after_inserting_an_image_goes_on_below_it(browser, live_server, make):
    """The writer inserts a picture and types on: the picture stays, and the text is a paragraph after it."""
    blue = _library_image("Blue sky")
    make.staff_in("Writer", username="wendy")
    writer = signed_in(browser, live_server, "wendy")
    _new_article(writer)
    writer.keyboard.type("First para.")
    _wait_for_body(writer, "<p>First para.</p>")

    _insert_found(writer, "blue")
    wait_for_editor_caret(writer, "empty line")  # not on the figure, where the next key would replace it
    writer.keyboard.type("Typed next")
    _wait_for_body(writer, f'<p>First para.</p><figure data-image="{blue.pk}"></figure><p>Typed next</p>')
    assert _saved_body(writer) == f'<p>First para.</p><figure data-image="{blue.pk}"></figure><p>Typed next</p>'
    leave(writer)


def test_images_inserted_one_after_another_are_all_kept_in_order(browser, live_server, make, tmp_path):
    """Two library pictures and an upload, each straight after the last: three figures in the order inserted."""
    blue, green = _library_image("Blue sky"), _library_image("Green field")
    make.staff_in("Writer", username="wendy")
    photo = tmp_path / "sunset.jpg"
    photo.write_bytes(picture((400, 300)))
    writer = signed_in(browser, live_server, "wendy")
    _new_article(writer)
    writer.keyboard.type("Three pictures.")
    _wait_for_body(writer, "<p>Three pictures.</p>")

    _insert_found(writer, "blue")
    wait_for_editor_caret(writer, "empty line")
    writer.get_by_label("Find in the media library:").fill("green")
    expect(writer.locator(".image-picker-choice")).to_have_count(1)
    writer.locator(".image-picker-choice").click()  # a click as well as Enter
    wait_for_editor_caret(writer, "empty line")
    writer.get_by_label("Picture:").set_input_files(str(photo))
    writer.get_by_label("Alt text (what it shows):").fill("The sun setting over the sea")
    writer.get_by_role("button", name="Upload and insert").click()
    expect(writer.locator("#image-upload-status")).to_contain_text("and inserted")
    wait_for_editor_caret(writer, "empty line")
    writer.keyboard.type("After them.")

    sunset = Image.objects.get(original_filename="sunset.jpg")
    figures = "".join(f'<figure data-image="{image.pk}"></figure>' for image in (blue, green, sunset))
    _wait_for_body(writer, f"<p>Three pictures.</p>{figures}<p>After them.</p>")
    assert _saved_body(writer) == f"<p>Three pictures.</p>{figures}<p>After them.</p>"
    leave(writer)


def test_a_key_typed_on_a_selected_figure_starts_a_paragraph_after_it(browser, live_server, make):
    """A figure clicked (so selected) and then a letter typed: the figure stays and the letter begins the next paragraph."""
    blue = _library_image("Blue sky")
    writer, _article = _writing_draft(browser, live_server, make, f'<p>Look up.</p><figure data-image="{blue.pk}"></figure>')
    writer.locator(f"{BODY} figure.library-figure img").click()
    wait_for_editor_caret(writer, "on a figure")
    writer.keyboard.type("S")
    wait_for_editor_caret(writer, "line end")
    writer.keyboard.type("o blue.")
    _wait_for_body(writer, f'<p>Look up.</p><figure data-image="{blue.pk}"></figure><p>So blue.</p>')
    leave(writer)


def test_an_editor_upload_keeps_the_articles_caption_out_of_the_library(browser, live_server, make, tmp_path):
    """This article's caption goes into its figure only; the library image keeps the caption typed for the library, or none."""
    make.staff_in("Writer", username="wendy")
    writer = signed_in(browser, live_server, "wendy")
    _new_article(writer)

    def upload_from_the_editor(name, alt_text, caption, library_caption=None):
        photo = tmp_path / name
        photo.write_bytes(picture((400, 300), color=(len(name) * 10, 40, 200)))
        writer.get_by_label("Caption in this article (optional):").fill(caption)
        writer.get_by_label("Picture:").set_input_files(str(photo))
        writer.get_by_label("Alt text (what it shows):").fill(alt_text)
        if library_caption is not None:
            writer.get_by_label("Caption in the library (optional):").fill(library_caption)
        writer.get_by_role("button", name="Upload and insert").click()
        expect(writer.locator("#image-upload-status")).to_contain_text("and inserted")
        return Image.objects.get(original_filename=name)

    port = upload_from_the_editor("port.jpg", "A port below the collarbone", "Where the port sits in this patient")
    assert port.caption == ""  # other articles showing it get none of this one's words
    wait_for_editor_caret(writer, "empty line")
    healed = upload_from_the_editor("healed.jpg", "The healed port site", "A week later", library_caption="A healed port")
    assert healed.caption == "A healed port"

    body = _saved_body(writer)
    assert (
        f'<figure data-image="{port.pk}"><figcaption>Where the port sits in this patient</figcaption></figure>'
        f'<figure data-image="{healed.pk}"><figcaption>A week later</figcaption></figure>'
    ) in body
    assert [image.caption for image in Image.objects.order_by("pk")] == ["", "A healed port"]  # saving left them alone
    leave(writer)


def test_undo_in_a_figure_caption_takes_back_the_typing_at_once(browser, live_server, make):
    """Ctrl+Z in a caption field takes back all that was typed there, even typed slowly; Ctrl+Shift+Z puts it back."""
    blue = _library_image("Blue sky")
    before = f'<p>Look up.</p><figure data-image="{blue.pk}"><figcaption>A sky</figcaption></figure>'
    writer, article = _writing_draft(browser, live_server, make, before)
    field = writer.get_by_label(f"Library image {blue.pk}, caption in this article:")
    field.click()
    field.press("End")
    # A key every 0.6 s: slower than the editor's history joins keys by itself (0.5 s).
    writer.keyboard.type(" at noon", delay=600)
    typed = f'<p>Look up.</p><figure data-image="{blue.pk}"><figcaption>A sky at noon</figcaption></figure>'
    _wait_for_body(writer, typed)

    writer.keyboard.press("Control+z")
    expect(field).to_have_value("A sky")
    _wait_for_body(writer, before)
    writer.keyboard.press("Control+Shift+z")
    expect(field).to_have_value("A sky at noon")
    _wait_for_body(writer, typed)
    leave(writer)
