"""Every string a person sees is marked for translation, and every language's catalog translates all of them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.base import Lexer, TokenType

from quillium_site import catalogs
from quillium_site.errors import ServiceError

ROOT = catalogs.ROOT
# Names that stay as they are in every language.
PROPER = {"Quillium", "API", "Discord", "OpenAI", "JSON", "URL", "Markdown", "RSS", "Atom", "ID", "UUID", "DLsite"}


def _files(suffix: str) -> list[Path]:
    return list(catalogs._files((suffix,)))


# -- templates ------------------------------------------------------------------------------------------------

TRANSLATING = {"translate", "trans", "blocktranslate", "blocktrans"}
SHOWN_ATTRIBUTES = re.compile(r"""\b(?:title|placeholder|aria-label|alt|label|data-confirm)\s*=\s*"([^"{]*)""")
LITERAL_IN_TAG = re.compile(r"""(?:default|firstof|yesno)\W+"([^"]*[A-Za-z][^"]*)\"""")


def _words(text: str) -> list[str]:
    text = re.sub(r"&\w+;|&#\d+;", " ", text)
    return [word for word in re.findall(r"[A-Za-z][A-Za-z'’-]*", text) if word not in PROPER]


def unmarked_template_text(source: str) -> list[str]:
    """Plain text, shown attributes and string literals of a template that no translate tag covers."""
    skeleton, found, depth = [], [], 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in {"blocktranslate", "blocktrans", "comment"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans", "endcomment"}:
                depth -= 1
            if name not in TRANSLATING:
                found += LITERAL_IN_TAG.findall(token.contents)
            skeleton.append(" ")
        elif token.token_type == TokenType.VAR:
            found += [] if "translate" in token.contents else LITERAL_IN_TAG.findall(token.contents)
            skeleton.append(" ")
        elif token.token_type == TokenType.TEXT and depth == 0:
            skeleton.append(token.contents)
    page = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", "".join(skeleton), flags=re.S | re.I)
    found += [value for value in SHOWN_ATTRIBUTES.findall(page) if _words(value)]
    found += [text.strip() for text in re.split(r"<[^>]*>", page) if _words(text)]
    return found


def test_every_template_string_is_marked():
    unmarked = {
        str(path.relative_to(ROOT)): strings
        for path in _files(".html")
        if (strings := unmarked_template_text(path.read_text()))
    }
    assert not unmarked


def test_the_template_check_finds_unmarked_text():
    source = (
        '{% load i18n %}<h1>{% translate "Chats" %}</h1><p>Plain words</p>'
        '<input placeholder="Search chats"><a title="{% translate "Open" %}">x</a>'
        '{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}{{ value|default:"Untitled" }}<b>Quillium</b>'
    )

    assert unmarked_template_text(source) == ["Untitled", "Search chats", "Plain words", "x"]


# -- Python ---------------------------------------------------------------------------------------------------

GETTEXT = set(catalogs.PYTHON_KEYWORDS)
SHOWN_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label", "description", "message"}
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}


def _shown_exceptions() -> set[str]:
    """Errors whose message people read: Django's, and every class of ours derived from them or from ServiceError
    (found in the source, so a module not imported yet still counts)."""
    shown = {ValidationError.__name__, PermissionDenied.__name__, "Http404", "NotFound", ServiceError.__name__}
    bases: dict[str, set[str]] = {}
    for path in catalogs._files((".py",)):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(_name(base) for base in node.bases)
    grew = True
    while grew:
        found = {name for name, parents in bases.items() if parents & shown} - shown
        shown |= found
        grew = bool(found)
    return shown


def _name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _literal_text(node: ast.expr | None) -> list[ast.expr]:
    """The parts of an argument that are prose written in place rather than passed through gettext."""
    if node is None:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and _words(node.value):
        return [node]
    if isinstance(node, ast.JoinedStr):
        return [node]
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) + _literal_text(node.right)
    if isinstance(node, ast.Dict):
        return [part for value in node.values for part in _literal_text(value)]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [part for value in node.elts for part in _literal_text(value)]
    if isinstance(node, ast.IfExp):
        return _literal_text(node.body) + _literal_text(node.orelse)
    return []  # a gettext call, a name or anything computed


RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def unmarked_python_nodes(tree: ast.AST, exceptions: set[str]) -> list[ast.expr]:
    """Prose written in place where people will read it: errors they are shown, flash messages, form, model and
    admin labels and help, choice labels."""
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(_name(base).endswith("Choices") for base in node.bases):
            for item in node.body:
                if isinstance(item, ast.Assign) and isinstance(item.value, ast.Tuple) and len(item.value.elts) > 1:
                    found += _literal_text(item.value.elts[-1])
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        shown: list[ast.expr | None] = []
        if name in exceptions:
            shown = [node.args[0] if node.args else None]
        elif name in MESSAGE_LEVELS and isinstance(node.func, ast.Attribute) and _name(node.func.value) == "messages":
            shown = [node.args[1] if len(node.args) > 1 else None]
        elif name == "message_user":  # the admin's flash messages
            shown = [node.args[1] if len(node.args) > 1 else None]
        elif name == "__init__" and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Call):
            shown = [node.args[0] if node.args else None]  # super().__init__(message) in an error class
        elif name.endswith("Field") and name not in RELATIONS and isinstance(node.func, ast.Attribute):
            shown = [node.args[0] if node.args else None]  # a model field's verbose name
            if _name(node.func.value) == "forms" and not any(kw.arg == "label" for kw in node.keywords):
                found.append(node)  # a form field's label would be its English attribute name
        if name not in GETTEXT:
            shown += [kw.value for kw in node.keywords if kw.arg in SHOWN_KEYWORDS or kw.arg == "error_messages"]
            shown += [label for kw in node.keywords if kw.arg == "choices" for label in _choice_labels(kw.value)]
        found += [part for arg in shown for part in _literal_text(arg)]
    for node in ast.walk(tree):  # names classes show people: AppConfig.nav_label, Meta.verbose_name, ...
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id in SHOWN_CLASS_ATTRIBUTES for target in node.targets
        ):
            found += _literal_text(node.value)
    for node in ast.walk(tree):  # widget attributes people read: {"placeholder": "..."}
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in SHOWN_ATTRIBUTE_KEYS:
                    found += _literal_text(value)
    return found


SHOWN_ATTRIBUTE_KEYS = {"placeholder", "title", "aria-label", "alt"}
SHOWN_CLASS_ATTRIBUTES = {
    "nav_label",
    "verbose_name",
    "verbose_name_plural",
    "empty_value_display",
    "short_description",
}


def _choice_labels(node: ast.expr) -> list[ast.expr]:
    """The labels of a literal choices list: [("value", "Label"), ...]."""
    if not isinstance(node, (ast.List, ast.Tuple)):
        return []
    return [pair.elts[-1] for pair in node.elts if isinstance(pair, (ast.List, ast.Tuple)) and len(pair.elts) == 2]


def unmarked_python_text(source: str, exceptions: set[str]) -> list[str]:
    return [ast.unparse(node) for node in unmarked_python_nodes(ast.parse(source), exceptions)]


def test_every_python_string_shown_to_people_is_marked():
    exceptions = _shown_exceptions()
    unmarked = {
        str(path.relative_to(ROOT)): strings
        for path in _files(".py")
        if "management" not in path.parts and (strings := unmarked_python_text(path.read_text(), exceptions))
    }
    assert not unmarked


def test_no_module_hides_gettext_behind_a_throwaway_name():
    # `x, _ = ...` in a module that imports `gettext as _` makes every later `_("...")` in that function fail.
    clashes = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in catalogs._files((".py",))
        if "gettext as _" in (source := path.read_text())
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)
    ]
    assert not clashes


def test_the_python_check_finds_unmarked_text():
    source = (
        "from django.utils.translation import gettext as _\n"
        "raise ValidationError({'content': 'A memo needs some text.'})\n"
        "raise ValidationError(_('Fine.'))\n"
        "messages.success(request, f'Saved {name}.')\n"
        "name = forms.CharField(label='Your name', help_text=_('Shown to others.'))\n"
        "raise ValueError('not shown to people')\n"
    )

    found = unmarked_python_text(source, _shown_exceptions())

    assert found == ["'A memo needs some text.'", "f'Saved {name}.'", "'Your name'"]


# -- scripts --------------------------------------------------------------------------------------------------

JS_STRING = re.compile(r"""(?<![\w$])(gettext|ngettext|pgettext|interpolate)?\s*\(?\s*(["'`])((?:\\.|(?!\2).)*)\2""")
LOWER_WORDS = re.compile(r"\s*[a-z]+(?:[-_][a-z]+)*(?:\s+[a-z]+(?:[-_][a-z]+)*)*\s*")
JS_NAMES = {
    "Content-Type", "Content-Disposition", "Enter", "Escape", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home",
    "End",
}  # fmt: skip
NOT_PROSE = re.compile(r"^[\w.#\[\]=\"' :>~*^$|?&/-]*$|^[a-z-]+/[a-z-]+$|^/")  # selectors, ids, types, paths
# A CSS selector that starts with a tag or :scope ("main li[data-track]", ":scope > [data-persist]").
SELECTOR = re.compile(r"\s*(?::scope|[a-z]+)(?:\s*[>~+]?\s*[a-z]*(?:[#.][\w-]+|\[[^\]]*\]|:[\w-]+(?:\([^)]*\))?)+)+\s*")


def unmarked_script_text(source: str) -> list[str]:
    source = re.sub(r"^\s*//.*$", "", source, flags=re.M)
    source = re.sub(r"\b(?:n|p|np)?gettext\s*\((?:[^()]|\([^()]*\))*\)", " ", source)  # marked: every literal inside
    found = []
    for call, _quote, literal in JS_STRING.findall(source):
        text = re.sub(r"\$\{[^}]*\}|\\.", " ", literal)  # interpolations and escapes say nothing themselves
        if call or not _words(text) or text.strip() in JS_NAMES or re.match(r"\s*[#.\[]", text):
            continue
        if SELECTOR.fullmatch(text):
            continue
        if re.match(r"\s*[A-Z][a-z]", text):
            found.append(literal)  # a capitalised word: a label or a sentence
            continue
        if all(NOT_PROSE.match(part.strip()) and " " not in part.strip() for part in text.split(",")):
            continue  # a selector, or a list of them
        if re.fullmatch(r"\s*[a-z]+(?:[-_][a-z]+)*(?:\s+[a-z]+(?:[-_][a-z]+)*)*\s*", text) and not re.search(
            r"[A-Z.!?]", text
        ):
            continue  # event names, class lists, keys
        found.append(literal)
    return found


def test_every_script_string_shown_to_people_is_marked():
    unmarked = {
        str(path.relative_to(ROOT)): strings
        for path in _files(".js")
        if (strings := unmarked_script_text(path.read_text()))
    }
    assert not unmarked


def test_the_script_check_finds_unmarked_text():
    source = (
        'el.textContent = "Copied"; x.querySelector(".memo-card"); say(gettext("Sent.")); on("click", f);'
        ' el.closest("section, .panel"); alert("Saved, done");'
    )

    assert unmarked_script_text(source) == ["Copied", "Saved, done"]


# -- catalogs -------------------------------------------------------------------------------------------------


def test_every_language_translates_every_string():
    problems = catalogs.check()

    assert not problems, "\n".join(problems.lines())


@pytest.mark.parametrize(
    ("language", "sign_in", "works"), [("zh-hans", "登录", "3 部作品"), ("ja", "ログイン", "3 作品")]
)
def test_the_compiled_catalogs_are_what_django_reads(language, sign_in, works):
    from django.utils import translation

    with translation.override(language):  # the catalogs compiled at the session's start (tests/conftest.py)
        assert translation.gettext("Sign in") == sign_in
        assert translation.ngettext("%(works)s work", "%(works)s works", 3) % {"works": 3} == works
        assert translation.pgettext("does not expire", "never") != translation.pgettext("not used yet", "never")


def test_every_model_field_has_a_translatable_name():
    """Field names are the admin's column headers, filters and form labels: a field Django names from its attribute
    ("created at") would stay English on a translated page."""
    from django.apps import apps
    from django.utils.functional import Promise

    ours = {"accounts", "ai", "bots", "chats", "gamestats", "library", "memos"}
    unnamed = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in ours
        for field in model._meta.local_fields + list(model._meta.local_many_to_many)
        if not field.auto_created and field.name != "id" and not isinstance(field.verbose_name, Promise)
    ]

    assert unnamed == []


def test_every_model_has_translated_names():
    """Models name the admin's tables and its "Select memo to change": both the singular and the plural."""
    from django.apps import apps
    from django.utils import translation

    ours = {"accounts", "ai", "bots", "chats", "gamestats", "library", "memos"}
    models = [model for model in apps.get_models() if model._meta.app_label in ours]
    with translation.override("en"):
        english = {model: (str(model._meta.verbose_name), str(model._meta.verbose_name_plural)) for model in models}
    with translation.override("ja"):
        untranslated = [
            model._meta.label
            for model in models
            if {str(model._meta.verbose_name), str(model._meta.verbose_name_plural)} & set(english[model])
        ]

    assert untranslated == []
