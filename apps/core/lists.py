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
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
#: query parameters the helper owns; every other one is a filter and is kept in its links
OWN_PARAMETERS = ("page", "per_page", "sort")


@dataclass
class Listing:
    page: Page
    sort: str
    per_page: int
    query: str
    params: dict  # the filters and search as given, without page, size and sort
    sorts: dict = field(default_factory=dict)
    filterset: object = None

    @property
    def count(self) -> int:
        return self.page.paginator.count

    def url(self, **changes) -> str:
        """The query string of this list with `changes` (None drops a parameter)."""
        values = {**self.params, "sort": self.sort, "per_page": self.per_page}
        if self.page.number > 1:
            values["page"] = self.page.number
        values.update(changes)
        values = {k: v for k, v in values.items() if v not in (None, "")}
        if values.get("per_page") == DEFAULT_PAGE_SIZE:
            values.pop("per_page")
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
        return self.url(page=self.page.paginator.num_pages)

    @property
    def page_sizes(self) -> list[tuple[int, str, bool]]:
        return [
            (size, self.url(per_page=size, page=None), size == self.per_page) for size in PAGE_SIZES
        ]

    @property
    def hidden_filters(self) -> list[tuple[str, str]]:
        """Parameters a search form must carry so a search keeps the other filters."""
        kept = {k: v for k, v in self.params.items() if k != "q" and v}
        if self.sort:
            kept["sort"] = self.sort
        if self.per_page != DEFAULT_PAGE_SIZE:
            kept["per_page"] = self.per_page
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


def _page_size(raw) -> int:
    try:
        size = int(raw)
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def search_q(fields, text: str) -> Q:
    """Every word of `text` must occur in one of `fields` (case-insensitive)."""
    words = text.split()
    conditions = [
        reduce(or_, (Q(**{f"{name}__icontains": word}) for name in fields)) for word in words
    ]
    return reduce(lambda a, b: a & b, conditions, Q())


def list_page(
    request,
    queryset: QuerySet,
    *,
    sorts: dict[str, str | tuple],
    default_sort: str,
    filterset_class=None,
    search=(),
    city_field: str = "",
) -> Listing:
    """Filters, searches, sorts and pages `queryset` from the request's query string.

    `sorts` maps a column key (what the URL says) to the model field(s) it orders by; an unknown
    key falls back to `default_sort`. Ties are broken by the primary key so pages never repeat
    or skip a row. An invalid filter value leaves the FilterSet's form with its error (shown by
    the page) and lists nothing rather than everything. `city_field` (a lookup to the row's
    division code) adds the city filter (?jurisdiction=<code>) to a FilterSet without one."""
    params = {k: v for k, v in request.GET.items() if k not in OWN_PARAMETERS}
    filterset = None
    if filterset_class is not None:
        filterset = filterset_class(request.GET, queryset=queryset, request=request)
        queryset = filterset.qs if filterset.is_valid() else queryset.none()
    city = request.GET.get("jurisdiction", "").strip()
    if city_field and city:
        queryset = queryset.filter(**{city_field: city})
    text = request.GET.get("q", "").strip()
    if search and text:
        queryset = queryset.filter(search_q(search, text))
    sort = request.GET.get("sort", "") or default_sort
    if sort.lstrip("-") not in sorts:
        sort = default_sort
    fields = sorts[sort.lstrip("-")]
    fields = (fields,) if isinstance(fields, str) else tuple(fields)
    prefix = "-" if sort.startswith("-") else ""
    ordering = [f"{prefix}{name}" for name in fields] + [f"{prefix}pk"]
    per_page = _page_size(request.GET.get("per_page"))
    paginator = Paginator(queryset.order_by(*ordering), per_page)
    page = paginator.get_page(request.GET.get("page"))
    return Listing(
        page=page,
        sort=sort,
        per_page=per_page,
        query=text,
        params=params,
        sorts=sorts,
        filterset=filterset,
    )


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
