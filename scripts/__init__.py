"""Staff scripts: one module per command, each with ``main(argv) -> exit code``.

``tasks.py`` wraps them as invoke tasks; ``python -m scripts.NAME`` runs them directly.
"""
