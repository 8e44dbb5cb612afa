"""The app's settings, plus one minimal signed-in page to compare the manager page with."""

from mentoring.settings import *  # noqa: F403 - the benchmark runs the real configuration

ROOT_URLCONF = "bench.urls"
