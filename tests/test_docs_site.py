"""The documentation builds as a site (mkdocs.yml) with no warning, and its links hold.

mkdocs runs in a subprocess: its theme and plugins may warn at import, and the suite turns
warnings into errors; the child's own warnings are mkdocs' to judge (``--strict`` fails the
build on any of its warnings, including broken links, broken anchors and pages left out of
the nav, which mkdocs.yml's ``validation`` raises to warnings). The built HTML is then read
back: every internal ``href``/``src`` of every page must name a built file and, with a
``#fragment``, an id in that file. Where a Chromium exists the index and the API reference are
also rendered headless, to see that the theme produces a page with its title and nav.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import pytest_glacier

ROOT = Path(__file__).resolve().parent.parent
SITE_NAME = "pytest-glacier"


class _Page(HTMLParser):
    """The ids a page defines and the URLs it refers to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in ("href", "src"):
                self.urls.append(value)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as ``mkdocs build --strict`` writes it, into a temporary directory."""
    if sys.version_info < (3, 11) and importlib.util.find_spec("mkdocs") is None:
        # the test extra installs the documentation tools from Python 3.11 on (their
        # releases need it); from 3.11 a missing mkdocs fails the build below, never skips
        pytest.skip("the documentation tools need Python >= 3.11")
    out = tmp_path_factory.mktemp("site")
    # the theme's banner about its end of life is not a build warning, only noise
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"]
    command += ["--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(out)]
    run = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
    )
    log = run.stdout + run.stderr
    assert run.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    assert "WARNING" not in log, f"mkdocs build warned:\n{log}"
    return out


def _internal(url: str) -> bool:
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc or url.startswith("//"))


@pytest.mark.timeout(120)
def test_every_page_builds_and_every_internal_link_resolves(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    for doc in (ROOT / "docs").glob("*.md"):
        assert (site / f"{doc.stem}.html") in pages, f"docs/{doc.name} was not built"

    index = _parse(site / "index.html")
    assert SITE_NAME in index.title
    reference = _parse(site / "reference.html")
    assert "API reference" in reference.title
    missing = [n for n in pytest_glacier.__all__ if f"pytest_glacier.{n}" not in reference.ids]
    assert not missing, f"docs/reference.md documents no {missing}"

    parsed: dict[Path, _Page] = {}
    broken: list[str] = []
    for page in pages:
        # 404.html is served at whatever path was missed: its links are relative to the root
        if page.name == "404.html":
            continue
        for url in parsed.setdefault(page, _parse(page)).urls:
            if not _internal(url):
                continue
            parts = urlsplit(url)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(site)}: {url}"
            if not target.is_file() or site.resolve() not in target.resolve().parents:
                broken.append(f"{where} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                if target not in parsed:
                    parsed[target] = _parse(target)
                if unquote(parts.fragment) not in parsed[target].ids:
                    broken.append(f"{where} (no such anchor)")
    assert not broken, "broken links in the built site:\n" + "\n".join(broken)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("page", "heading"), [("index", "How it works"), ("reference", "Glacier")])
def test_pages_render_in_headless_chromium(
    site: Path, tmp_path: Path, page: str, heading: str
) -> None:
    """The theme renders: its script ran, and the title and the nav are in Chromium's DOM."""
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium on this machine (the link check above still ran)")
    # --no-sandbox: Chromium refuses to start as root with its sandbox (CI containers)
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    command += [f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom"]
    command.append((site / f"{page}.html").as_uri())
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert run.returncode == 0, run.stderr
    dom = run.stdout
    title = _parse(site / f"{page}.html").title
    assert f"<title>{title}</title>" in dom
    assert 'class="md-nav' in dom
    # the theme's script ran: the built page's html element says no-js until it does
    html = re.search(r"<html[^>]*>", dom)
    assert html is not None and "no-js" not in html.group(0), html
    for label in ("Configuration", "API reference", "Internals", "Fidelity"):
        assert label in dom, f"{page}: the nav's {label!r} is not rendered"
    assert heading in dom
