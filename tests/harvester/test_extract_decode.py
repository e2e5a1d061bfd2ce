"""decode_body: override > BOM > verified header > verified meta > utf-8 > gb18030 > detection."""
from harvester.extract.decode import decode_body, normalize_encoding

GBK_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    "<title>朱镕基同志视察衢州</title></head><body><p>朱镕基同志来到衢州市考察工作。</p></body></html>"
)


def test_gbk_with_lying_utf8_header_decodes_right():
    body = GBK_PAGE.encode("gbk")
    text, enc = decode_body(body, "text/html; charset=utf-8")
    assert enc == "gb18030"
    assert "朱镕基" in text and "\ufffd" not in text


def test_gbk_without_any_declaration_falls_back_to_gb18030():
    body = "<p>镕 字不在 GB2312 里，但在 GBK 里。</p>".encode("gbk")
    text, enc = decode_body(body)
    assert enc == "gb18030"
    assert "镕" in text


def test_meta_declaration_after_first_kilobyte():
    filler = "<!-- " + "x" * 5000 + " -->"
    page = f"<html><head>{filler}<meta charset=\"gbk\"></head><body>政务公开</body></html>"
    text, enc = decode_body(page.encode("gbk"))
    assert enc == "gb18030"
    assert "政务公开" in text


def test_utf8_bytes_with_lying_gb2312_meta():
    page = '<meta charset="gb2312"><p>女儿出嫁，郑板桥画了几笔兰花当嫁妆</p>'
    text, enc = decode_body(page.encode("utf-8"))
    assert enc == "utf-8"
    assert "郑板桥" in text


def test_valid_header_is_used():
    text, enc = decode_body("<p>你好</p>".encode("utf-8"), "text/html; charset=UTF-8")
    assert (text, enc) == ("<p>你好</p>", "utf-8")


def test_override_always_wins():
    body = "<p>你好</p>".encode("utf-8")
    text, enc = decode_body(body, "text/html; charset=utf-8", override="gbk")
    assert enc == "gb18030"
    assert text != "<p>你好</p>"


def test_bom():
    text, enc = decode_body(b"\xef\xbb\xbf<p>\xe4\xbd\xa0</p>", "text/html; charset=gbk")
    assert text == "<p>你</p>"
    assert enc == "utf-8"
    text, enc = decode_body("<p>你</p>".encode("utf-16-le").join([b"\xff\xfe", b""]))
    assert "你" in text


def test_junk_never_raises():
    text, enc = decode_body(bytes(range(256)) * 50, "text/html; charset=nonsense")
    assert isinstance(text, str) and enc
    assert decode_body(b"") == ("", "utf-8")


def test_gb_family_maps_to_gb18030():
    for label in ("gb2312", "GBK", "x-gbk", "gb_2312-80", "GB2312", "gb18030"):
        assert normalize_encoding(label) == "gb18030", label
    assert normalize_encoding("utf8") == "utf-8"
    assert normalize_encoding("no-such-codec") is None
