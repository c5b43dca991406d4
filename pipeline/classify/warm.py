"""Imported by the worker pool's forkserver only: the learned classifier's weights and word lists (word
frequencies in three languages, given names), read once there, so that every worker forks with them in
memory instead of reading them on its first story (about 0.3 s of CPU a worker, and again each time the pool
is renewed)."""

from __future__ import annotations

from pipeline.classify.learned import packaged_models
from pipeline.classify.people import given_names
from pipeline.classify.places import place_names
from pipeline.classify.vetting import zipf

packaged_models()
given_names()
place_names()
for word, language in (("the", "en"), ("der", "de"), ("le", "fr")):
    zipf(word, language)
