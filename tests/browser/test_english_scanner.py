"""The walk's page scanner in Chromium: what it collects from a page (rendered text, the
inside of closed details and of options, the attributes people are shown, the title) and
what it leaves out (scripts, hidden elements), so that a leak on a page cannot slip by."""

from __future__ import annotations

from tests.browser.english import page_leaks

PAGE = """<!doctype html><html lang="ru"><head><title>Главная · Home</title></head><body>
<p>Отметить как пройденный</p>
<p>Статус: <b>not started</b></p>
<details><summary>Причины</summary><p>course prospecting</p></details>
<select><option>Any track</option><option lang="en">Account manager</option></select>
<button aria-label="Close">×</button>
<input placeholder="Search" name="q"> <img alt="Logo" src="data:,">
<input type="submit" value="Save draft">
<p title="Waiting since">3 дня</p>
<span lang="en">English</span>
<div hidden>Hidden text</div><p style="display:none">Not shown</p>
<script>var notShown = "script text";</script>
</body></html>"""


def test_the_scanner_catches_english_wherever_a_person_sees_it(page) -> None:
    page.set_content(PAGE)
    found, marked = page_leaks(page, "ru")
    words = {word for leak in found for word in leak.words}
    assert words == {
        "Home", "not", "started", "course", "prospecting", "Any", "track", "Close", "Search",
        "Logo", "Save", "draft", "Waiting", "since",
    }  # fmt: skip
    assert {piece.text for piece in marked} == {"Account manager", "English"}
    assert not {"Hidden", "shown", "script"} & words


def test_a_page_in_the_language_is_clean(page) -> None:
    page.set_content('<html lang="uk"><title>Головна</title><p>Усе гаразд, Maria Mentor.</p>')
    assert page_leaks(page, "uk") == ([], [])
