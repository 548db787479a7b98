"""One error tree: every error ll2-static raises on purpose is declared in generator/errors.py."""

import importlib
import pkgutil

import generator
from generator.errors import LL2StaticError


def _all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _all_subclasses(sub)
    return found


def test_every_error_raised_on_purpose_is_declared_in_errors_py() -> None:
    for module in pkgutil.walk_packages(generator.__path__, "generator."):
        importlib.import_module(module.name)
    declared = {cls.__name__: cls.__module__ for cls in _all_subclasses(LL2StaticError)}
    assert {"BuildLocked", "OutputError", "ChildFailed", "ValidationFailed"} <= set(declared)
    assert {name: where for name, where in declared.items() if where != "generator.errors"} == {}
