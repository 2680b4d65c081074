"""The translation catalogs: finding every marked string in the code, merging them into `locale/<lang>/*.po`,
compiling those to `.mo`, and saying what is missing.

Pure Python (Babel), so `make run` and `make test` need no GNU gettext: templates go through Django's own
`templatize` (what `makemessages` feeds xgettext), Python and JavaScript through Babel's extractors, with Django's
gettext names as keywords. The msgids are therefore the ones Django looks up at run time.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.utils.translation import to_locale
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
LOCALE_DIR = ROOT / "locale"
# Where user-facing code lives: the apps and the site (tests, benches, migrations and virtualenvs are not shipped).
SOURCES = ["accounts", "ai", "bots", "chats", "gamestats", "library", "memos", "quillium_site"]
SKIPPED_PARTS = {"migrations", "__pycache__", "vendor"}

PYTHON_KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
JS_KEYWORDS = {"gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
DOMAINS = {"django": (".py", ".html", ".txt"), "djangojs": (".js",)}


def languages() -> list[str]:
    """The locales with catalogs: every language but the one the code is written in."""
    return [to_locale(code) for code, _ in settings.LANGUAGES if code != "en"]


def _files(suffixes: tuple[str, ...]) -> Iterator[Path]:
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*")):
            if path.suffix in suffixes and not SKIPPED_PARTS & set(path.relative_to(ROOT).parts):
                yield path


def _messages(path: Path) -> Iterator[tuple[int, str | tuple[str, ...], str | None]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".js":
        method, keywords = "javascript", JS_KEYWORDS
    else:
        method, keywords = "python", PYTHON_KEYWORDS
        if path.suffix in {".html", ".txt"}:
            # templatize blanks out plain text and keeps one gettext call per tag, each on one line; its
            # indentation is the template's, which Python's tokenizer would refuse.
            text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).splitlines())
    for lineno, message, _comments, context in extract(method, io.BytesIO(text.encode()), keywords=keywords):
        yield lineno, message, context


def extracted(domain: str) -> Catalog:
    """Every string the code marks for translation in `domain`, as a template catalog (no translations)."""
    catalog = Catalog(domain=domain, project="Quillium", charset="utf-8")
    for path in _files(DOMAINS[domain]):
        where = str(path.relative_to(ROOT))
        for lineno, message, context in _messages(path):
            if isinstance(message, tuple):
                message = tuple(part for part in message if part is not None)
                if len(message) == 1:
                    message = message[0]
            if message:
                catalog.add(message, locations=[(where, lineno)], context=context)
    return catalog


def po_path(locale: str, domain: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{domain}.po"


def read(locale: str, domain: str) -> Catalog:
    path = po_path(locale, domain)
    if not path.exists():
        return Catalog(locale=locale, domain=domain, project="Quillium", charset="utf-8")
    with path.open("rb") as file:
        return read_po(file, locale=locale, domain=domain)


HEADER = (
    "{language} translations of Quillium. Edit the msgstr lines; `manage.py translations --update` adds new strings."
)


def _stable_header(catalog: Catalog) -> None:
    # A fuzzy header would be left out of the .mo with every fuzzy entry, and its plural rule with it.
    catalog.fuzzy = False
    catalog.header_comment = "# " + HEADER.format(language=catalog.locale.english_name if catalog.locale else "")
    catalog.project, catalog.version = "Quillium", "1"
    catalog.msgid_bugs_address = catalog.last_translator = catalog.language_team = "Quillium contributors"


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=120, no_location=True, omit_header=False, sort_output=True, ignore_obsolete=True)
    path.write_bytes(buffer.getvalue())


def update() -> dict[str, int]:
    """Merge the code's strings into every catalog: new ones arrive untranslated, gone ones leave, and a changed
    string keeps no guess (Babel's fuzzy matching is off: a wrong translation is worse than none)."""
    added = {}
    for domain in DOMAINS:
        template = extracted(domain)
        for locale in languages():
            catalog = read(locale, domain)
            before = {message.id for message in catalog if message.id}
            template.creation_date = catalog.creation_date  # no churn in the header when nothing changed
            catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
            catalog.obsolete.clear()
            _stable_header(catalog)
            _write(catalog, po_path(locale, domain))
            added[f"{locale}/{domain}"] = len({m.id for m in catalog if m.id} - before)
    return added


def compile_all() -> list[Path]:
    """Write the `.mo` next to each `.po` (fuzzy entries left out, as Django would ignore them anyway)."""
    written = []
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as file:
            catalog = read_po(file)
        mo = po.with_suffix(".mo")
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")  # then renamed: a process reading it never sees half
        with partial.open("wb") as file:
            write_mo(file, catalog, use_fuzzy=False)
        os.replace(partial, mo)
        written.append(mo)
    return written


@dataclass
class Problems:
    missing: list[str] = field(default_factory=list)  # in the code, not in the catalog
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # in the catalog, gone from the code

    def __bool__(self) -> bool:
        return bool(self.missing or self.untranslated or self.fuzzy or self.stale)

    def lines(self) -> Iterable[str]:
        for kind in ("missing", "untranslated", "fuzzy", "stale"):
            for entry in getattr(self, kind):
                yield f"{kind}: {entry}"


def _key(message_id: str | tuple[str, ...] | list[str], context: str | None) -> str:
    text = message_id if isinstance(message_id, str) else message_id[0]
    return f"{context}|{text}" if context else text


def check() -> Problems:
    """What stands between the code and complete catalogs in every language."""
    problems = Problems()
    for domain in DOMAINS:
        wanted = {_key(m.id, m.context) for m in extracted(domain) if m.id}
        for locale in languages():
            catalog = read(locale, domain)
            present = {}
            for message in catalog:
                if message.id:
                    present[_key(message.id, message.context)] = message
            where = f"{locale}/{domain}"
            problems.missing += [f"{where}: {key!r}" for key in sorted(wanted - present.keys())]
            problems.stale += [f"{where}: {key!r}" for key in sorted(present.keys() - wanted)]
            for key, message in sorted(present.items()):
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if not all(strings):
                    problems.untranslated.append(f"{where}: {key!r}")
                if message.fuzzy:
                    problems.fuzzy.append(f"{where}: {key!r}")
    return problems
