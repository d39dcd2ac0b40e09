"""Settings for publishing: absolute URLs for feeds and the sitemap."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

# GitHub Pages sets the address; a custom domain can be given in MULU_SITEURL.
SITEURL = os.environ.get("MULU_SITEURL", "")
RELATIVE_URLS = False
