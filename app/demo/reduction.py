"""Demo documents, meetings and inspections for the upper federations, last year and this year:
fewer this year, a few flags to resolve, and one county notice copied from its city's."""
from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from app.extensions import db
from app.reduction import services as reduction
from app.reduction.models import Document

DEPARTMENTS = ["办公室", "组织部", "权益保障部", "宣传教育部", "经费审查委员会办公室"]
TOPICS = ["深化工会改革", "推进非公企业建会", "开展劳动和技能竞赛", "做好困难职工帮扶", "推进工资集体协商", "加强基层工会规范化建设"]
PHRASES = [
    "坚持以职工为中心的工作导向，推动资源力量向基层倾斜，做到钱往基层用、人往基层走、事往基层办。",
    "各级工会要结合本地实际，制定具体措施，明确责任分工和完成时限，确保各项任务落到实处。",
    "要依托非层级化工会工作站，组织小微企业开展会员代表大会、职工代表大会和工资集体协商。",
    "对基层工会确实无力承担的维权、选举和经费管理等事项，由上级工会代为办理并做好记录。",
    "严格控制发文数量，能合并的合并，能不发的不发，不得以文件落实文件。",
    "精简会议活动，能开视频会议的不开现场会议，会议时间一般不超过九十分钟。",
]


def build(tenant, children, today: dt.date) -> int:
    """Fill one province, city or county federation; returns the records made (0 if it has some)."""
    if reduction.documents(today.year - 1) or reduction.documents(today.year):
        return 0
    rng = random.Random(f"{tenant.slug}/reduction")
    place = tenant.name.replace("总工会", "")
    made = 0
    for year, generals in ((today.year - 1, rng.randint(11, 14)), (today.year, rng.randint(6, 9))):
        last_day = min(dt.date(year, 12, 20), today - dt.timedelta(days=1))
        for n in range(generals + rng.randint(3, 6)):
            kind = "general" if n < generals else rng.choice(["briefing", "forwarding", "other"])
            topic = rng.choice(TOPICS)
            body = f"关于{topic}的通知\n{place}各级工会：\n" + "".join(rng.sample(PHRASES, 4)) + f"\n{place}总工会"
            reduction.save_document(None, {
                "number": f"{place[:2]}工发〔{year}〕{n + 1}号", "title": f"关于{topic}的通知", "department": rng.choice(DEPARTMENTS),
                "issued_on": _day(rng, year, last_day), "doc_type": kind, "has_measures": kind != "forwarding" or rng.random() < 0.5,
                "is_routine": kind == "briefing" and rng.random() < 0.4, "body": body}, "admin")
            made += 1
        for n in range(rng.randint(5, 8) if year < today.year else rng.randint(3, 5)):
            reduction.save_meeting(None, {
                "title": f"{rng.choice(TOPICS)}推进会", "department": rng.choice(DEPARTMENTS), "held_on": _day(rng, year, last_day),
                "starts_at": dt.time(9, 0), "duration_minutes": rng.choice([60, 75, 90, 90, 120]), "kind": rng.choice(["work", "work", "other"]),
                "mode": rng.choice(["video", "onsite"]), "levels_down": rng.choice([0, 1, 1, 2]), "could_be_video": rng.random() < 0.3}, "admin")
            made += 1
        if children:
            for n in range(3 if year < today.year else 2):
                start = _day(rng, year, last_day - dt.timedelta(days=5))
                reduction.save_inspection(None, {
                    "title": f"{rng.choice(TOPICS)}专项{['检查', '考核', '调研'][n % 3]}", "department": rng.choice(DEPARTMENTS),
                    "kind": ["inspection", "assessment", "survey"][n % 3], "starts_on": start, "ends_on": start + dt.timedelta(days=rng.randint(1, 4)),
                    "items": rng.randint(18, 30) if year < today.year else rng.randint(8, 14), "scores_paperwork": rng.random() < 0.2},
                    [c.id for c in rng.sample(children, min(len(children), 2))], "admin")
                made += 1
    return made


def copy_from_parent(parent_body: str, parent_place: str, place: str, today: dt.date) -> None:
    """A county notice that copies its city's, swapping the place name: the check returns it."""
    reduction.save_document(None, {
        "number": f"{place[:2]}工发〔{today.year}〕99号", "title": "关于深化工会改革的通知（转发稿）", "department": "办公室",
        "issued_on": today - dt.timedelta(days=3), "doc_type": "general", "has_measures": False, "is_routine": False,
        "body": parent_body.replace(parent_place, place)}, "admin")


def first_body(year: int) -> str | None:
    document = db.session.scalar(sa.select(Document).where(Document.year == year).order_by(Document.id))
    return document.body if document else None


def _day(rng: random.Random, year: int, last: dt.date) -> dt.date:
    start = dt.date(year, 1, 5)
    return start + dt.timedelta(days=rng.randint(0, max(0, (last - start).days)))
