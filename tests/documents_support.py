"""Facts for every document type (full, as a case worker would fill them) and helpers to read
a generated .docx back: shared by the document tests."""
from __future__ import annotations

import io

WORKER = {"name": "王小明", "gender": "男", "birth_date": "1988-04-12", "ethnicity": "汉", "id_number": "410102198804120033",
          "phone": "13912345678", "address": "河南省郑州市中原区建设路18号"}
COMPANY = {"kind": "organisation", "name": "郑州某某建筑劳务有限公司", "address": "郑州市金水区花园路1号",
           "credit_code": "91410100MA12345678", "legal_representative": "赵大为", "representative_title": "经理",
           "phone": "037112345678"}
WIFE = {"name": "李秀英", "gender": "女", "birth_date": "1990-02-03", "ethnicity": "汉", "id_number": "41010219900203004X",
        "phone": "13800001111", "address": "郑州市二七区大学路5号"}
HUSBAND = {"name": "张建国", "gender": "男", "birth_date": "1987-07-07", "ethnicity": "汉", "id_number": "410102198707070011",
           "phone": "13700002222", "address": "郑州市二七区大学路5号", "relation": "丈夫"}

FULL = {
    "labor_arbitration_application": {
        "applicant": WORKER, "respondent": COMPANY, "committee": "郑州市劳动人事争议仲裁委员会",
        "claims": [{"text": "请求裁决被申请人支付违法解除劳动合同赔偿金", "amount": 42000}, "请求裁决被申请人出具解除劳动合同证明"],
        "start_date": "2021-10-01", "end_date": "2025-03-01", "position": "钢筋工", "monthly_wage": 6000,
        "written_contract": False, "dispute": "2025年3月1日，被申请人以工程结束为由口头通知申请人不用再来上班",
        "date": "2025-03-20"},
    "civil_complaint/divorce": {
        "case": "divorce", "plaintiff": WIFE, "defendant": HUSBAND, "court": "郑州市二七区人民法院",
        "marriage_date": "2012-05-20", "children": [{"name": "张乐乐", "gender": "女", "birth_date": "2014-09-01"}],
        "separated_since": "2023-06-01", "property": "住房一套（二七区大学路5号）", "breakdown": "被告长期酗酒并多次殴打原告",
        "date": "2025-04-01"},
    "civil_complaint/child_support": {
        "case": "child_support", "plaintiff": {"name": "张乐乐", "gender": "女", "birth_date": "2014-09-01"},
        "custodian": {**WIFE, "relation": "母亲"}, "defendant": HUSBAND, "court": "郑州市二七区人民法院",
        "monthly_amount": 1500, "payer_monthly_income": 8000, "divorce_date": "2022-01-10"},
    "civil_complaint/private_loan": {
        "case": "private_loan", "plaintiff": WORKER, "defendant": HUSBAND, "court": "郑州市中原区人民法院",
        "loan_date": "2023-02-01", "principal": 50000, "annual_interest_rate": 6, "due_date": "2024-02-01",
        "repaid": 10000, "evidence": "银行转账"},
    "civil_complaint/labour_service_fee": {
        "case": "labour_service_fee", "plaintiff": WORKER, "defendant": HUSBAND, "court": "郑州市中原区人民法院",
        "work_start": "2024-03-01", "work_end": "2024-08-31", "work_content": "装修木工", "agreed_fee": "每天350元",
        "unpaid_amount": 23800},
    "protection_order_application": {
        "applicant": WIFE, "respondent": HUSBAND, "court": "郑州市二七区人民法院",
        "measures": ["no_violence", "no_contact", "move_out"],
        "incidents": [{"date": "2025-02-14", "what": "被申请人酒后用皮带抽打申请人，致申请人手臂多处淤青"}],
        "reported_to_police": True},
    "payment_order_application": {
        "applicant": WORKER, "respondent": COMPANY, "court": "郑州市金水区人民法院", "amount": 18600,
        "debt_basis": "劳务费", "debt_date": "2024-12-31", "due_date": "2025-01-31", "evidence": "结算单和欠条"},
    "legal_aid_application": {
        "applicant": WORKER, "legal_aid_centre": "郑州市中原区法律援助中心", "region": "郑州市中原区",
        "matter": "追索劳动报酬", "service": "仲裁代理", "case_summary": "在工地干活被拖欠工资三个月",
        "household_size": 4, "household_monthly_income": 3200, "applicant_monthly_income": 2000,
        "residence_type": "农村", "special_status": ["农民工"], "opponent": COMPANY},
}

# what each filled document must show, besides the parties' names
EXPECTED = {
    "labor_arbitration_application": ["郑州市劳动人事争议仲裁委员会", "2021年10月1日", "6000元", "42000元", "钢筋工", "未签订"],
    "civil_complaint/divorce": ["判决原告与被告离婚", "2012年5月20日", "张乐乐", "郑州市二七区人民法院", "第一千零七十九条"],
    "civil_complaint/child_support": ["1500元", "8000元", "2022年1月10日", "法定代理人：李秀英", "第一千零八十五条"],
    "civil_complaint/private_loan": ["40000元", "50000元", "年利率6%", "2024年2月1日", "第六百七十五条"],
    "civil_complaint/labour_service_fee": ["23800元", "装修木工", "每天350元", "2024年8月31日"],
    "protection_order_application": ["责令被申请人迁出申请人住所", "2025年2月14日", "丈夫", "反家庭暴力法》第二十三条"],
    "payment_order_application": ["18600元", "劳务费", "2025年1月31日", "第二百二十五条"],
    "legal_aid_application": ["郑州市中原区法律援助中心", "追索劳动报酬", "4人", "3200元", "800元", "农民工"],
}
TITLES = {"labor_arbitration_application": "劳动人事争议仲裁申请书", "civil_complaint": "民事起诉状",
          "protection_order_application": "人身安全保护令申请书", "payment_order_application": "支付令申请书",
          "legal_aid_application": "法律援助申请表"}


def doc_type(key: str) -> str:
    return key.split("/")[0]


def docx_text(content: bytes) -> str:
    """Every paragraph and table cell of a .docx, in order, one per line."""
    import docx

    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)
