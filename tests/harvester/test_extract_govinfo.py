"""Information-disclosure fields from tables and label：value text."""
from pathlib import Path

from harvester.extract.dom import block_text, parse_html
from harvester.extract.govinfo import extract_gov_fields, fields_from_lines

FIX = Path(__file__).parent / "fixtures" / "extract"


def test_table_pairs():
    root = parse_html((FIX / "govtable_page.html").read_text("utf-8"))
    meta = extract_gov_fields(root, block_text(root).splitlines())
    assert meta == {
        "index_number": "002541398/2008-00012",
        "subject_category": "综合政务\\通知",
        "issuing_authority": "衢州市人民政府办公室",
        "written_date": "2008-05-12",
        "document_number": "衢政办发〔2008〕12号",
    }


def test_label_value_text():
    root = parse_html((FIX / "label_text_page.html").read_text("utf-8"))
    meta = extract_gov_fields(root, block_text(root).splitlines())
    assert meta["index_number"] == "11330802MB1234567X/2024-01234"
    assert meta["issuing_authority"] == "柯城区人民政府办公室"
    assert meta["document_number"] == "柯政办发〔2024〕3号"
    assert meta["written_date"] == "2024-02-28"
    assert meta["subject_category"] == "城乡建设、环境保护"


def test_several_pairs_on_one_line():
    meta = fields_from_lines(["索引号：A-1  文号：衢政发〔2020〕1号  成文日期：2020年1月2日"])
    assert meta == {"index_number": "A-1", "document_number": "衢政发〔2020〕1号", "written_date": "2020-01-02"}


def test_no_fields():
    assert extract_gov_fields(parse_html("<p>正文</p>"), ["正文"]) == {}
