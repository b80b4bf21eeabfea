"""Demo work stations for one town, street or industry federation: people, enterprises, budgets and
a checklist that is complete for last year and half done for this one. Deterministic per federation."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.checklist import rules as checklist_rules
from app.checklist.models import ChecklistItem
from app.stations.models import Enterprise, EnterpriseStation, Person, StationExpense, StationRole, WorkStation
from app.stations.uscc import example_uscc

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国玉兰红梅志红春生海燕晓东文斌立新卫东永林德华振宇雪梅佳琪子涵浩然"
INDUSTRIES = ["机械制造", "纺织服装", "电子信息", "建筑安装", "物流运输", "食品加工", "化工新材料", "商贸服务", "家纺", "船舶配套"]
BRANDS = "恒盛华达鑫源宏远金泰瑞丰永成东方新宇通利嘉禾天成润发海隆中信富安佳美正大凯旋"
KINDS = {"labour_competition": ["技能比武", "岗位练兵", "安全知识竞赛", "合理化建议"], "cultural_activity": ["篮球赛", "拔河比赛", "健步走", "文艺汇演", "读书会"],
         "n": ["职工之家建设", "困难职工走访", "职工体检", "法律宣讲", "夏送清凉", "金秋助学", "会员评家"]}


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def build(session, tenant, today: dt.date, password_hash: str) -> dict:
    """Fill one federation; does nothing if it already has stations. Returns counts and logins."""
    if session.scalar(sa.select(sa.func.count()).select_from(WorkStation)):
        return {"stations": 0, "enterprises": 0, "logins": []}
    rng = random.Random(tenant.slug)
    place = tenant.name.replace("总工会", "").replace("工会联合会", "").split("区")[-1].split("市")[-1]
    region = (tenant.region_code or "320600")[:6].ljust(6, "0")
    stations, logins, serial = rng.randint(3, 8), [], 0
    modes = ["industry", "region", "group"]
    for number in range(1, stations + 1):
        mode = modes[(number - 1) % 3]
        industry = rng.choice(INDUSTRIES)
        name = {"industry": f"{place}{industry}行业工会工作站", "region": f"{place}第{number}片区工会工作站",
                "group": f"{rng.choice(BRANDS)}{rng.choice(BRANDS)}集团工会工作站"}[mode]
        name = f"{name}（{number}）" if session.scalar(sa.select(WorkStation.id).where(WorkStation.name == name)) else name
        station = WorkStation(name=name, mode=mode, coverage=industry if mode == "industry" else f"{place}第{number}片区",
                              host_enterprise=f"{place}{rng.choice(BRANDS)}{rng.choice(BRANDS)}{industry}有限公司", status="active")
        session.add(station)
        session.flush()
        logins += _people(session, rng, station, number, today, password_hash)
        serial = _enterprises(session, rng, station, place, region, serial, today)
        _expenses(session, rng, station, today)
    return {"stations": stations, "enterprises": serial, "logins": logins}


def _people(session, rng, station, number, today, password_hash) -> list[str]:
    started = dt.date(today.year - rng.randint(1, 3), rng.randint(1, 12), 1)
    logins = []
    plan = [("chief", "backbone_chair", f"chief{number}"), ("deputy", rng.choice(["seconded_cadre", "social_worker"]), f"deputy{number}")]
    plan += [("deputy", "social_worker", None)] * rng.randint(0, 1) + [("staff", rng.choice(["enterprise_cadre", "volunteer"]), None)] * rng.randint(1, 3)
    for role, source, username in plan:
        user_id = None
        if username:
            user_id = session.execute(sa.insert(User).returning(User.id), [{
                "username": username, "display_name": "", "password_hash": password_hash, "role": role, "is_active": True,
                "failed_login_count": 0, "created_at": dt.datetime.now(),
            }]).scalar_one()
            logins.append(username)
        name = _person(rng)
        if user_id:
            session.execute(sa.update(User).where(User.id == user_id).values(display_name=name))
        person = Person(name=name, phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}", source=source, user_id=user_id)
        session.add(person)
        session.flush()
        session.add(StationRole(station_id=station.id, person_id=person.id, role=role, started_on=started))
    session.flush()
    return logins


def _enterprises(session, rng, station, place, region, serial, today) -> int:
    count = rng.randint(10, 60)
    rows = []
    for _ in range(count):
        serial += 1
        workers = rng.choice([rng.randint(8, 60), rng.randint(60, 300), rng.randint(300, 1500)])
        rows.append({
            "name": f"{place}{rng.choice(BRANDS)}{rng.choice(BRANDS)}{rng.choice(INDUSTRIES)}有限公司",
            "uscc": example_uscc(serial, region), "industry": station.coverage if station.mode == "industry" else rng.choice(INDUSTRIES),
            "workers": workers, "members": int(workers * rng.uniform(0.7, 1.0)), "union_chair": _person(rng),
            "contact_phone": f"1{rng.choice('3589')}{rng.randint(100_000_000, 999_999_999)}", "created_at": dt.datetime.now(),
        })
    ids = session.execute(sa.insert(Enterprise).returning(Enterprise.id, sort_by_parameter_order=True), rows).scalars().all()
    joined = dt.date(today.year - 2, 1, 1)
    session.execute(sa.insert(EnterpriseStation), [{"enterprise_id": i, "station_id": station.id, "from_on": joined, "until_on": None} for i in ids])
    items = []
    for enterprise_id, row in zip(ids, rows):
        items += _year_items(rng, enterprise_id, row["workers"], today.year - 1, today, complete=True)
        items += _year_items(rng, enterprise_id, row["workers"], today.year, today, complete=False)
    session.execute(sa.insert(ChecklistItem), items)
    return serial


def _year_items(rng, enterprise_id, workers, year, today, *, complete) -> list[dict]:
    last_day = min(dt.date(year, 12, 31), today - dt.timedelta(days=1))
    items = []
    for task in checklist_rules.TASKS:
        roll = 0.0 if complete else rng.random()
        if roll < 0.5:
            status, held, planned = "done", _day_between(rng, dt.date(year, 1, 10), last_day), None
        elif roll < 0.75:
            status, held, planned = "planned", None, _day_between(rng, today - dt.timedelta(days=40), dt.date(year, 12, 20))
        else:
            continue
        items.append(_item(rng, enterprise_id, year, task, status, planned, held, workers))
    for _ in range(rng.randint(1, 3) if complete else rng.randint(0, 2)):
        held = _day_between(rng, dt.date(year, 1, 10), last_day)
        item = _item(rng, enterprise_id, year, "n", "done", None, held, workers)
        item["title"] = rng.choice(KINDS["n"])
        items.append(item)
    return items


def _item(rng, enterprise_id, year, task, status, planned, held, workers) -> dict:
    item = {
        "enterprise_id": enterprise_id, "year": year, "task": task, "title": "", "status": status, "planned_on": planned,
        "held_on": held, "participants": None, "notes": "", "agreement_signed": None, "average_raise_pct": None,
        "minimum_wage": None, "workers_covered": None, "delegates_expected": None, "delegates_present": None,
        "motions_adopted": None, "activity_kind": "", "version": 1, "updated_at": dt.datetime.now(), "updated_by": "demo",
        "updated_on_behalf_by": None,
    }
    if status != "done":
        return item
    item["participants"] = max(3, int(workers * rng.uniform(0.3, 0.9)))
    if task in checklist_rules.CONGRESSES:
        expected = max(5, min(80, workers // 5))
        present = expected if rng.random() < 0.6 else int(expected * rng.uniform(0.55, 1.0))
        item.update(delegates_expected=expected, delegates_present=present, motions_adopted=rng.randint(1, 6), participants=present)
    elif task == "wage_negotiation":
        item.update(agreement_signed=rng.random() < 0.9, average_raise_pct=Decimal(f"{rng.uniform(2.5, 8.0):.2f}"),
                    minimum_wage=Decimal(rng.choice([2280, 2380, 2490, 2600])), workers_covered=workers)
    else:
        item["activity_kind"] = rng.choice(KINDS.get(task, KINDS["n"]))
    return item


def _expenses(session, rng, station, today) -> None:
    rows = []
    for year, count in ((today.year - 1, rng.randint(5, 9)), (today.year, rng.randint(2, 6))):
        for _ in range(count):
            rows.append({
                "station_id": station.id, "year": year,
                "spent_on": _day_between(rng, dt.date(year, 1, 5), min(dt.date(year, 12, 28), today - dt.timedelta(days=1))),
                "amount": Decimal(rng.choice([800, 1200, 1500, 2000, 2600, 3000, 4200])), "category": rng.choice(["activity", "training", "service", "office"]),
                "description": rng.choice(["职工篮球赛场地租用", "工会干部培训", "慰问困难职工", "办公用品", "劳动竞赛奖品", "普法讲座"]),
                "receipt_sha256": None, "receipt_name": None, "receipt_type": None, "is_overspend": False, "created_by": "demo",
                "created_at": dt.datetime.now(),
            })
    session.execute(sa.insert(StationExpense), rows)


def grade_last_year(rng: random.Random, year: int) -> int:
    """Score and confirm every station's grading for last year, as the federation would have."""
    from app.grading import services as grading

    confirmed = 0
    for station in db.session.scalars(sa.select(WorkStation)):
        sheet = grading.sheet_for(year)
        for item in grading.items_of(sheet):
            if item.kind == "manual":
                points = Decimal(rng.choice([item.max_points, item.max_points, item.max_points - 1, item.max_points - 2]))
                grading.set_entry(station, year, item, points, "职工问卷与走访" if points == item.max_points else "部分企业反馈一般",
                                  actor="admin", is_admin=True)
        grading.submit(station, year, "admin")
        grading.confirm(station, year, "admin")
        confirmed += 1
    return confirmed


CASES = [
    ("rights", "职工反映企业拖欠三个月工资", "complaint"), ("legal_aid", "工伤认定法律援助", "complaint"),
    ("wage_negotiation", "小微企业工资专项集体协商", "station"), ("election", "代为组织工会委员会换届选举", "station"),
    ("dues", "工会经费集中管理、分户核算", "federation"),
]


def open_cases(rng: random.Random, parent, today: dt.date) -> int:
    """A handful of on-behalf cases in every state; the first one is passed up to the parent."""
    from app.delegation import services as delegation

    enterprise_ids = db.session.scalars(sa.select(Enterprise.id)).all()
    made = 0
    for number, (kind, title, source) in enumerate(rng.sample(CASES, 3)):
        ids = rng.sample(enterprise_ids, 3 if kind == "wage_negotiation" else 1)
        case = delegation.open_case({"kind": kind, "source": source, "title": title, "description": title}, ids, "chief1")
        made += 1
        if number == 0 and parent is not None:
            delegation.escalate(case, parent, "本级缺少专业力量", "admin")
            continue
        if number == 1:
            continue  # waiting to be accepted
        delegation.accept(case, "admin")
        delegation.add_note(case, "已约谈企业负责人，了解情况", today, "admin")
        outcome = {"summary": "已办结", "amount_recovered": Decimal(rng.randint(8, 60) * 1000), "workers_helped": rng.randint(3, 20),
                   "agreement_title": "工资专项集体合同", "workers_covered": rng.randint(40, 300), "election_result": "选出委员 5 名，主席 1 名"}
        delegation.close(case, outcome, "admin")
        delegation.confirm(case, rng.randint(4, 5), "满意", "chief1")
    return made
