"""The portal's identity, from the registry's ``portal`` keys: what every government
site shows in its header and footer (政府网站发展指引): 主办单位, 承办单位, 网站标识码,
ICP备案号, 公安机关备案号, 联系我们, and its logo.

Read once when the app starts (a registry edit takes effect at the next start,
like the portal's name).  The logo is served by the portal itself
(``/portal-logo``), from memory: the strict CSP allows images from ``'self'``
only.  A registry that cannot be read, or a logo file that is missing or no
image, does not keep the portal down: it is reported on stderr, file:line, and
the portal goes on without it.
"""
from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from harvester.registry import Contact, RegistryError, load_registry
from harvester.registry_files import read_logo

EXTENSION = "zhanqun_identity"


@dataclass(frozen=True)
class Logo:
    data: bytes
    mimetype: str

    @property
    def version(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:12]


@dataclass(frozen=True)
class Identity:
    site_code: str | None = None
    icp: str | None = None
    police_record: str | None = None
    police_record_code: str | None = None  # its digits, for the link to its public entry
    organizer: str | None = None
    operator: str | None = None
    contact: Contact | None = None
    logo: Logo | None = None


def _warn(message: str) -> None:
    print(f"zhanqun portal: {message}", file=sys.stderr, flush=True)


def load_identity(registry_path: str | None) -> Identity:
    if not registry_path or not Path(registry_path).is_file():
        return Identity()
    try:
        portal = load_registry(registry_path).portal
    except RegistryError as exc:
        _warn("the registry has errors; the portal is served without its identity (主办、备案号…):\n"
              + "\n".join(str(p) for p in exc.problems))
        return Identity()
    logo = None
    if portal.logo:
        try:
            logo = Logo(*read_logo(Path(registry_path).resolve().parent / portal.logo))
        except ValueError as exc:
            _warn(f"{registry_path}: portal.logo: {exc} (the portal is served without a logo)")
    return Identity(
        site_code=portal.site_code, icp=portal.icp, police_record=portal.police_record,
        police_record_code=portal.police_record_code, organizer=portal.organizer, operator=portal.operator,
        contact=portal.contact, logo=logo,
    )


def init_identity(app: Flask) -> Identity:
    if EXTENSION not in app.extensions:
        app.extensions[EXTENSION] = load_identity(app.config.get("REGISTRY_PATH"))
    return app.extensions[EXTENSION]


def identity() -> Identity:
    return current_app.extensions[EXTENSION]
