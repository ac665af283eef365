"""`build_demo()`: the whole demo site, its parts run in order (the `load_demo_data` command calls it).

The accounts come first (demo/accounts.py), then the catalogue (demo/catalog.py) and the
articles (demo/cms.py) in one transaction; then the e-trading floor's terms, buyers and orders
(demo/marketplace.py); then the Ecoop fairs (demo/fairs.py), whose matching searches the
catalogue and so needs it indexed; then B2B trade on quotes (demo/rfqs.py: requests for quotation,
quotes and six months of accepted quotes and paid orders), with the orders; then, when asked, the
scale catalogue. Every part is
idempotent, so a second run adds nothing and changes nothing.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.test.utils import override_settings
from django_tasks import task_backends

from .accounts import build_accounts
from .catalog import build_catalogue, build_scale_catalogue
from .cms import build_articles
from .data.accounts import ACCOUNTS, ADMIN
from .data.marketplace import BUYERS
from .data.rfqs import SIEU_THI_XANH
from .fairs import build_cooperatives as build_fair_cooperatives
from .fairs import build_fairs
from .marketplace import build_marketplace
from .result import DemoResult
from .rfqs import build_rfqs


@contextmanager
def _index_once() -> Iterator[None]:
    """Run background tasks (search and reference index updates) once per object, at the end.

    Publishing a page saves it three times, and every save enqueues both index
    updates; on the immediate task backend that was most of the build's time.
    The tasks are collected instead, then each distinct one runs once.
    """
    collector = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=collector):
        yield
        collected = list(task_backends["default"].results)
    seen = set()
    for task_result in collected:
        key = (task_result.task.module_path, repr(task_result.args), repr(task_result.kwargs))
        if key not in seen:
            seen.add(key)
            task_result.task.call(*task_result.args, **task_result.kwargs)


def build_demo(
    *,
    cooperatives_per_province: int = 2,
    products_per_cooperative: int | None = None,
    scale_products: int = 0,
    images: bool = True,
    articles: bool = True,
    orders: bool = True,
    fairs: bool = True,
    index_scale: bool = True,
    log: Callable[[str], None] = lambda message: None,
) -> DemoResult:
    """Build (or complete) the demo data; see the module docstring."""
    if not 1 <= cooperatives_per_province <= 2:
        raise ValueError("cooperatives_per_province must be 1 or 2.")
    started = time.monotonic()
    result = DemoResult()
    with transaction.atomic(), _index_once():
        users = build_accounts(result)
        cooperatives = build_catalogue(
            result,
            users=users,
            cooperatives_per_province=cooperatives_per_province,
            products_per_cooperative=products_per_cooperative,
            images=images,
            log=log,
        )
        if articles:
            result.add("articles", build_articles(user=users[ADMIN.email], images=images))
    log(f"demo built and indexed in {time.monotonic() - started:.1f} s")
    if orders:
        # The orders' emails go nowhere: the demo buyers and staff are not real people.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), _index_once():
            build_marketplace(result, cooperatives=cooperatives, log=log)
    if fairs:
        _build_fairs(result, images=images, log=log)
    if orders:
        # After the fairs, so that the Ecoop provinces' cooperatives quote too; emails go nowhere.
        began = time.monotonic()
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            with transaction.atomic(), _index_once():
                build_rfqs(result, log=log)
        log(f"B2B trade built in {time.monotonic() - began:.1f} s")
    if scale_products:
        build_scale_catalogue(result, cooperatives=cooperatives, n=scale_products, index=index_scale, log=log)
    result.accounts = [(a.email, a.role) for a in (*ACCOUNTS, *((*BUYERS, SIEU_THI_XANH) if orders else ()))]
    result.seconds = time.monotonic() - started
    return result


def _build_fairs(result: DemoResult, *, images: bool, log) -> None:
    # The fairs' matching searches the catalogue, so their cooperatives are indexed first.
    with transaction.atomic(), _index_once():
        build_fair_cooperatives(result, images=images, log=log)
    # Demo participants' confirmations and schedules go nowhere: they are not real people.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with transaction.atomic(), _index_once():
            build_fairs(result, log=log)
