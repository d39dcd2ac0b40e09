"""Pelican settings for the directory. The MULU_* settings are mulu's (see mulu/settings.py);
the staff scripts read them from this file too."""

from jinja2 import StrictUndefined

AUTHOR = "上海市职业技能鉴定中心"
SITENAME = "上海市社会培训评价组织目录"
SITEURL = ""
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"

PATH = "content"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["mulu_directory"]
# A template reads only what its page's context and the settings give it (each page's cache key
# is made from its context): reading anything else stops the build instead of printing nothing.
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True, "undefined": StrictUndefined}

# No blog: the directory's pages come from the registry; content/ holds a few fixed pages.
ARTICLE_PATHS = []
PAGE_PATHS = ["pages"]
PAGE_URL = "{slug}/"
# The plugin writes content pages and theme files itself, skipping files that did not change.
PAGE_SAVE_AS = ""
THEME_STATIC_PATHS = []
DIRECT_TEMPLATES = []
ARCHIVES_SAVE_AS = AUTHORS_SAVE_AS = CATEGORIES_SAVE_AS = TAGS_SAVE_AS = ""
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
STATIC_PATHS = []
DELETE_OUTPUT_DIRECTORY = False  # unchanged files stay untouched, so deploys move only what changed
CACHE_CONTENT = False
# Pelican's own content cache stays off (CACHE_CONTENT); this is what its --ignore-cache option
# turns off, and mulu's build cache follows it (see MULU_BUILD_CACHE in mulu/settings.py).
LOAD_CONTENT_CACHE = True

MULU_SAMPLE_DATA = True  # the shipped registry is fictional: every page says so
