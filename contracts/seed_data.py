"""The fixed data of the contracts feature's demo city 咸宁市: its providers (name, kind, county,
line of work), the qualifications that end soon, the status changes, the welfare homes and the
rural homes' townships, and the titles of the contracts."""

from __future__ import annotations

from contracts.models import ProviderKind

K = ProviderKind
COUNTIES = ("421202", "421221", "421222", "421223", "421224", "421281")
#: registration prefix of the credit code (5x = civil affairs, 91 = company) per kind
PREFIX = {K.SOCIAL_ORG: "51", K.PRIVATE_NONPROFIT: "52", K.FOUNDATION: "53", K.COMPANY: "91"}
CERTIFICATE = {K.SOCIAL_ORG: "社会团体法人登记证书", K.PRIVATE_NONPROFIT: "民办非企业单位登记证书",
               K.FOUNDATION: "基金会法人登记证书", K.COMPANY: "营业执照"}

#: (name, kind, county, line of work: survey | care | children | other); the first one is
#: the organization of the demo provider user
DEMO_PROVIDERS: list[tuple[str, ProviderKind, str, str]] = [
    ("咸宁市阳光社会工作服务中心", K.PRIVATE_NONPROFIT, "421202", "survey"),
    ("咸安区启航社会工作服务中心", K.PRIVATE_NONPROFIT, "421202", "survey"),
    ("嘉鱼县益民社会救助服务社", K.SOCIAL_ORG, "421221", "survey"),
    ("崇阳县同心社会工作协会", K.SOCIAL_ORG, "421223", "survey"),
    ("赤壁市守望社会工作服务中心", K.PRIVATE_NONPROFIT, "421281", "survey"),
    ("通城县隽水社会工作服务中心", K.PRIVATE_NONPROFIT, "421222", "survey"),
    ("通山县九宫社会工作服务社", K.PRIVATE_NONPROFIT, "421224", "survey"),
    ("嘉鱼县鱼岳社会工作服务中心", K.PRIVATE_NONPROFIT, "421221", "survey"),
    ("咸宁市社会工作协会", K.SOCIAL_ORG, "421202", "survey"),
    ("赤壁市蒲圻社会组织服务中心", K.PRIVATE_NONPROFIT, "421281", "survey"),
    ("崇阳县天城社会工作服务中心", K.PRIVATE_NONPROFIT, "421223", "survey"),
    ("咸宁市温泉心理咨询服务中心", K.PRIVATE_NONPROFIT, "421202", "other"),
    ("咸安区康乐养老服务中心", K.PRIVATE_NONPROFIT, "421202", "care"),
    ("通城县仁爱养老服务有限公司", K.COMPANY, "421222", "care"),
    ("赤壁市颐和健康养老有限公司", K.COMPANY, "421281", "care"),
    ("咸宁市福寿康养老服务有限公司", K.COMPANY, "421202", "care"),
    ("嘉鱼县夕阳红养老服务中心", K.PRIVATE_NONPROFIT, "421221", "care"),
    ("崇阳县松柏园养老服务有限公司", K.COMPANY, "421223", "care"),
    ("通山县颐养之家养老服务中心", K.PRIVATE_NONPROFIT, "421224", "care"),
    ("湖北长乐康养产业有限公司", K.COMPANY, "421202", "care"),
    ("咸宁市安康护理院有限公司", K.COMPANY, "421202", "care"),
    ("赤壁市陆水湖颐养服务中心", K.PRIVATE_NONPROFIT, "421281", "care"),
    ("嘉鱼县簰洲湾老年公寓服务中心", K.PRIVATE_NONPROFIT, "421221", "care"),
    ("通城县幸福里居家养老服务中心", K.PRIVATE_NONPROFIT, "421222", "care"),
    ("崇阳县桂花泉敬老服务中心", K.PRIVATE_NONPROFIT, "421223", "care"),
    ("咸宁市温泉颐康物业管理有限公司", K.COMPANY, "421202", "survey"),
    ("咸宁市童心儿童服务中心", K.PRIVATE_NONPROFIT, "421202", "children"),
    ("赤壁市春苗儿童关爱服务中心", K.PRIVATE_NONPROFIT, "421281", "children"),
    ("通山县护苗社会工作服务中心", K.PRIVATE_NONPROFIT, "421224", "children"),
    ("嘉鱼县明德青少年服务中心", K.PRIVATE_NONPROFIT, "421221", "children"),
    ("崇阳县希望家园儿童服务中心", K.PRIVATE_NONPROFIT, "421223", "children"),
    ("通山县福泽慈善基金会", K.FOUNDATION, "421224", "other"),
    ("咸宁市慈善总会", K.SOCIAL_ORG, "421202", "other"),
    ("赤壁市博爱慈善基金会", K.FOUNDATION, "421281", "other"),
    ("咸宁市关爱老人公益基金会", K.FOUNDATION, "421202", "other"),
    ("咸宁市助残康复服务中心", K.PRIVATE_NONPROFIT, "421202", "other"),
    ("通城县金色晚年志愿者协会", K.SOCIAL_ORG, "421222", "other"),
    ("湖北楚善社会服务有限公司", K.COMPANY, "421202", "other"),
    ("嘉鱼县惠民家政服务有限公司", K.COMPANY, "421221", "care"),
    ("咸安区邻里守望志愿服务协会", K.SOCIAL_ORG, "421202", "other"),
]
#: qualifications ending soon (days from today) and already ended (negative)
EXPIRING = {5: 12, 16: 25, 28: 41, 35: 57}
EXPIRED = {30: -45, 39: -120}
#: statuses set after the contracts: index → (status, reason)
STATUS_CHANGES = {
    23: ("suspended", "年度检查不合格，暂停承接新项目，限期六个月整改。"),
    37: ("suspended", "未按合同约定配备持证社会工作者，责令整改。"),
    38: ("suspended", "被市场监督管理部门列入经营异常名录。"),
    25: ("debarred", "在入户调查中虚报服务数据，列入政府采购严重违法失信行为记录名单。"),
    9: ("debarred", "投标时提供虚假业绩材料谋取中标。"),
}

#: (name, kind, township or street code, wards {self_care, semi_disabled, disabled})
FACILITIES: list[tuple[str, str, str, tuple[int, int, int]]] = [
    ("咸宁市社会福利院", "elderly_home", "421202003", (120, 80, 60)),
    ("咸宁市儿童福利中心", "child_welfare", "421202001", (50, 0, 100)),
    ("咸安区社会福利院", "elderly_home", "421202002", (90, 60, 40)),
    ("嘉鱼县社会福利院", "elderly_home", "421221100", (80, 50, 30)),
    ("通城县社会福利院", "elderly_home", "421222100", (70, 50, 30)),
    ("崇阳县社会福利院", "elderly_home", "421223100", (80, 40, 30)),
    ("通山县社会福利院", "elderly_home", "421224100", (60, 40, 20)),
    ("赤壁市社会福利院", "elderly_home", "421281002", (100, 60, 40)),
]
RURAL_TOWNSHIPS = ("421202101", "421202103", "421202105", "421202108", "421202200",
                   "421221102", "421221104", "421221107", "421222101", "421222104",
                   "421222200", "421223101", "421223104", "421223200", "421224102",
                   "421224104", "421224200", "421281101", "421281104", "421281106",
                   "421281109", "421281200")

HS_TITLE = "{year}年{place}困难群众家庭经济状况入户调查服务"
#: 委托代养: the city's child welfare centre, run by the bureau itself (a public institution,
#: credit code 12…), raises the children the counties of weak institutions entrust to it:
#: county → children entrusted
CENTRE = "咸宁市儿童福利中心"
ENTRUSTING = {"421221": 12, "421224": 8}
EC_TITLE = "{year}年{place}孤儿委托咸宁市儿童福利中心代养"
EC_TITLES = ("{year}年{place}困境儿童委托照料服务", "{year}年{place}孤儿及事实无人抚养儿童关爱服务")
OT_TITLES = (("{year}年{place}社会救助政策宣传服务", {"events": 24}),
             ("{year}年{place}特困人员照料护理能力培训", {"trainees": 300}),
             ("{year}年{place}低保对象动态复核辅助服务", {"reviews": 2000}),
             ("{year}年{place}残疾人居家康复服务", {"visits": 1200}))
