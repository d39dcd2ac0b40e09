"""A reader in headless Chromium who notes everything that goes wrong: a failed request, an error
response, a request outside the site's address (a site under a sub-path must stay under it),
a script error."""

from __future__ import annotations


class Reader:
    """A fresh browser context that notes every failed request, every error response, every
    request outside the site's prefix and every script error."""

    def __init__(self, browser, siteurl: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        page = self.page
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))
        page.on("request", lambda r: r.url.startswith((siteurl + "/", "data:"))
                or self.problems.append(f"outside the site: {r.url}"))
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))

    def close(self) -> None:
        self.context.close()
