"""A small federation tree and texts for the reduction tests."""
import datetime as dt

import pytest

from app.extensions import db
from app.reduction import services
from tests.conftest import in_tenant
from tests.stations.factories import TODAY, fixed_today  # noqa: F401

# A superior document in the words of seed 004, as Jiangsu's provincial federation would issue it.
SUPERIOR_TEXT = (
    "江苏省总工会为基层减负若干措施。省总各部室发文，应由办公室审核，严禁各部室直接对各市、县（市、区）总工会发文。"
    "今年，各部室提请省总或省总办公室发给各市、县（市、区）总工会的指令性、政策性普发文件数量要减少30%以上，"
    "其他文件只能减少，不得增加。涉及范围较小，可直接进行工作部署或会上已经做出部署的，不再发文；"
    "无明确要求和实际措施的文件不得转发；贯彻落实上级文件精神时，除有明确规定外，不再制定贯彻落实意见和实施细则；"
    "常规工作一律不发简报。在压缩会议方面，严格会议计划管理，减少会议总量，提倡集中开会、合并开会、套开会议，"
    "能够用视频会议解决的，不再开现场会。全省各级工会要注重改革创新，打破传统路径依赖，"
    "善于运用改革的思路和创新的办法抓工作落实，着力探索更多可复制、可推广的好思路好做法。"
)

# Haimen's draft: about 60% lifted from the provincial text with 江苏/全省/省总 swapped for 海门/全区/区总,
# the rest its own.
COPYING_DRAFT = (
    "海门区总工会关于为基层减负的实施意见。"
    "涉及范围较小，可直接进行工作部署或会上已经做出部署的，不再发文；"
    "无明确要求和实际措施的文件不得转发；贯彻落实上级文件精神时，除有明确规定外，不再制定贯彻落实意见和实施细则；"
    "常规工作一律不发简报。在压缩会议方面，严格会议计划管理，减少会议总量，提倡集中开会、合并开会、套开会议，"
    "能够用视频会议解决的，不再开现场会。全区各级工会要注重改革创新，打破传统路径依赖，"
    "善于运用改革的思路和创新的办法抓工作落实，着力探索更多可复制、可推广的好思路好做法。"
    "我区将结合工会工作站建设，每季度听取一次镇街和企业工会的意见，对反映强烈的填表报数问题建立清单，逐项销号。"
    "区总机关干部每月至少两天下沉到基层，面对面帮助解决实际困难，年底由基层工会打分评价。"
)

# An independent text on another subject (seed 004's report from Jinan).
INDEPENDENT_DRAFT = (
    "围绕构建省市共建、线上线下结合、区县园区企业工会网格化服务职工体系这一目标，市总提出将全力打造一流的职工服务中心。"
    "服务中心依托帮扶救助、就业服务、职工驿站、热线及信访接待法律服务、普惠服务、权益维护、心理健康、综合服务八大平台，"
    "推行工会服务职工工作项目清单制度，发挥好服务职工的窗口和阵地作用。同时加快构建网格化服务职工体系，"
    "大力推进县级职工服务中心规范化建设，提升服务中心综合服务能力。"
)


def document_values(**overrides):
    values = {"number": "", "title": "关于为基层减负的通知", "department": "办公室", "issued_on": TODAY,
              "doc_type": "general", "has_measures": True, "is_routine": False, "body": SUPERIOR_TEXT, "source_name": None}
    values.update(overrides)
    return values


def meeting_values(**overrides):
    values = {"title": "全区工会工作会议", "department": "组织部", "held_on": TODAY, "starts_at": dt.time(9, 0),
              "duration_minutes": 60, "kind": "other", "mode": "video", "levels_down": 1, "could_be_video": False}
    values.update(overrides)
    return values


def inspection_values(**overrides):
    values = {"title": "基层工会规范化建设检查", "department": "组织部", "kind": "inspection",
              "starts_on": dt.date(2026, 6, 8), "ends_on": dt.date(2026, 6, 12), "items": 10, "scores_paperwork": False}
    values.update(overrides)
    return values


@pytest.fixture
def tree(make_tenant, fixed_today):
    """江苏 (province) › 南通 (city) › 海门 (county) › 三星, 常乐 (towns); 苏州 (city) beside 南通."""
    jiangsu = make_tenant("jiangsu", kind="province", name="江苏省总工会", region="32")
    nantong = make_tenant("nantong", kind="city", parent=jiangsu, name="南通市总工会", region="3206")
    suzhou = make_tenant("suzhou", kind="city", parent=jiangsu, name="苏州市总工会", region="3205")
    haimen = make_tenant("haimen", kind="county", parent=nantong, name="南通市海门区总工会", region="320614")
    sanxing = make_tenant("sanxing", kind="town", parent=haimen, name="海门区三星镇总工会")
    changle = make_tenant("changle", kind="town", parent=haimen, name="海门区常乐镇总工会")
    return {"jiangsu": jiangsu, "nantong": nantong, "suzhou": suzhou, "haimen": haimen, "sanxing": sanxing, "changle": changle}


@pytest.fixture
def register(app):
    """register(tenant, what="document"|"meeting"|"inspection", targets=(), **values) -> id, saved and committed."""

    def factory(tenant, what="document", targets=(), **values):
        with in_tenant(app, tenant):
            if what == "document":
                obj = services.save_document(None, document_values(**values), "admin")
            elif what == "meeting":
                obj = services.save_meeting(None, meeting_values(**values), "admin")
            else:
                obj = services.save_inspection(None, inspection_values(**values), list(targets), "admin")
            db.session.commit()
            return obj.id

    return factory
