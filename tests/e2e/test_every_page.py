"""Every page, in English, 简体中文 and 日本語, on a phone (390 px, dark theme) and a desktop (1280 px, light theme):
nothing scrolls sideways, `<html lang>` is the reader's, no English is left on a translated page, tap targets on a
phone are at least 44 px, an empty choice says what it means (not "---------"), and axe-core finds nothing serious or
critical."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import pytest
from axe_playwright_python.sync_playwright import Axe
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import URLResolver, get_resolver
from django.utils.translation import to_locale
from playwright.sync_api import Browser, BrowserContext
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.helpers import sign_in
from tests.e2e.pages import NOT_PAGES, SIGNED_IN, SIGNED_OUT, household

LANGUAGES = {"en": ("en", "en-US"), "zh-hans": ("zh-Hans", "zh-CN"), "ja": ("ja", "ja-JP")}
SCREENS = [  # (width, height, colour scheme): a phone in the dark, a desktop in the light
    (390, 844, "dark"),
    (1280, 800, "light"),
]
# What stays as it is in every language: names of things, formats, keys and the test data's own names.
PROPER_NAMES = re.compile(
    r"(\b(Quillium|Discord|Markdown|PDF|PNG|JPEG|GIF|WebP|OpenAI|Wordle|REST|API|JSON|RSS|Atom|LRC|WAV|MP3|URL|MiB|zip|nsfw|Enter|Shift|"
    r"UTC|RJ\d+|fake-small|player\d+|prefix|language|\w+_\w+)\b|[\w.+-]+@[\w.-]+|https?://\S+|/[\w/.-]+)"
)
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")

PAGE_FACTS = """() => {
  const root = document.documentElement;
  const visible = (el) => el.checkVisibility({visibilityProperty: true, opacityProperty: true});
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const skipped = 'script, style, template, [data-user-content], .markdown, pre, code';
    if (!el || el.closest(skipped) || !visible(el)) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) texts.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], img[alt], input[type=submit]')) {
    if (el.closest('[data-user-content], .markdown')) continue;
    for (const name of ['placeholder', 'title', 'aria-label', 'alt', 'value']) {
      if (name === 'value' && !(el.tagName === 'INPUT' && el.type === 'submit')) continue;
      const value = (el.getAttribute(name) || '').trim();
      if (value) texts.push(value);
    }
  }
  const small = [];
  const targets = 'button, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), summary, ' +
    'nav a, a.button, a.badge, label:has(> input[type=checkbox]), label:has(> input[type=radio])';
  for (const el of document.querySelectorAll(targets)) {
    if (!visible(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width && (box.height < 43.5 || box.width < 43.5)) {
      const name = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30);
      small.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  const wide = [];  // what sticks out, innermost first, to say where an overflow comes from
  if (root.scrollWidth - root.clientWidth > 1) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > root.clientWidth + 1 && !el.parentElement?.closest('.table-scroll') &&
          ![...el.children].some((child) => child.getBoundingClientRect().right > root.clientWidth + 1)) {
        wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.right)}`);
      }
    }
  }
  const placeholders = [...document.querySelectorAll('option')].map((option) => option.text.trim())
    .filter((text) => /^-{3,}$/.test(text) || /select an option/i.test(text));
  return {lang: root.lang, overflow: root.scrollWidth - root.clientWidth, texts, small, wide, placeholders};
}"""


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@cache
def catalog_patterns(language: str) -> list[re.Pattern[str]]:
    """The English source of every string this language translates, as a pattern its rendered text would match
    (a string translated as itself, such as "API", is a name and stays)."""
    patterns = []
    for domain in ("django", "djangojs"):
        path = settings.BASE_DIR / "locale" / to_locale(language) / "LC_MESSAGES" / f"{domain}.po"
        with path.open("rb") as file:
            for message in read_po(file):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                for english in ids:
                    if not re.search(r"[A-Za-z]{2,}", PLACEHOLDER.sub("", english)) or english in strings:
                        continue
                    parts = PLACEHOLDER.split(english)
                    patterns.append(re.compile(r".{1,80}?".join(re.escape(part.strip()) for part in parts)))
    return patterns


def english_left(texts: list[str], language: str) -> list[str]:
    left = []
    for text in dict.fromkeys(texts):
        bare = PROPER_NAMES.sub("", text)
        if ENGLISH_WORD.search(bare) or any(pattern.fullmatch(text) for pattern in catalog_patterns(language)):
            left.append(text)
    return left


def check(
    context: BrowserContext, url: str, where: str, lang: str, width: int, findings: Findings, *, axe: Axe
) -> None:
    page = context.new_page()  # a page of its own: a failed navigation can't leak into the next one
    try:
        response = page.goto(url, wait_until="load")
    except PlaywrightError as error:  # a status Chromium shows no page for (a 405 to a GET)
        findings.add(where, str(error).splitlines()[0])
        page.close()
        return
    if response is None or response.status != 200:
        findings.add(where, f"status {response.status if response else 'none'}")
        page.close()
        return
    facts = page.evaluate(PAGE_FACTS)
    if facts["lang"] != lang:
        findings.add(where, f'<html lang="{facts["lang"]}">')
    if facts["overflow"] > 1:
        findings.add(where, f"scrolls sideways by {facts['overflow']} px: {facts['wide'][:4]}")
    if lang != "en" and (left := english_left(facts["texts"], lang)):
        findings.add(where, f"English left: {left[:8]}")
    if facts["placeholders"]:
        findings.add(where, f"a choice that says nothing: {facts['placeholders']}")
    if width < 600 and facts["small"]:
        findings.add(where, f"tap targets under 44 px: {facts['small'][:6]}")
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            nodes = [node["target"] for node in violation["nodes"][:3]]
            findings.add(where, f"axe {violation['impact']} {violation['id']}: {violation['help']} at {nodes}")
    page.close()


def test_the_list_holds_every_page():
    def names(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace not in ("admin", "v1") and not str(pattern.pattern).startswith("^api"):
                    yield from names(
                        pattern.url_patterns, namespace + (f"{pattern.namespace}:" * bool(pattern.namespace))
                    )
            elif pattern.name:
                yield namespace + pattern.name

    routes = set(names(get_resolver().url_patterns))
    listed = set(SIGNED_IN) | set(SIGNED_OUT) | NOT_PAGES
    assert routes - listed == set(), "a new page: add it to tests/e2e/pages.py"
    assert listed - routes == set(), "a page that no longer exists"


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.django_db(transaction=True)
def test_every_page_in_every_language_on_a_phone_and_a_desktop(
    live_server, browser: Browser, staff, password, tmp_path, settings, fake_llm, language
):
    settings.LIBRARY_ROOTS = {"voice": str(tmp_path / "voice")}
    ids = household(staff, tmp_path / "voice")
    header, locale = LANGUAGES[language]
    axe = Axe()
    findings = Findings()
    for width, height, scheme in SCREENS:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            locale=locale,
            extra_http_headers={"Accept-Language": header},
        )
        for name, path in SIGNED_OUT.items():
            check(
                context,
                live_server.url + path.format(**ids),
                f"{width} signed out {name}",
                language,
                width,
                findings,
                axe=axe,
            )
        sign_in(context.new_page(), live_server.url, staff.email, password)
        for name, path in SIGNED_IN.items():
            url = live_server.url + path.format(**ids)
            check(context, url, f"{width} {name}", language, width, findings, axe=axe)
        context.close()

    assert findings.problems == [], "\n".join(findings.problems)
