"""A redirect to a private address is refused: the new hop passes the guard again."""
from __future__ import annotations

import asyncio

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from spiders.address_guard import AddressGuardMiddleware, PrivateAddressRefused


class PublicSource(Spider):
    name = "public"
    source = {"id": "s", "allow_private": False}


def redirected(location: str) -> Request:
    crawler = get_crawler(PublicSource)
    crawler.spider = PublicSource()
    redirect = RedirectMiddleware.from_crawler(crawler)
    first = Request("http://202.96.128.86/list.html")
    response = Response(first.url, status=302, headers={"Location": location}, request=first)
    hop = redirect.process_response(first, response)
    assert isinstance(hop, Request)
    return crawler, hop


@pytest.mark.parametrize("location", ["http://127.0.0.1:8080/admin", "http://10.0.0.5/", "http://[::1]/", "http://169.254.169.254/latest/meta-data/"])
def test_redirect_to_private_address_is_refused(location):
    crawler, hop = redirected(location)
    guard = AddressGuardMiddleware.from_crawler(crawler)
    with pytest.raises(PrivateAddressRefused):
        asyncio.run(guard.process_request(hop))


def test_public_redirect_passes():
    crawler, hop = redirected("http://202.96.134.133/next.html")
    assert asyncio.run(AddressGuardMiddleware.from_crawler(crawler).process_request(hop)) is None
