"""The README's links into the docs site point at files that exist (``mkdocs build --strict``,
run by ``.ci/run``, checks the links between the pages themselves)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Markdown links and images: [text](target) / ![alt](target); the target up to ')' or a space.
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def docs_links(readme: str) -> list[str]:
    """The README's link targets under ``docs/``, without their ``#anchor``."""
    targets = (match.group(1).split("#", 1)[0] for match in _LINK.finditer(readme))
    return [t for t in targets if t.startswith(("docs/", "./docs/"))]


def test_docs_links_finds_links_and_images() -> None:
    text = "see [a](docs/a.md#x), ![b](docs/images/b.png) and [c](https://x.org/docs/c)"
    assert docs_links(text) == ["docs/a.md", "docs/images/b.png"]


def test_every_readme_link_into_docs_names_a_file_that_exists() -> None:
    links = docs_links((ROOT / "README.md").read_text("utf-8"))
    assert links, "the README links to no page of docs/"
    missing = [link for link in links if not (ROOT / link).is_file()]
    assert not missing, f"the README links to files docs/ does not have: {missing}"


def test_the_docs_site_lists_every_page_the_readme_links() -> None:
    """A page the README links but mkdocs.yml leaves out of the navigation is one nobody finds
    on the site."""
    nav = (ROOT / "mkdocs.yml").read_text("utf-8")
    pages = {
        link.removeprefix("./").removeprefix("docs/")
        for link in docs_links((ROOT / "README.md").read_text("utf-8"))
        if link.endswith(".md")
    }
    assert pages and not [page for page in pages if page not in nav], pages
