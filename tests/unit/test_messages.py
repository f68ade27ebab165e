"""Every message the domain can say is a literal template in the catalogue, in Chinese.

Walks every raise site (every call of an error class, in reconcile/, importers/ and api/),
extracts the catalogue's keys as `make messages` does (babel.cfg), and checks the Chinese
catalogue against them: no template missing, no placeholder lost or invented, no English
left in a Chinese message.
"""

from __future__ import annotations

import ast
import configparser
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

import api
import importers
import reconcile
from api.errors import HTTP_CODES, STATUS_OF
from api.message_catalogue import catalogue
from api.web.messages import MESSAGES
from importers.base import StatementParseError
from reconcile.alert_texts import TEMPLATES
from reconcile.alerts import AlertKind
from reconcile.errors import DomainError, Message, ValueProblem, placeholders

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("reconcile", "importers", "api")
#: words a Chinese message may keep as they are: formats, standards, units of the trade
KEPT_WORDS = {
    "CSV", "XLSX", "XLS", "HTML", "XML", "OFX", "QFX", "MT940", "CAMT", "BAI", "IBAN",
    "UTF", "GBK", "GB18030", "NUL", "BOM", "ZIP", "API", "JSON", "TOML", "ISO", "SWIFT",
    "YYYY", "MM", "DD", "pain", "SHA", "PDF", "URL", "HTTP", "HTTPS", "Content", "Type",
    "Accept", "Language", "id", "SQL", "regex", "Idempotency", "Key", "camt", "pain.001",
    "Bearer", "Unicode",
}  # fmt: skip


def _subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def _import_everything() -> None:
    for package in (reconcile, importers, api):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)


_import_everything()
ERROR_CLASSES = {
    c.__name__: c
    for base in (DomainError, ValueProblem, StatementParseError)
    for c in {base, *_subclasses(base)}
}
#: what else says a message: a nested message, a note the service writes
SAYERS = {**ERROR_CLASSES, "Message": Message}


def _keywords() -> dict[str, set[str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / "babel.cfg", encoding="utf-8")
    return {
        section.split(":", 1)[1].strip().split("/")[0]: set(config[section]["keywords"].split())
        for section in config.sections()
    }


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield package, path


def _constants(tree: ast.Module) -> dict[str, str]:
    """A module's names bound to a literal template, or to N_("…")."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            if isinstance(value, ast.Call) and getattr(value.func, "id", "") == "N_":
                value = value.args[0]
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for target in targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = value.value
    return found


def _raise_sites():
    """Yield (where, class name, template or None, the call) for each error constructed."""
    for package, path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in SAYERS or not node.args:
                continue
            first = node.args[0]
            if isinstance(first, ast.Call) and getattr(first.func, "id", "") == "N_":
                first = first.args[0]
            template = None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                template = first.value
            elif isinstance(first, ast.Name) and first.id in constants:
                template = constants[first.id]
            elif isinstance(first, ast.Name | ast.Attribute | ast.Subscript) and name == "Message":
                template = ""  # a template passed in: marked N_ where it is written
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            yield package, where, name, template, node


SITES = list(_raise_sites())


def test_the_walk_finds_the_raise_sites():
    assert len(SITES) > 300
    assert {s[2] for s in SITES} >= {"NotFound", "ValidationFailed", "StatementParseError"}


def test_every_message_is_a_literal_template():
    wrong = [f"{where} {name}" for _, where, name, template, _ in SITES if template is None]
    assert not wrong, "messages must be literal templates with named facts:\n" + "\n".join(wrong)


def test_every_placeholder_is_given_as_a_fact():
    wrong = []
    for _, where, name, template, call in SITES:
        if not template or any(k.arg is None for k in call.keywords):
            continue  # **facts: checked where they are built
        given = {k.arg for k in call.keywords}
        if name == "Message" and len(call.args) > 1:
            facts = call.args[1]
            if not isinstance(facts, ast.Dict) or None in facts.keys:
                continue
            given = {k.value for k in facts.keys if isinstance(k, ast.Constant)}
        missing = placeholders(template) - given
        if missing:
            wrong.append(f"{where} {name}: {sorted(missing)} not given")
    assert not wrong, "\n".join(wrong)


def test_babel_cfg_names_every_error_class_used_in_its_package():
    keywords = _keywords()
    wrong = sorted(
        {f"{package}: {name}" for package, _, name, _, _ in SITES if name not in keywords[package]}
    )
    assert not wrong, "add these to babel.cfg's keywords:\n" + "\n".join(wrong)


def _extracted() -> dict[str, str]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={}
    ):
        if isinstance(message, str):
            found.setdefault(message, f"{filename}:{lineno}")
    return found


EXTRACTED = _extracted()


def test_every_template_is_in_the_chinese_catalogue():
    zh = catalogue("zh")
    missing = [
        f"{where}: {template!r}" for template, where in EXTRACTED.items() if not zh.get(template)
    ]
    assert not missing, "run `make messages` and translate:\n" + "\n".join(missing)


@pytest.mark.parametrize("template", sorted(EXTRACTED))
def test_a_translation_keeps_the_placeholders(template):
    translated = catalogue("zh").get(template)
    if translated:
        assert placeholders(translated) == placeholders(template)


_WORD = re.compile(r"[A-Za-z][A-Za-z.]{2,}")


def test_no_english_is_left_in_a_chinese_message():
    leftover = []
    for template, translated in catalogue("zh").items():
        bare = re.sub(r"\{[^}]*\}", "", translated)
        words = {w for w in _WORD.findall(bare) if w.strip(".") not in KEPT_WORDS}
        if words:
            leftover.append(f"{template!r} -> {translated!r}: {sorted(words)}")
    assert not leftover, "\n".join(leftover)


def test_every_error_code_has_a_status_and_a_title_in_both_languages():
    codes = {c.code for c in ERROR_CLASSES.values() if isinstance(getattr(c, "code", None), str)}
    codes -= {"domain_error"}
    assert codes <= set(STATUS_OF), sorted(codes - set(STATUS_OF))
    for code in codes | set(STATUS_OF) | set(HTTP_CODES.values()):
        zh, en = MESSAGES.get(f"error.{code}", (None, None))
        assert zh and en, f"error.{code} needs a title in both languages"


def test_every_alert_kind_has_a_text():
    assert set(AlertKind) <= set(TEMPLATES)
    zh = catalogue("zh")
    for key, template in TEMPLATES.items():
        assert zh.get(template), f"{key}: {template!r} has no Chinese"
