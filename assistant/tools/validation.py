"""Plain-Chinese reasons for invalid tool input (the 422 `detail.reason`), one per problem."""
from __future__ import annotations

from pydantic import ValidationError

FIELD_NAMES = {
    "kind": "类型", "start_date": "开始日期", "end_date": "结束日期", "today": "今天的日期",
    "interrupted_on": "中断日期", "suspension_started_on": "中止开始日期", "suspension_ended_on": "中止消除日期",
    "monthly_wage": "月工资", "grade": "伤残等级", "region": "地区", "year": "统计年度", "age": "年龄",
    "monthly_income": "月收入", "children": "子女人数", "hours": "工作日加班小时数",
    "rest_day_hours": "休息日加班小时数", "holiday_hours": "法定节假日加班小时数",
    "disability_coefficient": "伤残赔偿指数",
}


def chinese_reason(error: ValidationError) -> str:
    return "；".join(_one(item) for item in error.errors())


def _one(item: dict) -> str:
    loc = ".".join(str(p) for p in item["loc"])
    label = f"{FIELD_NAMES.get(loc, loc)}（{loc}）" if loc else ""
    kind, ctx = item["type"], item.get("ctx") or {}
    if kind == "value_error":   # our own checks already speak Chinese
        return str(ctx.get("error") or item["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        return f"缺少{label}"
    if kind == "extra_forbidden":
        return f"不认识的字段 {loc}"
    if kind == "literal_error":
        return f"{label}无效，可选：{ctx.get('expected', '')}"
    if kind.startswith("date"):
        return f"{label}不是有效日期，格式应为 YYYY-MM-DD"
    if kind == "greater_than":
        return f"{label}必须大于 {ctx.get('gt')}"
    if kind == "greater_than_equal":
        return f"{label}不能小于 {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"{label}不能大于 {ctx.get('le')}"
    if kind in ("string_too_short", "string_too_long"):
        return f"{label}长度应为 {ctx.get('min_length', 1)}–{ctx.get('max_length', '')} 个字"
    if kind in ("int_type", "int_from_float", "float_type", "int_parsing", "float_parsing"):
        return f"{label}应为数字" + ("（整数）" if kind.startswith("int") else "")
    if kind == "string_type":
        return f"{label}应为文字"
    if kind in ("model_type", "dict_type"):
        return "请求体应为 JSON 对象"
    return f"{label}无效（{item['msg']}）"
