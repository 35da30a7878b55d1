"""MkDocs hooks for Forge's site (mkdocs.yml names this file).

site/ is written to be read on GitHub, where its links to the repository's top-level documents
(../README.md, ../BENCHMARKS.md, ...) and to other folders (../samples/...) work. MkDocs sees only site/, and
in strict mode a link out of it fails the build. So, at build time only:

- the top-level documents in ROOT_PAGES become pages of the site (the README is the Overview);
- a link from a page in site/ to one of them points at that page; any other link out of site/ points at the
  file in the repository on GitHub (repo_url);
- in the pages made from top-level documents, links into site/ lose their 'site/' and other relative links
  point at the repository, as they would from site/;
- a page that the nav leaves out is a warning (MkDocs itself only mentions it), so a strict build fails;
- so is a link to an anchor that the page it points at does not have (MkDocs 1.4 checks pages, not anchors).

The Markdown files themselves are never changed.
"""

import html
import logging
import os
import re
from urllib.parse import urlparse

from mkdocs.structure.files import File

# under the 'mkdocs' logger, so that a warning fails a strict build
log = logging.getLogger("mkdocs.hooks.forge_site")

# top-level document -> its page in the site
ROOT_PAGES = {
    "README.md": "overview.md",
    "BENCHMARKS.md": "benchmarks.md",
    "CHANGELOG.md": "changelog.md",
    "SECURITY.md": "vulnerabilities.md",
}

# the target of an inline Markdown link or image: ](target) or ](target "title")
LINK = re.compile(r"\]\(([^)\s]+)((?:\s+\"[^\"]*\")?)\)")
# a fenced code block, whose text is left alone
FENCE = re.compile(r"^[ \t]*```.*?^[ \t]*```", re.DOTALL | re.MULTILINE)


def _root(config):
    return os.path.dirname(os.path.abspath(config["config_file_path"]))


def _blob(config, path):
    return config["repo_url"].rstrip("/") + "/blob/main/" + path


def on_files(files, config):
    root = _root(config)
    for source, page in ROOT_PAGES.items():
        f = File(page, config["docs_dir"], config["site_dir"], config["use_directory_urls"])
        f.abs_src_path = os.path.join(root, source)
        files.append(f)
    return files


def on_nav(nav, config, files):
    in_nav = {page.file.src_uri for page in nav.pages}
    for f in files.documentation_pages():
        if f.src_uri not in in_nav:
            log.warning("%s is not in the nav of mkdocs.yml; add it where a reader of site/README.md would look",
                        f.src_uri)
    return nav


def _rewrite(target, from_root, config):
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
        return target  # absolute URLs, mailto:, anchors
    path, _, anchor = target.partition("#")
    anchor = "#" + anchor if anchor else ""
    if from_root:
        if path.startswith("site/"):
            return path[len("site/"):] + anchor
        repo_path = path
    elif path.startswith("../"):
        repo_path = os.path.normpath(path[len("../"):])
    else:
        return target  # a page or file inside site/
    if repo_path in ROOT_PAGES:
        return ROOT_PAGES[repo_path] + anchor
    return _blob(config, repo_path) + anchor


def on_page_markdown(markdown, page, config, files):
    root_sources = {v: k for k, v in ROOT_PAGES.items()}
    source = root_sources.get(page.file.src_uri)
    if source is not None:
        page.edit_url = config["repo_url"].rstrip("/") + "/edit/main/" + source

    def links(text):
        return LINK.sub(lambda m: "](" + _rewrite(m.group(1), source is not None, config) + m.group(2) + ")", text)

    out, last = [], 0
    for block in FENCE.finditer(markdown):
        out.append(links(markdown[last:block.start()]))
        out.append(block.group(0))
        last = block.end()
    out.append(links(markdown[last:]))
    return "".join(out)


def on_post_build(config):
    site = config["site_dir"]
    ids, pages = {}, {}
    for folder, _, names in os.walk(site):
        for name in names:
            if name.endswith(".html"):
                path = os.path.normpath(os.path.join(folder, name))
                with open(path, encoding="utf-8") as f:
                    pages[path] = f.read()
                ids[path] = set(re.findall(r'\bid="([^"]+)"', pages[path]))
    for path, text in pages.items():
        for href in re.findall(r'\bhref="([^"]+)"', text):
            link = urlparse(html.unescape(href))
            if link.scheme or link.netloc or link.path.startswith("/") or not link.fragment:
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(path), link.path)) if link.path else path
            if os.path.isdir(target):
                target = os.path.join(target, "index.html")
            if target in ids and link.fragment not in ids[target]:
                log.warning("%s links to #%s, which %s does not have", os.path.relpath(path, site),
                            link.fragment, os.path.relpath(target, site))
