"""Citation markers in a real browser: against their word, never starting a line alone, at any width."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each marker whose previous node is text: the gap between the text's last character and the
# marker's first digit, and whether the two sit on one line.
MEASURE = """() => [...document.querySelectorAll('.article-body sup.citation')].flatMap(sup => {
  const before = sup.previousSibling;
  if (!before || before.nodeType !== Node.TEXT_NODE || !before.data.trim()) return [];
  const range = document.createRange();
  range.setStart(before, before.data.length - 1);
  range.setEnd(before, before.data.length);
  const word = range.getBoundingClientRect();
  const digit = document.createRange();
  const link = sup.querySelector('a');
  const number = link.lastChild;
  digit.selectNodeContents(number);
  const mark = digit.getBoundingClientRect();
  return [{gap: mark.left - word.right, sameLine: Math.abs(mark.bottom - word.bottom) < word.height}];
})"""


@pytest.mark.parametrize("width", [320, 390, 768, 1100])
def test_markers_hug_their_word_at_every_width(browser, live_server, width):
    """No visible gap before a marker, and it never wraps onto a line of its own."""
    call_command("load_demo")
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.goto("/articles/stage-4-breast-cancer-treatment-options/")
    found = tab.evaluate(MEASURE)
    context.close()
    assert len(found) >= 5
    assert all(m["sameLine"] for m in found), found
    assert all(-1 <= m["gap"] <= 3 for m in found), found
