"""Transliteration-aware name comparison for the terminology checker.

``rules`` holds the spelling correspondences (with their sources), ``compare``
the weighted edit distance and the precision guards built on them.
"""
