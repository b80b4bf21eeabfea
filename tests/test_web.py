"""Helpers shared by the views of every area (app/web.py)."""
import pytest
from werkzeug.exceptions import NotFound
from werkzeug.routing import Map, Rule

from app.forms import MAX_ID
from app.web import BoundedIntegerConverter, attachment_name


@pytest.fixture
def adapter():
    routes = Map([Rule("/stations/<int:station_id>", endpoint="station"), Rule("/calendar/<int(max=2100):year>", endpoint="year")],
                 converters={"int": BoundedIntegerConverter})
    return routes.bind("jiceng.test")


def test_an_id_the_database_can_compare_is_matched(adapter):
    assert adapter.match("/stations/7") == ("station", {"station_id": 7})
    assert adapter.match(f"/stations/{MAX_ID}") == ("station", {"station_id": MAX_ID})


@pytest.mark.parametrize("value", [str(2**63), str(10**30), "9" * 60])
def test_an_id_beyond_a_bigint_is_not_found(adapter, value):
    with pytest.raises(NotFound):
        adapter.match(f"/stations/{value}")


def test_a_rule_may_still_set_its_own_bound(adapter):
    assert adapter.match("/calendar/2100") == ("year", {"year": 2100})
    with pytest.raises(NotFound):
        adapter.match("/calendar/2101")


def test_the_app_answers_404_to_a_huge_id(client, make_tenant):
    make_tenant("zhen")
    client.post("/t/zhen/login", data={"username": "admin", "password": "correct-horse-9"})
    assert client.get(f"/t/zhen/stations/{2**63}").status_code == 404
    assert client.post(f"/t/zhen/cases/{10**30}/note").status_code == 404


@pytest.mark.parametrize("name, shown", [
    ("三星镇工作站-企业名单.xlsx", "三星镇工作站-企业名单.xlsx"),
    ("三星镇\r\nSet-Cookie: x=1-企业名单.xlsx", "三星镇 Set-Cookie: x=1-企业名单.xlsx"),
    ("a\x00b\u2028c\u202ed.xlsx", "a b cd.xlsx"),
    ("../../etc/passwd", "..-..-etc-passwd"),
    ("\r\n", "download"),
])
def test_a_download_name_has_no_line_breaks_control_characters_or_path(name, shown):
    assert attachment_name(name) == shown
