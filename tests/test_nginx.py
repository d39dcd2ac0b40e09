"""The shipped ``deploy/nginx.conf`` in a real nginx (Debian's package, installed by ./dev setup),
started on 127.0.0.1 with a temporary prefix and the shipped file as it is but for its port,
its site folder and where it looks for the brotli snippet. It serves a site published under
its sub-path /pjzz/: the precompressed copies for each Accept-Encoding, Cache-Control and
Content-Type by the rules invoke deploy sets too, the security headers, the Chinese 404 page,
and the search in Chromium. Without the brotli module the same file still works, with gzip."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from benchmarks.servers import free_port, stop, wait_for_port
from mulu.deploy import cache_control, content_type
from reader import Reader
from registry_files import filed_on

from conftest import ROOT, SAMPLE_DAY

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
PREFIX = "/pjzz"
SHIPPED = ROOT / "deploy" / "nginx.conf"
needs_brotli = pytest.mark.skipif(not BROTLI_MODULE.is_file(), reason="Debian's nginx brotli module is not installed")

MAIN = """\
daemon off;
master_process off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
{load_module}
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{server}
}}
"""


def shipped_config(output: Path, port: int, snippets: Path) -> str:
    """The shipped file with this machine's port, site folder and snippet folder."""
    text = SHIPPED.read_text(encoding="utf-8")
    for shipped, here in (("listen 80;", f"listen 127.0.0.1:{port};"),
                          ("alias /srv/mulu/output/;", f"alias {output}/;"),
                          ("include /etc/nginx/mulu-brotli*.conf;", f"include {snippets}/mulu-brotli*.conf;")):
        assert text.count(shipped) == 1, shipped
        text = text.replace(shipped, here)
    return text


class Nginx:
    """nginx serving ``output`` at /pjzz/ on ``port``, with or without the brotli module."""

    def __init__(self, prefix: Path, output: Path, port: int, brotli: bool):
        prefix.mkdir(parents=True)
        if brotli:  # the module loaded and the snippet where the shipped file looks for it
            shutil.copy(ROOT / "deploy" / "nginx-brotli.conf", prefix / "mulu-brotli.conf")
        conf = prefix / "nginx.conf"
        conf.write_text(MAIN.format(prefix=prefix, server=shipped_config(output, port, prefix),
                                    load_module=f"load_module {BROTLI_MODULE};" if brotli else ""), encoding="utf-8")
        self.port = port
        self.process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for_port(port, self.process)

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        found = (response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        connection.close()
        return found


@pytest.fixture(scope="module")
def published(tmp_path_factory, fixture_files, build_site):
    """The fixture registry published for http://127.0.0.1:PORT/pjzz, and the port."""
    port = free_port()
    output = tmp_path_factory.mktemp("nginx-site") / "output"
    result = build_site(output, fixture_files / "registry.csv", fixture_files / "history.csv", task="publish",
                        siteurl=f"http://127.0.0.1:{port}{PREFIX}")
    assert result.returncode == 0, result.stderr
    return output, port


@pytest.fixture(scope="module")
def nginx(tmp_path_factory, published):
    output, port = published
    server = Nginx(tmp_path_factory.mktemp("nginx") / "prefix", output, port, brotli=BROTLI_MODULE.is_file())
    yield server
    stop(server.process)


def theme_file(output: Path, suffix: str) -> str:
    return next(p.relative_to(output).as_posix() for p in sorted((output / "theme").rglob(f"*{suffix}")))


ENCODED = ("index.html", "orgs/index.html", "orgs/rows.json", "search/index/0.txt")


@pytest.mark.parametrize("relpath", ENCODED)
@pytest.mark.parametrize("accept, encoding, suffix", [
    pytest.param("br, gzip", "br", ".br", marks=needs_brotli),
    ("gzip", "gzip", ".gz"),
    ("identity", None, ""),
], ids=("br", "gzip", "none"))
def test_the_precompressed_copy_is_sent_for_each_accepted_encoding(nginx, published, relpath, accept, encoding, suffix):
    output, _ = published
    url = f"{PREFIX}/{relpath.removesuffix('index.html')}"
    status, headers, body = nginx.get(url, **{"Accept-Encoding": accept})
    assert status == 200
    assert headers.get("content-encoding") == encoding
    assert body == (output / (relpath + suffix)).read_bytes()
    assert "Accept-Encoding" in headers.get("vary", "")


def test_a_download_is_sent_gzipped_to_a_browser_that_takes_brotli_too(nginx, published):
    output, _ = published
    status, headers, body = nginx.get(f"{PREFIX}/data/registry.csv", **{"Accept-Encoding": "br, gzip"})
    assert (status, headers.get("content-encoding"), body) == (200, "gzip", (output / "data/registry.csv.gz").read_bytes())


def test_a_scripts_copies_too(nginx, published):
    output, _ = published
    script = theme_file(output, ".js")
    status, headers, body = nginx.get(f"{PREFIX}/{script}", **{"Accept-Encoding": "gzip"})
    assert (status, headers["content-encoding"], body) == (200, "gzip", (output / f"{script}.gz").read_bytes())


def test_cache_control_and_content_type_follow_the_rules_deploy_uses(nginx, published):
    output, _ = published
    paths = ["index.html", "org/" + next((output / "org").iterdir()).name + "/index.html", "orgs/rows.json",
             "search/manifest.json", "data/registry.csv", "data/registry.xlsx", "feeds/events.atom.xml",
             "robots.txt", theme_file(output, ".css"), theme_file(output, ".js")]
    for relpath in paths:
        status, headers, _ = nginx.get(f"{PREFIX}/{relpath}")
        assert status == 200, relpath
        assert (headers["cache-control"], headers["content-type"]) == (cache_control(relpath), content_type(relpath)), relpath
    assert cache_control(theme_file(output, ".css")) == "public, max-age=31536000, immutable"
    assert cache_control("index.html") == cache_control("orgs/rows.json") == "no-cache"


def test_security_headers_are_response_headers(nginx, published):
    output, _ = published
    _, headers, _ = nginx.get(f"{PREFIX}/")
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"',
                     (output / "index.html").read_text(encoding="utf-8"))[1]
    header = {d.strip() for d in headers["content-security-policy"].split(";")}
    assert {d.strip() for d in meta.split(";")} <= header and "frame-ancestors 'self'" in header
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] and headers["x-frame-options"] == "SAMEORIGIN"


def test_a_missing_page_gets_the_chinese_404_page(nginx, published):
    output, port = published
    status, headers, body = nginx.get(f"{PREFIX}/org/no-such-organisation/")
    assert status == 404
    assert "页面不存在" in body.decode("utf-8")
    assert f'href="http://127.0.0.1:{port}{PREFIX}/orgs/"' in body.decode("utf-8")  # its links work from any depth
    assert headers["content-type"] == "text/html; charset=utf-8" and headers["cache-control"] == "no-cache"


def test_the_sub_path_without_its_slash_redirects_to_the_site(nginx):
    status, headers, _ = nginx.get(PREFIX)
    assert (status, headers["location"]) == (301, f"{PREFIX}/")


def test_without_the_brotli_module_the_same_file_serves_gzip(tmp_path, published):
    output, _ = published
    server = Nginx(tmp_path / "prefix", output, free_port(), brotli=False)
    try:
        status, headers, body = server.get(f"{PREFIX}/", **{"Accept-Encoding": "br, gzip"})
    finally:
        stop(server.process)
    assert (status, headers.get("content-encoding"), body) == (200, "gzip", (output / "index.html.gz").read_bytes())


@pytest.mark.browser
def test_the_search_works_through_nginx(nginx, published, browser, fixture_files):
    output, port = published
    siteurl = f"http://127.0.0.1:{port}{PREFIX}"
    org = filed_on(fixture_files, SAMPLE_DAY)
    reader = Reader(browser, siteurl)
    page = reader.page
    page.goto(f"{siteurl}/search/")
    page.locator("#q").press_sequentially(org["name"])
    expect(page.locator("#search-results li a").first).to_have_text(org["name"])
    page.locator("#search-results li a").first.click()
    expect(page.locator("h1")).to_have_text(org["name"])
    reader.close()
    assert reader.problems == []
