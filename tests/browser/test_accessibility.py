"""Accessible and usable on a phone (issue 17 item 9): axe-core (from npm, injected by
Playwright) finds no serious or critical violation of WCAG 2.2 A/AA on the main pages of each
role, at a desktop (1280 px) and a phone (390 px) width; no main page is wider than the phone;
every page has a skip link, a visible focus ring and a favicon."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.browser.office_world import build_office_world, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}

COMMON = ["home", "projects:list", "calls:list", "applications:list", "deadlines:mine"]
MAIN_PAGES = {
    "province_office": [
        *COMMON,
        "overview",
        "findings:list",
        "procurement:list",
        "manage:organisation_list",
        "deadlines:notifications",
        "determination:arrangements",
        "determination:adjustments",
    ],
    "city_office": [*COMMON, "overview", "findings:list", "procurement:list"],
    "hrss": ["home", "overview", "procurement:list", "projects:list"],
    "applicant": [*COMMON, "deadlines:notifications", "public:call_list"],
    "implementer": ["home", "projects:list", "procurement:list", "findings:list"],
}


def _pages(world):
    yield from (
        (role, world.users[role], name) for role, names in MAIN_PAGES.items() for name in names
    )


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: '
                    + (n.failureSummary || '').slice(0, 160))}));
        }""",
        TAGS,
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_violation_on_the_main_pages(live_server, browser):
    world = build_office_world()
    problems = []
    for size, (width, height) in SIZES.items():
        # The page's Content-Security-Policy forbids inline scripts; axe is the test's own.
        context = browser.new_context(
            locale="zh-CN", viewport={"width": width, "height": height}, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(20000)
        current = None
        for role, user, name in _pages(world):
            if user != current:
                context.clear_cookies()
                log_in(page, live_server, user)
                current = user
            response = page.goto(live_server.url + reverse(name))
            assert response.status == 200, (role, name, response.status)
            for violation in _axe(page):
                problems.append((size, role, name, violation))
        context.close()
    assert problems == [], "\n".join(
        f"{size} {role} {name}: {v['id']} ({v['impact']}) {v['help']} — {v['nodes']}"
        for size, role, name, v in problems
    )


def test_no_main_page_is_wider_than_a_phone(live_server, browser):
    world = build_office_world()
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20000)
    wide = []
    current = None
    for role, user, name in _pages(world):
        if user != current:
            context.clear_cookies()
            log_in(page, live_server, user)
            current = user
        page.goto(live_server.url + reverse(name))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            culprit = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > 391
                                 && !e.closest('.table-responsive, .wipp-chart'))
                    .slice(0, 3).map(e => e.tagName + '.' + e.className)"""
            )
            wide.append((role, name, width, culprit))
    context.close()
    assert wide == []


def test_skip_link_focus_ring_and_favicon(live_server, page):
    world = build_office_world(projects=1)
    log_in(page, live_server, world.users["city_office"])
    page.goto(live_server.url + reverse("projects:list"))
    page.keyboard.press("Tab")
    skip = page.locator("[data-testid=skip-link]")
    assert skip.evaluate("e => e === document.activeElement")
    assert skip.is_visible()
    outline = skip.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth"
    )
    assert outline == "solid 3px"
    skip.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    icon = page.locator("link[rel=icon]").first.get_attribute("href")
    assert page.request.get(live_server.url + icon).status == 200
