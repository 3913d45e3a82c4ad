"""Every route of wipp/urls.py, read from the resolver, with the write methods its view takes."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

WRITE_METHODS = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern when the route has no name
    pattern: str  # the full pattern, for messages
    kwargs: tuple[str, ...]  # the path's keyword arguments
    callback: object
    drf_actions: dict | None  # a DRF viewset route's method → action map

    @property
    def namespace(self) -> str:
        return self.name.split(":", 1)[0] if ":" in self.name else ""

    @property
    def write_methods(self) -> tuple[str, ...]:
        """The write methods the view answers, as the view declares them.

        DRF viewsets: the router's method map. Class-based views: the handlers the class has.
        Function views: the methods of a `require_http_methods` (`require_POST`, …) anywhere in
        their decorator chain; a function view without one may branch on `request.method`, so
        it is sent a POST."""
        if self.drf_actions is not None:
            return tuple(m for m in WRITE_METHODS if m in self.drf_actions)
        view_class = getattr(self.callback, "view_class", None) or getattr(
            self.callback, "cls", None
        )
        if view_class is not None:
            names = getattr(view_class, "http_method_names", WRITE_METHODS)
            return tuple(m for m in WRITE_METHODS if m in names and hasattr(view_class, m))
        declared = _declared_methods(self.callback)
        if declared is not None:
            return tuple(m for m in WRITE_METHODS if m.upper() in declared)
        return ("post",) if _reads_post(self.callback) else ()

    @property
    def read(self) -> bool:
        """Whether the view answers GET (a POST-only view answers 405)."""
        if self.drf_actions is not None:
            return "get" in self.drf_actions
        declared = _declared_methods(self.callback)
        return declared is None or "GET" in declared


def _reads_post(function) -> bool:
    """Whether a function view without a method decorator handles a POST: its source (or a
    helper's it names, for a `_`-prefixed helper of its module) mentions POST or FILES."""
    import inspect

    while hasattr(function, "__wrapped__"):
        function = function.__wrapped__
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return True
    if "POST" in source or "FILES" in source:
        return True
    module = inspect.getmodule(function)
    for name in function.__code__.co_names:
        helper = getattr(module, name, None)
        if name.startswith("_") and inspect.isfunction(helper):
            helper_source = inspect.getsource(helper)
            if "POST" in helper_source or "FILES" in helper_source:
                return True
    return False


def _declared_methods(function, _seen=None) -> set[str] | None:
    """The `request_method_list` of a `require_http_methods` wrapper in the decorator chain."""
    seen = _seen or set()
    if function is None or id(function) in seen or not callable(function):
        return None
    seen.add(id(function))
    code = getattr(function, "__code__", None)
    cells = getattr(function, "__closure__", None) or ()
    if code is not None:
        for name, cell in zip(code.co_freevars, cells, strict=False):
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if name == "request_method_list":
                return {m.upper() for m in value}
            if callable(value):
                found = _declared_methods(value, seen)
                if found is not None:
                    return found
    return _declared_methods(getattr(function, "__wrapped__", None), seen)


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                name = f"{namespace}:{full}" if namespace else full
            compiled = entry.pattern.regex.groupindex
            yield Route(
                name=name,
                pattern=full,
                kwargs=tuple(sorted(compiled)),
                callback=entry.callback,
                drf_actions=getattr(entry.callback, "actions", None),
            )


def all_routes() -> list[Route]:
    routes: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        routes.setdefault(route.name, route)
    return list(routes.values())
