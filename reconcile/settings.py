"""Settings: defaults from config/settings.toml, a RECONCILE_CONFIG file, RECONCILE_* variables."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
DEFAULTS_FILE = CONFIG_DIR / "settings.toml"
ENV_PREFIX = "RECONCILE_"
SHORTCUTS = {"RECONCILE_DATABASE_URL": ("database", "url")}


class SettingsError(ValueError):
    """A settings file or variable that cannot be used."""


def load_settings(
    environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """Return the merged settings: defaults, then RECONCILE_CONFIG, then the environment."""
    environ = os.environ if environ is None else environ
    settings = _read_toml(DEFAULTS_FILE)
    if environ.get("RECONCILE_CONFIG"):
        _merge(settings, _read_toml(Path(environ["RECONCILE_CONFIG"])), strict=True)
    _merge(settings, _from_environment(settings, environ), strict=True)
    if overrides:
        _merge(settings, overrides, strict=True)
    settings["_config_dir"] = {"path": str(_config_dir(environ))}
    return settings


def _config_dir(environ: Mapping[str, str]) -> Path:
    if environ.get("RECONCILE_CONFIG"):
        return Path(environ["RECONCILE_CONFIG"]).resolve().parent
    return CONFIG_DIR


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise SettingsError(f"cannot read settings file {path}: {e}") from e


def _merge(base: dict, update: Mapping, *, strict: bool) -> None:
    for section, values in update.items():
        if section not in base:
            raise SettingsError(f"unknown settings section [{section}]")
        for key, value in values.items():
            if strict and key not in base[section]:
                raise SettingsError(f"unknown setting {section}.{key}")
            base[section][key] = value


def _from_environment(defaults: dict, environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name == "RECONCILE_CONFIG":
            continue
        target = SHORTCUTS.get(name) or _section_and_key(defaults, name[len(ENV_PREFIX) :])
        if target is None:
            continue
        section, key = target
        found.setdefault(section, {})[key] = _coerce(defaults[section][key], value, name)
    return found


def _section_and_key(defaults: dict, suffix: str) -> tuple[str, str] | None:
    lowered = suffix.lower()
    for section, values in defaults.items():
        prefix = section + "_"
        if lowered.startswith(prefix) and lowered[len(prefix) :] in values:
            return section, lowered[len(prefix) :]
    return None


def _coerce(default: Any, value: str, name: str) -> Any:
    if isinstance(default, bool):
        if value.lower() not in {"1", "0", "true", "false", "yes", "no"}:
            raise SettingsError(f"{name} must be true or false, not {value!r}")
        return value.lower() in {"1", "true", "yes"}
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError as e:
            raise SettingsError(f"{name} must be a whole number, not {value!r}") from e
    if isinstance(default, list):
        raise SettingsError(f"{name}: list settings are set in the RECONCILE_CONFIG file")
    return value
