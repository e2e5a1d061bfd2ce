"""Canonical URLs, address refusal and near-duplicate fingerprints."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from harvester.fingerprint import content_hash, distance, near_duplicate, simhash, titles_compatible
from harvestkit.urls import canonical_url
from harvestkit.addresses import is_forbidden
from harvestkit.limits import Limits
from harvestkit.policy import SourcePolicy
from spiders.address_guard import AddressGuardMiddleware, PrivateAddressRefused


@pytest.mark.parametrize(
    "raw,canonical",
    [
        ("HTTP://WWW.Kecheng.gov.cn:80/col/col1229/index.html", "http://www.kecheng.gov.cn/col/col1229/"),
        ("http://a.gov.cn/art/1.html?utm_source=wx&spm=1.2#top", "http://a.gov.cn/art/1.html"),
        ("http://a.gov.cn/list.jsp?b=2&a=1&from=timeline", "http://a.gov.cn/list.jsp?a=1&b=2"),
        ("https://a.gov.cn:443//x//default.htm", "https://a.gov.cn/x/"),
        ("http://a.gov.cn/art/1.html;jsessionid=ABC", "http://a.gov.cn/art/1.html"),
    ],
)
def test_canonical_url(raw, canonical):
    assert canonical_url(raw) == canonical


@pytest.mark.parametrize("address,forbidden", [("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.1", True),
                                               ("169.254.169.254", True), ("::1", True), ("::ffff:127.0.0.1", True),
                                               ("0.0.0.0", True), ("202.96.1.1", False), ("2001:4860::1", False)])
def test_private_addresses(address, forbidden):
    assert is_forbidden(address) is forbidden


class FakeRequest:
    def __init__(self, url):
        self.url, self.meta = url, {}


def guard_for(policy: SourcePolicy) -> AddressGuardMiddleware:
    """The guard as a spider of a source with ``policy`` sees it."""
    return AddressGuardMiddleware(SimpleNamespace(spider=SimpleNamespace(policy=policy)))


def test_guard_refuses_loopback_unless_it_is_the_sources_own_host():
    guard = AddressGuardMiddleware()
    with pytest.raises(PrivateAddressRefused):
        asyncio.run(guard.process_request(FakeRequest("http://127.0.0.1:8701/")))
    with pytest.raises(PrivateAddressRefused):
        asyncio.run(guard.process_request(FakeRequest("http://localhost/")))
    own = guard_for(SourcePolicy.build(Limits(), "unpublish", True, ["http://127.0.0.1/col/"]))
    assert asyncio.run(own.process_request(FakeRequest("http://127.0.0.1/art/1.html"))) is None
    with pytest.raises(PrivateAddressRefused):  # another port of the same host is another server
        asyncio.run(own.process_request(FakeRequest("http://127.0.0.1:8080/")))


NOTICE = ("各县（市、区）人民政府，市政府各部门：为切实做好今冬明春森林防火工作，有效预防和遏制森林火灾发生，"
          "保护人民群众生命财产安全和森林资源安全，根据《森林防火条例》等规定，现就有关事项通知如下。"
          "一、压实防火责任。各地要严格落实地方行政首长负责制，层层签订责任书。二、加强火源管控。"
          "严禁野外用火，加强重点时段、重点部位巡查。三、做好应急准备。完善预案，开展演练，储备物资。")


def test_reposts_are_near_duplicates_and_other_notices_are_not():
    a = simhash(NOTICE)
    b = simhash("转载自衢州市人民政府网。" + NOTICE.replace("，", ", "))
    other = simhash("衢江区召开2026年第三季度经济运行分析会，会议总结前三季度经济运行情况，分析存在问题，部署四季度重点工作。"
                    "会议要求各乡镇、各部门坚定信心，紧盯目标，全力以赴稳增长、促发展，确保完成全年目标任务。")
    assert near_duplicate(a, b, len(NOTICE), len(NOTICE) + 12), distance(a, b)
    assert not near_duplicate(a, other, len(NOTICE), 120)
    assert content_hash("关于 通知。") == content_hash("关于通知")


def test_reposted_titles_match_but_numbered_template_notices_do_not():
    original = "衢州市人民政府办公室关于做好2026年冬季森林防火工作的通知"
    assert titles_compatible(original, "转发：" + original)
    assert titles_compatible(original, original + "（转载）")
    assert not titles_compatible("关于第29号事项的通知公告", "关于第30号事项的通知公告")
    assert not titles_compatible("2026年第10期政务信息", "2026年第11期政务信息")


def test_fingerprints_keep_their_stored_values():
    """Fingerprints are stored with every item: a faster simhash must give the same numbers."""
    english = "Hello World, the quick brown fox jumps over the lazy dog."
    pinned = {
        "": 0,
        "a": 4681665781835383343,
        "abc": -2829645022057097895,
        "短": 6032984582069433715,
        NOTICE: 7974257821864117897,
        "转载自衢州市人民政府网。" + NOTICE.replace("，", ", "): 7974257735687947913,
        NOTICE * 5: 7972043405445777033,
        english: -5015039504608485244,
    }
    for text, value in pinned.items():
        assert simhash(text) == value, text[:20]
    for text, value in pinned.items():  # the second time from the process's cache of 4-gram hashes
        assert simhash(text) == value, text[:20]
