"""The 大字 and 高对比 reading modes in headless Chromium: switched from every page by mouse or
keyboard, remembered across pages without a cookie, following the system's contrast setting
without JavaScript, and passing axe (WCAG 2.1 A/AA) in each mode at phone and desktop widths,
with no sideways scrolling at 360 px."""

from __future__ import annotations

import json

import pytest

from test_government_site import KINDS, page_types
from test_site_browser import AXE

pytestmark = pytest.mark.browser

BLACK = "rgb(0, 0, 0)"
MODES = {"standard": {}, "large": {"large": True}, "contrast": {"contrast": True}}


def body_style(page, name: str) -> str:
    return page.evaluate(f"getComputedStyle(document.body)[{name!r}]")


def switch(page, name: str):
    return page.get_by_role("button", name=name)


def test_the_modes_are_remembered_across_pages_without_a_cookie(browser, government_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(government_url + "/")
    assert body_style(page, "fontSize") == "16px" and body_style(page, "backgroundColor") != BLACK
    switch(page, "大字").click()
    switch(page, "高对比").click()
    assert body_style(page, "fontSize") == "24px" and body_style(page, "backgroundColor") == BLACK
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="机构名录").click()
    page.wait_for_url("**/orgs/")
    assert body_style(page, "fontSize") == "24px" and body_style(page, "backgroundColor") == BLACK
    assert switch(page, "大字").get_attribute("aria-pressed") == "true"
    switch(page, "大字").click()  # off again; contrast stays
    page.locator("table.orgs tbody a").first.click()
    page.wait_for_url("**/org/*/")
    assert body_style(page, "fontSize") == "16px" and body_style(page, "backgroundColor") == BLACK
    assert switch(page, "大字").get_attribute("aria-pressed") == "false"
    assert switch(page, "高对比").get_attribute("aria-pressed") == "true"
    assert context.cookies() == []
    context.close()


def test_the_switches_are_reached_and_used_by_keyboard(browser, government_url):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(government_url + "/occupations/")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "大字":
            break
    page.keyboard.press("Enter")
    assert body_style(page, "fontSize") == "24px"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "高对比"
    page.keyboard.press("Space")
    assert body_style(page, "backgroundColor") == BLACK
    assert switch(page, "高对比").get_attribute("aria-pressed") == "true"
    context.close()


def test_without_javascript_the_switches_are_absent_and_the_system_contrast_applies(browser, government_url):
    context = browser.new_context(java_script_enabled=False, contrast="more")
    page = context.new_page()
    page.goto(government_url + "/")
    assert not page.locator(".modes").is_visible()
    assert body_style(page, "backgroundColor") == BLACK
    context.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(government_url + "/")
    assert body_style(page, "backgroundColor") != BLACK
    context.close()


@pytest.mark.parametrize("width", (360, 1280))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_each_page_type_passes_axe_in_each_mode(browser, government_url, fixture_files, kind, mode, width):
    # bypass_csp lets the test inject axe; the site's own pages never need it.
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    context.add_init_script(f"localStorage.setItem('mulu-modes', {json.dumps(json.dumps(MODES[mode]))})")
    page = context.new_page()
    page.goto(government_url + page_types(fixture_files)[kind][0])
    try:
        if mode == "large":
            assert body_style(page, "fontSize") == "24px"
        if width == 360:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"page is {overflow}px wider than the 360px screen"
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]]
        assert violations == [], violations
    finally:
        context.close()
