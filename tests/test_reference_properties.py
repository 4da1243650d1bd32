"""Property tests: the parser and the marker renderer accept any text without crashing or inventing data."""

from hypothesis import given, settings
from hypothesis import strategies as st

from references.markers import citation_problems, render_markers
from references.parsing import parse_reference_line, parse_reference_list

# Text rich in the characters that matter: quotes, digits, brackets, colons, tags.
interesting = st.lists(
    st.sampled_from([*"1234567890 .,:;[]“”„«»\"'<>/ahpAPD-–\n", "http://", "doi:", "PMID", "<a>", "</a>", "<h2>", "</h2>"])
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), interesting))
def test_parser_never_crashes_and_read_entries_have_titles(text):
    """Any paste yields entries that are either read (with a title) or carry an error."""
    for entry in parse_reference_list(text):
        assert entry.ok or entry.error
        if entry.ok:
            assert entry.titles and all(entry.titles)
            assert entry.raw.strip()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), interesting))
def test_parsing_a_line_twice_gives_the_same_entry(text):
    line = text.replace("\n", " ")
    assert parse_reference_line(line) == parse_reference_line(line)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), interesting), st.integers(min_value=0, max_value=12))
def test_rendering_keeps_text_outside_markers_and_links_only_known_numbers(body, count):
    """Removing the generated links gives back the body; every link points to a citation that exists."""
    rendered = render_markers(body, count)
    for number, anchors in rendered.anchors.items():
        assert 1 <= number <= count and anchors
    if not rendered.anchors:
        assert rendered.html == body
    problems = citation_problems(body, count)
    assert isinstance(problems.blockers, list) and isinstance(problems.warnings, list)
