"""Lists that scale (issue 17 item 3): one helper for every list page — filters from the same
django-filter FilterSet the API uses, a search box, sortable columns, a page size the user
chooses and a pager; nothing is cut silently (the count says how many rows match).

A view builds its queryset (scoped with `.for_user`) and hands it over:

    listing = list_page(
        request,
        Project.objects.for_user(request.user),
        filterset_class=ProjectFilter,          # the API's FilterSet
        search=("name", "code"),                # the search box (?q=)
        sorts={"code": "code", "name": "name", "budget": "budget_amount"},
        default_sort="-code",
    )
    return render(request, "projects/project_list.html", {"listing": listing})

and the template uses `{% load lists %}`, `{% sort_header listing "code" _("Number") %}` in
the header row, `{% include "includes/list_search.html" %}` above the table and
`{% include "includes/list_pager.html" %}` below it (page size choice, count, pager).

Two lists on one page (the deadlines page: overdue and upcoming) each take a `prefix`: their
page, page size and sort are then `?overdue_page=`, `?overdue_per_page=`, `?overdue_sort=`, and
each list's links keep the other list's; the search and the filters stay shared (one search
box narrows both lists). A list too large to count exactly (the audit log: a million entries at
province scale, and COUNT(*) over them is a full scan on PostgreSQL) takes `count_limit`: it
counts at most that many rows and then says "more than N"; its pager goes on page by page
(each page reads one row more to know whether a next one exists) and has no "last" link. A
small list computed in Python (a plain list instead of a queryset) is searched and sorted on
its items' attributes, for one behaviour on every list.
"""

from dataclasses import dataclass, field
from functools import cached_property, reduce
from operator import or_
from urllib.parse import urlencode

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Q, QuerySet

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
#: query parameters the helper owns; every other one is a filter and is kept in its links
OWN_PARAMETERS = ("page", "per_page", "sort")


class CappedPage(Page):
    """A page of a list counted only up to a limit: whether a next page exists is read from
    the rows (one more than the page shows), not from a total."""

    def __init__(self, object_list, number, paginator, has_more: bool):
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self) -> bool:
        return self.has_more

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class CappedPaginator(Paginator):
    """Counts at most `count_limit` rows (one bounded COUNT over a LIMIT subquery); beyond it
    `capped` is true and any page number is served (an empty page past the end)."""

    def __init__(self, object_list, per_page, count_limit: int):
        super().__init__(object_list, per_page)
        self.count_limit = count_limit

    @cached_property
    def _counted(self) -> int:
        return self.object_list[: self.count_limit + 1].count()

    @property
    def count(self) -> int:
        return min(self._counted, self.count_limit)

    @property
    def capped(self) -> bool:
        return self._counted > self.count_limit

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise InvalidPage from exc
        if number < 1:
            raise InvalidPage
        return number

    def get_page(self, number):
        if not self.capped:
            return super().get_page(number)
        try:
            number = self.validate_number(number)
        except InvalidPage:
            number = 1
        return self.page(number)

    def page(self, number):
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        return CappedPage(rows[: self.per_page], number, self, len(rows) > self.per_page)


@dataclass
class Listing:
    page: Page
    sort: str
    per_page: int
    query: str
    params: dict  # the filters and search as given, without page, size and sort
    sorts: dict = field(default_factory=dict)
    filterset: object = None
    prefix: str = ""  # before "page", "per_page" and "sort" when a page has two lists
    default_per_page: int = DEFAULT_PAGE_SIZE

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def capped(self) -> bool:
        """More rows match than the list counts (see `count_limit`): the count is a floor."""
        return getattr(self.page.paginator, "capped", False)

    @property
    def num_pages(self):
        """The number of pages, or None when the list is not counted to its end."""
        return None if self.capped else self.page.paginator.num_pages

    @property
    def paged(self) -> bool:
        return self.capped or self.page.paginator.num_pages > 1

    def url(self, **changes) -> str:
        """The query string of this list with `changes` to its own page, per_page and sort
        (None drops a parameter); the other parameters of the page are kept."""
        own = {"sort": self.sort, "per_page": self.per_page}
        if self.page.number > 1:
            own["page"] = self.page.number
        own.update(changes)
        if own.get("per_page") == self.default_per_page:
            own.pop("per_page")
        values = {**self.params, **{f"{self.prefix}{k}": v for k, v in own.items()}}
        values = {k: v for k, v in values.items() if v not in (None, "")}
        return "?" + urlencode(values)

    @property
    def previous_url(self) -> str:
        return self.url(page=self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.url(page=self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def first_url(self) -> str:
        return self.url(page=None)

    @property
    def last_url(self) -> str:
        return "" if self.capped else self.url(page=self.page.paginator.num_pages)

    @property
    def page_sizes(self) -> list[tuple[int, str, bool]]:
        return [
            (size, self.url(per_page=size, page=None), size == self.per_page) for size in PAGE_SIZES
        ]

    @property
    def hidden_filters(self) -> list[tuple[str, str]]:
        """Parameters a search form must carry so a search keeps the other filters."""
        kept = {k: v for k, v in self.params.items() if k != "q" and v and not _is_page(k)}
        if self.sort:
            kept[f"{self.prefix}sort"] = self.sort
        if self.per_page != self.default_per_page:
            kept[f"{self.prefix}per_page"] = self.per_page
        return list(kept.items())

    def header(self, key: str) -> dict:
        """What a sortable column header shows: its link and the current direction."""
        current = self.sort.lstrip("-") == key
        descending = current and self.sort.startswith("-")
        target = key if not current or descending else f"-{key}"
        return {
            "url": self.url(sort=target, page=None),
            "active": current,
            "descending": descending,
            "aria_sort": ("descending" if descending else "ascending") if current else "none",
        }


def _is_page(name: str) -> bool:
    """A page number parameter of any list of the page (a new search starts at page 1)."""
    return name == "page" or (name.endswith("_page") and not name.endswith("per_page"))


def _page_size(raw, default: int) -> int:
    try:
        size = int(raw)
    except (TypeError, ValueError):
        return default
    return size if size in PAGE_SIZES else default


def search_q(fields, text: str) -> Q:
    """Every word of `text` must occur in one of `fields` (case-insensitive)."""
    words = text.split()
    conditions = [
        reduce(or_, (Q(**{f"{name}__icontains": word}) for name in fields)) for word in words
    ]
    return reduce(lambda a, b: a & b, conditions, Q())


def list_page(
    request,
    queryset,
    *,
    sorts: dict[str, str | tuple],
    default_sort: str,
    filterset_class=None,
    search=(),
    city_field: str = "",
    prefix: str = "",
    count_limit: int | None = None,
    per_page: int = DEFAULT_PAGE_SIZE,
    keys_first=None,
) -> Listing:
    """Filters, searches, sorts and pages `queryset` from the request's query string.

    `sorts` maps a column key (what the URL says) to the model field(s) it orders by; an unknown
    key falls back to `default_sort`. Ties are broken by the primary key so pages never repeat
    or skip a row. An invalid filter value leaves the FilterSet's form with its error (shown by
    the page) and lists nothing rather than everything. `city_field` (a lookup to the row's
    division code) adds the city filter (?jurisdiction=<code>) to a FilterSet without one.
    `prefix` names this list's page, page size and sort when a page shows two lists;
    `count_limit` counts at most that many rows (see the module's docstring); `per_page` is
    the page size until the user picks another (one of `PAGE_SIZES`); `keys_first(keys)`, the
    rows of those primary keys, reads a page's keys before its rows (`KeysFirstPaginator`: one
    query more, for long lists whose rows join several tables). `queryset` may be
    a plain list of objects (a small computed list): `search`, `sorts` and `city_field` then
    name attributes (dotted), and there is no FilterSet."""
    own = {f"{prefix}{name}" for name in OWN_PARAMETERS}
    params = {k: v for k, v in request.GET.items() if k not in own}
    in_python = not isinstance(queryset, QuerySet)
    if in_python and filterset_class is not None:
        raise TypeError("A FilterSet filters a queryset, not a list.")
    filterset = None
    if filterset_class is not None:
        filterset = filterset_class(request.GET, queryset=queryset, request=request)
        queryset = filterset.qs if filterset.is_valid() else queryset.none()
    city = request.GET.get("jurisdiction", "").strip()
    text = request.GET.get("q", "").strip()
    sort = request.GET.get(f"{prefix}sort", "") or default_sort
    if sort.lstrip("-") not in sorts:
        sort = default_sort
    fields = sorts[sort.lstrip("-")]
    fields = (fields,) if isinstance(fields, str) else tuple(fields)
    descending = sort.startswith("-")
    if in_python:
        rows = _python_rows(queryset, city_field, city, search, text)
        ordered = sorted(rows, key=lambda row: _sort_key(row, fields), reverse=descending)
    else:
        if city_field and city:
            queryset = queryset.filter(**{city_field: city})
        if search and text:
            queryset = queryset.filter(search_q(search, text))
        sign = "-" if descending else ""
        ordered = queryset.order_by(*[f"{sign}{name}" for name in fields], f"{sign}pk")
    size = _page_size(request.GET.get(f"{prefix}per_page"), per_page)
    if count_limit and not in_python:
        paginator = CappedPaginator(ordered, size, count_limit)
    elif keys_first and not in_python:
        paginator = KeysFirstPaginator(ordered, size, keys_first)
    else:
        paginator = Paginator(ordered, size)
    page = paginator.get_page(request.GET.get(f"{prefix}page"))
    return Listing(
        page=page,
        sort=sort,
        per_page=size,
        query=text,
        params=params,
        sorts=sorts,
        filterset=filterset,
        prefix=prefix,
        default_per_page=per_page,
    )


class KeysFirstPaginator(Paginator):
    """Reads a page's primary keys with a narrow query (the filters and the sort, none of the
    joined columns), then those rows with everything the page shows (`rows(keys)`, a queryset
    read by primary key alone): a long list (the deadlines page at 10,000 rows) then sorts
    narrow rows and joins its related tables for one page's rows, not for every row."""

    def __init__(self, object_list, per_page, rows):
        super().__init__(object_list, per_page)
        self.rows = rows

    def _get_page(self, object_list, number, paginator):
        keys = list(object_list.values_list("pk", flat=True))
        rows = {row.pk: row for row in self.rows(keys)}
        return super()._get_page([rows[key] for key in keys if key in rows], number, paginator)


def _attribute(row, dotted: str):
    for name in dotted.split("."):
        row = getattr(row, name, None)
        if row is None:
            return None
    return row


def _python_rows(rows, city_field: str, city: str, search, text: str) -> list:
    rows = list(rows)
    if city_field and city:
        rows = [row for row in rows if str(_attribute(row, city_field)) == city]
    for word in text.casefold().split() if search else ():
        rows = [
            row
            for row in rows
            if any(word in str(_attribute(row, name) or "").casefold() for name in search)
        ]
    return rows


def _sort_key(row, fields) -> tuple:
    """Empty values first (as PostgreSQL's NULLS FIRST on a descending sort, reversed)."""
    values = [_attribute(row, name) for name in fields]
    return tuple((value is not None, value if value is not None else 0) for value in values)


def city_choices(user) -> list[tuple[str, str]]:
    """(division code, name) of the cities a government user oversees, for the city filter
    of every list; empty for others (their lists are not by region)."""
    from apps.accounts.selectors import user_scope
    from apps.jurisdictions.models import Jurisdiction, JurisdictionLevel

    scope = user_scope(user)
    if scope.sees_everything:
        cities = Jurisdiction.objects.filter(level=JurisdictionLevel.CITY)
    elif scope.region_path:
        cities = Jurisdiction.objects.filter(
            level=JurisdictionLevel.CITY, path__startswith=scope.region_path
        )
    else:
        return []
    return list(cities.order_by("code").values_list("code", "name"))
