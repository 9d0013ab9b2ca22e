"""`module:function` (or `path/to/file.py:function`): the user's own extractor."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

from annotate.errors import ExtractorError
from annotate.extractors.base import Extractor


def user_extractor(spec: str) -> Extractor:
    """Import `module:function` (the current folder is searched first) or `file.py:function`.

    Raises:
        ExtractorError: the module cannot be imported or has no such callable.
    """
    module_name, _, attribute = spec.rpartition(":")
    if not module_name or not attribute:
        raise ExtractorError(f"Extractor {spec!r} is not module:function; write e.g. my_package.ner:extract.")
    try:
        if module_name.endswith(".py"):
            path = Path(module_name)
            if not path.is_file():
                raise ExtractorError(f"Extractor {spec!r}: {path} is not a file.")
            loaded = importlib.util.spec_from_file_location(path.stem, path)
            if loaded is None or loaded.loader is None:
                raise ExtractorError(f"Extractor {spec!r}: {path} cannot be imported as a module.")
            module = importlib.util.module_from_spec(loaded)
            loaded.loader.exec_module(module)
        else:
            if "" not in sys.path and str(Path.cwd()) not in sys.path:
                sys.path.insert(0, str(Path.cwd()))
            module = importlib.import_module(module_name)
    except ExtractorError:
        raise
    except Exception as exc:  # the user's module failed to import: say so in one line
        raise ExtractorError(f"Extractor {spec!r}: importing {module_name} failed: {type(exc).__name__}: {exc}.") from None
    function = getattr(module, attribute, None)
    if not callable(function):
        raise ExtractorError(f"Extractor {spec!r}: {module_name} has no callable {attribute!r}.")
    return function  # type: ignore[no-any-return]
