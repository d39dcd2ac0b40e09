"""mulu: the core of the directory of filed 社会培训评价组织.

Loading, normalising, validating and modelling the registry live here, so that the Pelican
plugin and the staff scripts share every rule.
"""
