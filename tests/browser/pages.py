"""Browser pages for the tests: a fresh context per page, watched for console errors,
uncaught exceptions, dialogs and Content-Security-Policy violations; and sign-in
through the login form."""
from __future__ import annotations

from dataclasses import dataclass, field

from tests.browser.livehub import EDITOR, PASSWORD

TIMEOUT_MS = 10_000

# Records CSP violations from inside the page.  Init scripts are injected by the
# browser itself, so the page's own policy does not apply to this one.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@dataclass
class Watch:
    """What a page said while the test drove it: console errors, uncaught errors, dialogs."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        def console(message) -> None:
            url = (message.location or {}).get("url", "")
            if message.type == "error":
                self.console_errors.append(f"{message.text} ({url})")

        def dialog(d) -> None:
            self.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("console", console)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("dialog", dialog)

    def csp_messages(self) -> list[str]:
        return [m for m in self.console_errors if "Content Security Policy" in m]


def new_page(browser, **context_options):
    """A page in a fresh context, with the CSP recorder and a :class:`Watch` as ``page.watch``.
    Close it with ``page.context.close()``."""
    context = browser.new_context(locale="zh-CN", **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_RECORDER)
    page = context.new_page()
    page.watch = Watch()
    page.watch.attach(page)
    return page


def login(page, base_url: str, username: str = EDITOR, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{base_url}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)
