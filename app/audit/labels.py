"""How the audit trail names the fields it shows (Chinese, through the catalogue in templates)."""

FIELD_LABELS = {
    "status": "状态", "planned_on": "计划日期", "held_on": "举办日期", "participants": "参加人数", "notes": "备注",
    "title": "活动名称", "agreement_signed": "是否签订集体合同", "average_raise_pct": "平均工资增幅（%）",
    "minimum_wage": "最低工资标准（元/月）", "workers_covered": "覆盖职工人数", "delegates_expected": "应到代表",
    "delegates_present": "实到代表", "motions_adopted": "通过议案", "activity_kind": "形式", "evidence": "证明材料",
    "name": "名称", "mode": "模式", "coverage": "覆盖的行业或区域", "host_enterprise": "依托企业", "uscc": "统一社会信用代码",
    "industry": "所属行业", "workers": "职工人数", "members": "工会会员人数", "union_chair": "工会主席",
    "contact_phone": "联系电话", "station": "工作站", "on": "日期", "amount": "金额", "overspend": "超预算",
    "default_station_budget": "工作站默认年度经费", "count": "数量",
}
