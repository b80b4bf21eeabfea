"""Demo trade-union federation tree for Jiangsu (江苏省总工会).
Entries are ordered so that every parent precedes its children."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoFederation:
    slug: str
    name: str
    kind: str
    parent_slug: str | None
    region_code: str | None


_F = DemoFederation

DEMO_FEDERATIONS: tuple[DemoFederation, ...] = (
    _F("jiangsu", "江苏省总工会", "province", None, "32"),
    _F("nantong", "南通市总工会", "city", "jiangsu", "3206"),
    _F("suzhou", "苏州市总工会", "city", "jiangsu", "3205"),
    _F("nanjing", "南京市总工会", "city", "jiangsu", "3201"),
    _F("haimen", "南通市海门区总工会", "county", "nantong", "320614"),
    _F("rugao", "如皋市总工会", "county", "nantong", "320682"),
    _F("qidong", "启东市总工会", "county", "nantong", "320681"),
    _F("kunshan", "昆山市总工会", "county", "suzhou", "320583"),
    _F("wujiang", "苏州市吴江区总工会", "county", "suzhou", "320509"),
    _F("zhangjiagang", "张家港市总工会", "county", "suzhou", "320582"),
    _F("jiangning", "南京市江宁区总工会", "county", "nanjing", "320115"),
    _F("liuhe", "南京市六合区总工会", "county", "nanjing", "320116"),
    _F("haimen-haimen", "海门区海门街道总工会", "street", "haimen", "320614001"),
    _F("haimen-sanxing", "海门区三星镇总工会", "town", "haimen", "320614101"),
    _F("haimen-changle", "海门区常乐镇总工会", "town", "haimen", "320614102"),
    _F("haimen-jianzhu", "海门区建筑行业工会联合会", "industry", "haimen", None),
    _F("rugao-rucheng", "如皋市如城街道总工会", "street", "rugao", "320682001"),
    _F("rugao-baipu", "如皋市白蒲镇总工会", "town", "rugao", "320682101"),
    _F("rugao-changjiang", "如皋市长江镇总工会", "town", "rugao", "320682102"),
    _F("qidong-huilong", "启东市汇龙镇总工会", "town", "qidong", "320681100"),
    _F("qidong-lvsigang", "启东市吕四港镇总工会", "town", "qidong", "320681101"),
    _F("qidong-jianzhu", "启东市建筑行业工会联合会", "industry", "qidong", None),
    _F("kunshan-yushan", "昆山市玉山镇总工会", "town", "kunshan", "320583100"),
    _F("kunshan-zhoushi", "昆山市周市镇总工会", "town", "kunshan", "320583101"),
    _F("kunshan-zhangpu", "昆山市张浦镇总工会", "town", "kunshan", "320583102"),
    _F("kunshan-qiandeng", "昆山市千灯镇总工会", "town", "kunshan", "320583103"),
    _F("kunshan-dianzi", "昆山市电子信息行业工会联合会", "industry", "kunshan", None),
    _F("wujiang-songling", "吴江区松陵街道总工会", "street", "wujiang", "320509001"),
    _F("wujiang-shengze", "吴江区盛泽镇总工会", "town", "wujiang", "320509101"),
    _F("wujiang-zhenze", "吴江区震泽镇总工会", "town", "wujiang", "320509102"),
    _F("wujiang-fangzhi", "吴江区纺织行业工会联合会", "industry", "wujiang", None),
    _F("zhangjiagang-yangshe", "张家港市杨舍镇总工会", "town", "zhangjiagang", "320582100"),
    _F("zhangjiagang-jinfeng", "张家港市锦丰镇总工会", "town", "zhangjiagang", "320582101"),
    _F("jiangning-dongshan", "江宁区东山街道总工会", "street", "jiangning", "320115001"),
    _F("jiangning-moling", "江宁区秣陵街道总工会", "street", "jiangning", "320115002"),
    _F("jiangning-lukou", "江宁区禄口街道总工会", "street", "jiangning", "320115003"),
    _F("jiangning-wuliu", "江宁区物流行业工会联合会", "industry", "jiangning", None),
    _F("liuhe-xiongzhou", "六合区雄州街道总工会", "street", "liuhe", "320116001"),
    _F("liuhe-zhuzhen", "六合区竹镇镇总工会", "town", "liuhe", "320116100"),
    _F("liuhe-huagong", "六合区化工行业工会联合会", "industry", "liuhe", None),
)
