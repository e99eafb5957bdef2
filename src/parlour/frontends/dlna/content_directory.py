"""ContentDirectory:1's actions (Browse, Search and the capabilities) over
``services.dlna_browse``, with the UPnP error each failure means."""

from collections.abc import Callable

from parlour.domain.dlna_search import (
    SEARCH_CAPABILITIES,
    SORT_CAPABILITIES,
    UnsupportedCriteriaError,
    UnsupportedScopeError,
    UnsupportedSortError,
    parse_criteria,
    parse_sort,
)
from parlour.domain.errors import NotFoundError
from parlour.frontends.dlna.didl import Links, didl
from parlour.frontends.dlna.soap import (
    CANNOT_PROCESS,
    INVALID_ACTION,
    INVALID_ARGS,
    NO_SUCH_CONTAINER,
    NO_SUCH_OBJECT,
    UNSUPPORTED_SEARCH,
    UNSUPPORTED_SORT,
    UpnpError,
    ui4,
)
from parlour.services.dlna_browse import BrowseResult, DlnaBrowse

Values = list[tuple[str, str]]


def _result(found: BrowseResult, links: Links) -> Values:
    return [
        ("Result", didl(found.objects, links)),
        ("NumberReturned", str(len(found.objects))),
        ("TotalMatches", str(found.total)),
        ("UpdateID", str(found.update_id)),
    ]


def _browse(browse: DlnaBrowse, args: dict[str, str], links: Links, approved: bool) -> Values:
    flag = args.get("BrowseFlag", "")
    if flag not in ("BrowseMetadata", "BrowseDirectChildren") or "ObjectID" not in args:
        raise UpnpError(INVALID_ARGS, "BrowseFlag and ObjectID are required")
    start, count = ui4(args, "StartingIndex"), ui4(args, "RequestedCount")
    try:
        sort = parse_sort(args.get("SortCriteria", ""))
        found = browse.browse(
            args["ObjectID"],
            metadata=flag == "BrowseMetadata",
            start=start,
            count=count,
            sort=sort,
            approved=approved,
        )
    except UnsupportedSortError as exc:
        raise UpnpError(UNSUPPORTED_SORT) from exc
    except NotFoundError as exc:
        raise UpnpError(NO_SUCH_OBJECT) from exc
    return _result(found, links)


def _search(browse: DlnaBrowse, args: dict[str, str], links: Links, approved: bool) -> Values:
    if "ContainerID" not in args or "SearchCriteria" not in args:
        raise UpnpError(INVALID_ARGS, "ContainerID and SearchCriteria are required")
    start, count = ui4(args, "StartingIndex"), ui4(args, "RequestedCount")
    try:
        criteria = parse_criteria(args["SearchCriteria"])
        sort = parse_sort(args.get("SortCriteria", ""))
        found = browse.search(
            args["ContainerID"],
            criteria,
            start=start,
            count=count,
            sort=sort,
            approved=approved,
        )
    except UnsupportedCriteriaError as exc:
        raise UpnpError(UNSUPPORTED_SEARCH) from exc
    except UnsupportedSortError as exc:
        raise UpnpError(UNSUPPORTED_SORT) from exc
    except UnsupportedScopeError as exc:
        raise UpnpError(CANNOT_PROCESS) from exc
    except NotFoundError as exc:
        raise UpnpError(NO_SUCH_CONTAINER) from exc
    return _result(found, links)


Handler = Callable[[DlnaBrowse, dict[str, str], Links, bool], Values]
_ACTIONS: dict[str, Handler] = {
    "Browse": _browse,
    "Search": _search,
    "GetSearchCapabilities": lambda *_: [("SearchCaps", SEARCH_CAPABILITIES)],
    "GetSortCapabilities": lambda *_: [("SortCaps", SORT_CAPABILITIES)],
    "GetSystemUpdateID": lambda browse, *_: [("Id", str(browse.system_update_id()))],
}


def act(
    browse: DlnaBrowse, action: str, args: dict[str, str], links: Links, approved: bool
) -> Values:
    """The out arguments of ``action`` (blocking: run it in a worker thread)."""
    handler = _ACTIONS.get(action)
    if handler is None:
        raise UpnpError(INVALID_ACTION)
    return handler(browse, args, links, approved)
