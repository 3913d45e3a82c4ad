"""Benchmark of the copied-application detection (apps/screening/similarity/).

    .venv/bin/python bench/similarity_bench.py [--n 2000] [--seed 1] [--corpus both]

Generates a synthetic call of N Chinese applications (~8,000 characters
each): shared boilerplate (headings, template sentences of the call, long
quoted regulations present in most applications, stock phrases of the field),
the rest made of randomly generated sentences over a work-injury-prevention
vocabulary -- documents share words and phrases but not long runs of
characters -- and about 5 % planted copies (an original with 10-40 % of its
sentences replaced by fresh ones, a few reordered, figures changed, sometimes
extra text added) -- and, beside it, a templated call
(``bench/templated_corpus.py``: one form, few sentence patterns, figures the
main difference, planted copies that keep the figures and copies that change
them). Reports per corpus the build and listing times, recall and precision of
the planted copies at the default thresholds, and the total time against the
brute-force baseline -- both *including* shingling and the discount; the
all-pairs comparison is measured on a random sample of pairs and extrapolated
when all pairs would take too long.

The generator (:class:`CorpusGenerator`, :func:`make_corpus`) is importable and
used by ``tests/screening``.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `apps` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.screening.similarity import (
    DEFAULT_FIGURE_THRESHOLD,
    DEFAULT_THRESHOLD,
    SimilarityIndex,
    exact_overlap,
)

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------


def _words(block: str) -> list[str]:
    return block.split()


ORGS = _words(
    """
市人力资源和社会保障局 区工伤保险经办机构 市安全生产协会 职业卫生技术服务中心
安全生产技术服务公司 市建筑业协会 区总工会 市交通运输协会 职业技能培训学校
市疾病预防控制中心 安全评价机构 应急管理培训中心 市物流与采购联合会
化工园区管委会 工伤康复医院 街道社区服务中心 行业龙头企业 高校安全工程学院
市餐饮行业协会 市快递行业协会 劳务派遣服务公司 市机械工业联合会
"""
)
INDUSTRIES = _words(
    """
建筑施工 交通运输 危险化学品 机械制造 冶金 非煤矿山 纺织服装 食品加工
快递物流 餐饮服务 电子信息 家具制造 港口装卸 环卫清洁 物业管理 医药制造
汽车维修 仓储配送 木材加工 印刷包装 金属冶炼 燃气供应 电力安装 塑料制品
"""
)
TARGETS = _words(
    """
一线职工 农民工 新入职员工 班组长 特种作业人员 企业主要负责人 安全管理人员
劳务派遣人员 高龄职工 外卖骑手 货车司机 叉车司机 电焊工 高处作业人员
有限空间作业人员 车间主任 职业卫生管理人员 兼职安全员 灵活就业人员 女职工
"""
)
ACTIVITIES = _words(
    """
工伤预防宣传 安全生产培训 职业健康检查 隐患排查治理 应急救援演练
岗位风险辨识 职业病危害因素检测 安全文化建设 班组安全活动 事故案例警示教育
个体防护用品配备指导 安全操作规程修订 工伤康复咨询 心理健康辅导
线上学习平台建设 安全技能比武 作业现场安全巡查 工伤保险政策宣讲
危险源辨识评估 安全标准化创建 职业病防护知识普及 双重预防机制建设
安全生产责任制落实 工伤事故统计分析 防护设施改造
"""
)
METHODS = _words(
    """
现场授课 视频教学 情景模拟 专家讲座 知识竞赛 入企指导 问卷调查 线上直播
案例研讨 实操演练 巡回宣讲 微信公众号推送 短视频传播 宣传折页发放 VR体验
师带徒 班前会提醒 板报展示 广播宣传 一对一帮扶
"""
)
PLACES = _words(
    """
工业园区 施工现场 生产车间 仓储中心 社区 街道 乡镇 经济开发区 项目工地
物流园区 港区 化工园区 商业综合体 城中村 产业集聚区 农贸市场
"""
)
VERBS = _words(
    """
开展 组织 推进 实施 落实 完善 强化 提升 建立 健全 优化 加强 深化
指导 督促 覆盖 评估 跟踪 巩固 拓展 规范 创新
"""
)
ADJS = _words(
    """
系统化 常态化 精准化 有针对性 全覆盖 分层分类 规范化 标准化 多元化
信息化 持续 全面 有效 重点 闭环 差异化 可复制 长效
"""
)
RESULTS = _words(
    """
工伤事故发生率 职业病发病率 安全意识 防护技能 隐患整改率 培训合格率 满意度
工伤保险参保率 事故经济损失 工伤保险基金支出 违章作业次数 应急处置能力
安全知识知晓率 防护用品佩戴率 重复工伤比例
"""
)
RISKS = _words(
    """
高处坠落 物体打击 机械伤害 触电 中毒窒息 火灾爆炸 车辆伤害 起重伤害
粉尘危害 噪声危害 高温中暑 化学品灼伤 坍塌 烫伤 肌肉骨骼损伤 交通事故
"""
)
MECHANISMS = _words(
    """
培训管理制度 考核评价体系 信息报送机制 部门协作机制 风险分级管控体系
跟踪回访制度 经费监管机制 效果评估体系 宣传工作网络 专家咨询机制
激励约束机制 数据共享平台
"""
)
TIMES = _words(
    """
项目周期内 第一季度 上半年 下半年 每月 每季度 全年 项目实施期间 启动阶段
中期评估前 项目结束前 旺季到来前 汛期前 春节前后
"""
)
UNITS = _words(
    """
场次 人次 家 小时 个 期 批次 份
"""
)
CHANGES = _words(
    """
降低 下降 提高 提升 减少 增加
"""
)

PATTERNS = [
    "{time}，{org}将在{place}{verb}{activity}{num}{unit}，{verb2}{target}{num2}人次。",
    "针对{industry}行业{target}{risk}多发的问题，{verb}{adj}的{activity}。",
    "通过{method}、{method2}和{method3}等方式，{verb}{target}的{result}。",
    "项目将{verb}{adj}{mechanism}，{verb2}{industry}企业{activity}。",
    "据统计，{place}{industry}企业共{num}家，从业人员约{num2}人，{risk}事故占比{pct}%。",
    "预计项目实施后，{target}{result}{change}{pct}%以上。",
    "{org}抽调{num}名专业人员组成工作组，负责{activity}和{activity2}。",
    "在{place}设立{num}个服务点，为{target}提供{activity}服务。",
    "以{risk}和{risk2}为重点，{verb}{industry}企业{activity}。",
    "{time}完成{activity}{num}{unit}，覆盖{target}{num2}人次，{result}达到{pct}%。",
    "结合{industry}行业特点，编制{activity}教材{num}套，制作{method}课件{num2}个。",
    "项目团队由{org}牵头，联合{org2}共同{verb}{activity}。",
    "对参训{target}开展{method}考核，{result}不低于{pct}%。",
    "建立{target}{activity}档案，实行{adj}管理，{verb}{mechanism}。",
    "{org}曾承担{activity}项目{num}个，累计服务{target}{num2}人次。",
    "重点关注{place}内{industry}企业的{risk}隐患，{verb}{activity}。",
    "利用{method}形式，向{target}普及{risk}防范知识和{activity}要求。",
    "{time}对{num}家企业开展{activity}，形成{adj}整改清单{num2}份。",
    "项目经费主要用于{activity}、{activity2}和{method}等支出，预算{num}万元。",
    "邀请{org}专家对{activity}成效进行{adj}评估，{verb}{mechanism}。",
    "当前{industry}企业{target}流动性大，{activity}覆盖不足，{result}偏低。",
    "以{place}为试点，探索{adj}{activity}模式，形成可推广经验。",
]

# Boilerplate: the call's headings, template sentences and quoted regulations.
HEADINGS = [
    "一、项目基本情况",
    "（一）申报单位基本情况",
    "（二）项目概况",
    "二、政策依据",
    "三、项目必要性和可行性分析",
    "四、项目实施方案",
    "（一）实施内容",
    "（二）实施方式",
    "（三）进度安排",
    "五、预期目标和绩效指标",
    "六、经费预算及测算依据",
    "七、保障措施",
    "八、风险分析及应对措施",
    "九、申报单位承诺",
]
TEMPLATE_SENTENCES = [
    "本申报书按照工伤预防项目申报指南的要求编制，所填内容真实、准确、完整。",
    "项目实施单位应当具备相应的专业能力和服务条件，并按照合同约定完成项目内容。",
    "本项目接受人力资源社会保障部门、财政部门及审计部门的监督检查，按要求报送项目进展情况和相关资料。",
    "项目经费严格按照工伤预防费使用管理有关规定专款专用，不得用于与项目无关的支出。",
    "项目实施过程中形成的培训记录、影像资料、签到表等材料应当完整归档，保存期限不少于五年。",
    "项目完成后，由第三方评估机构对项目实施效果进行评估，评估结果作为项目验收的重要依据。",
    "本单位承诺所提交的全部材料真实有效，如有虚假，愿意承担相应的法律责任，并自愿退出项目申报。",
    "本单位承诺严格遵守国家法律法规和工伤预防项目管理规定，规范使用项目资金，确保项目取得实效。",
    "项目绩效指标包括产出指标、效益指标和满意度指标，应当细化、量化，便于考核。",
    "项目实施周期一般不超过一年，确需延期的，应当按规定程序报批。",
]
REGULATIONS = [
    "根据《工伤保险条例》第一条规定：“为了保障因工作遭受事故伤害或者患职业病的职工获得医疗救治和经济补偿，"
    "促进工伤预防和职业康复，分散用人单位的工伤风险，制定本条例。”",
    "《工伤保险条例》第十二条规定：“工伤保险基金存入社会保障基金财政专户，用于本条例规定的工伤保险待遇，"
    "劳动能力鉴定，工伤预防的宣传、培训等费用，以及法律、法规规定的用于工伤保险的其他费用的支付。"
    "工伤预防费用的提取比例、使用和管理的具体办法，由国务院社会保险行政部门会同国务院财政、卫生行政、"
    "安全生产监督管理等部门规定。”",
    "《工伤预防费使用管理暂行办法》第四条规定：“工伤预防费使用管理工作由县级以上人力资源社会保障部门会同"
    "财政、卫生健康、应急管理部门按照各自职责共同做好。”",
    "《工伤预防费使用管理暂行办法》第五条规定：“工伤预防费用于下列项目的支出：（一）工伤事故和职业病预防宣传；"
    "（二）工伤事故和职业病预防培训。”",
    "《工伤预防费使用管理暂行办法》第六条规定：“在保证工伤保险待遇支付能力和储备金留存的前提下，"
    "工伤预防费的使用原则上不得超过统筹地区上年度工伤保险基金征缴收入的百分之三。因工伤预防工作需要，"
    "经省级人力资源社会保障部门和财政部门同意，可以适当提高工伤预防费的使用比例。”",
    "《中华人民共和国安全生产法》第三条规定：“安全生产工作坚持中国共产党的领导。安全生产工作应当以人为本，"
    "坚持人民至上、生命至上，把保护人民生命安全摆在首位，树牢安全发展理念，坚持安全第一、预防为主、"
    "综合治理的方针，从源头上防范化解重大安全风险。”",
    "《中华人民共和国职业病防治法》第三条规定：“职业病防治工作坚持预防为主、防治结合的方针，"
    "建立用人单位负责、行政机关监管、行业自律、职工参与和社会监督的机制，实行分类管理、综合治理。”",
    "《中华人民共和国安全生产法》第二十八条规定：“生产经营单位应当对从业人员进行安全生产教育和培训，"
    "保证从业人员具备必要的安全生产知识，熟悉有关的安全生产规章制度和安全操作规程，掌握本岗位的安全操作技能，"
    "了解事故应急处理措施，知悉自身在安全生产方面的权利和义务。未经安全生产教育和培训合格的从业人员，"
    "不得上岗作业。”",
]
# Stock sentences of the field: each in a few percent of the applications.
CLICHES = [
    "坚持以人民为中心的发展思想，把职工生命安全和身体健康放在首位。",
    "工伤预防是工伤保险制度体系的重要组成部分，是从源头上减少工伤事故的重要举措。",
    "通过项目实施，切实增强职工的安全意识和自我保护能力。",
    "推动工伤保险由事后补偿向事前预防转变。",
    "构建预防、补偿、康复三位一体的工伤保险制度体系。",
    "实现工伤预防工作由被动应对向主动防控转变。",
    "营造人人讲安全、个个会应急的良好氛围。",
    "为经济社会高质量发展提供坚实的安全保障。",
    "进一步压实企业安全生产主体责任。",
    "努力实现工伤事故和职业病发生率持续下降的目标。",
    "打通工伤预防服务的最后一公里。",
    "形成政府主导、部门协作、企业参与、社会支持的工作格局。",
]


def _pick(rng: random.Random, pool: list[str], topic: str | None = None, bias: float = 0.5) -> str:
    if topic is not None and rng.random() < bias:
        return topic
    return rng.choice(pool)


@dataclass
class Item:
    kind: str  # heading | template | regulation | cliche | body | fill
    text: str


@dataclass
class Application:
    doc_id: str
    items: list[Item]
    copy_of: str | None = None
    rewrite_share: float = 0.0

    @property
    def text(self) -> str:
        return render(self.items)


def render(items: list[Item]) -> str:
    """Headings on their own line, other items grouped into paragraphs."""
    out: list[str] = []
    for item in items:
        if item.kind == "heading":
            out.append("\n" + item.text + "\n")
        else:
            out.append(item.text)
            if len(out) % 4 == 0:
                out.append("\n")
    return "".join(out).strip() + "\n"


@dataclass
class CorpusGenerator:
    """Deterministic generator of synthetic applications of one call."""

    seed: int = 1
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    # -- sentences ---------------------------------------------------------

    def sentence(self, topic: dict[str, str] | None = None) -> str:
        rng = self.rng
        topic = topic or {}
        pattern = rng.choice(PATTERNS)
        values = {
            "time": rng.choice(TIMES),
            "org": _pick(rng, ORGS, topic.get("org"), 0.4),
            "org2": rng.choice(ORGS),
            "place": _pick(rng, PLACES, topic.get("place"), 0.4),
            "verb": rng.choice(VERBS),
            "verb2": rng.choice(VERBS),
            "activity": rng.choice(ACTIVITIES),
            "activity2": rng.choice(ACTIVITIES),
            "target": _pick(rng, TARGETS, topic.get("target"), 0.3),
            "industry": _pick(rng, INDUSTRIES, topic.get("industry"), 0.5),
            "risk": rng.choice(RISKS),
            "risk2": rng.choice(RISKS),
            "method": rng.choice(METHODS),
            "method2": rng.choice(METHODS),
            "method3": rng.choice(METHODS),
            "adj": rng.choice(ADJS),
            "result": rng.choice(RESULTS),
            "mechanism": rng.choice(MECHANISMS),
            "change": rng.choice(CHANGES),
            "unit": rng.choice(UNITS),
            "num": str(rng.randint(2, 300)),
            "num2": str(rng.randint(50, 20000)),
            "pct": str(rng.randint(5, 98)),
        }
        return pattern.format(**values)

    def topic(self) -> dict[str, str]:
        rng = self.rng
        return {
            "org": rng.choice(ORGS),
            "place": rng.choice(PLACES),
            "target": rng.choice(TARGETS),
            "industry": rng.choice(INDUSTRIES),
        }

    # -- documents ---------------------------------------------------------

    def application(self, doc_id: str, target_chars: int = 8000) -> Application:
        rng = self.rng
        topic = self.topic()
        regulations_share = {i: 0.55 + 0.4 * rng.random() for i in range(len(REGULATIONS))}
        sections: dict[str, list[Item]] = {h: [] for h in HEADINGS}
        name = f"{topic['place']}{topic['industry']}行业{rng.choice(ACTIVITIES)}项目"
        sections[HEADINGS[0]].append(Item("fill", f"项目名称：{name}。"))
        sections[HEADINGS[1]].append(Item("fill", f"申报单位：{topic['org']}。"))
        funds, months = rng.randint(10, 200), rng.randint(6, 12)
        sections[HEADINGS[1]].append(Item("fill", f"申请经费：{funds}万元，实施周期{months}个月。"))
        for i, reg in enumerate(REGULATIONS):
            if rng.random() < regulations_share[i]:
                if rng.random() < 0.25:  # quoted in part
                    cut = rng.randint(len(reg) // 2, len(reg))
                    reg = reg[:cut] + "……”"
                sections[HEADINGS[3]].append(Item("regulation", reg))
        for sentence in TEMPLATE_SENTENCES:
            if rng.random() < 0.85:
                sections[rng.choice(HEADINGS[9:])].append(Item("template", sentence))
        for cliche in rng.sample(CLICHES, rng.randint(1, 4)):
            sections[rng.choice(HEADINGS[4:])].append(Item("cliche", cliche))
        body_sections = [h for h in HEADINGS if h != HEADINGS[3]]
        size = sum(len(h) for h in HEADINGS) + sum(
            len(it.text) for items in sections.values() for it in items
        )
        while size < target_chars:
            sentence = self.sentence(topic)
            sections[rng.choice(body_sections)].append(Item("body", sentence))
            size += len(sentence)
        items: list[Item] = []
        for heading in HEADINGS:
            items.append(Item("heading", heading))
            items.extend(sections[heading])
        return Application(doc_id, items)

    def copy(self, original: Application, doc_id: str, rewrite: float) -> Application:
        """Rewrite ``rewrite`` of the body sentences, reorder a few, change figures."""
        rng = self.rng
        topic = self.topic()
        items = [Item(it.kind, it.text) for it in original.items]
        body = [i for i, it in enumerate(items) if it.kind == "body"]
        for i in rng.sample(body, round(rewrite * len(body))):
            items[i] = Item("body", self.sentence(topic))
        for _ in range(rng.randint(2, 6)):  # reorder a few neighbouring sentences
            i = rng.choice(body[:-1])
            j = i + 1
            if items[j].kind == "body":
                items[i], items[j] = items[j], items[i]
        for i in body:  # change figures in half of the sentences
            if rng.random() < 0.5:
                items[i] = Item(
                    "body", re.sub(r"\d+", lambda m: str(rng.randint(2, 5000)), items[i].text)
                )
        if rng.random() < 0.3:  # the copyist pads the text a little
            for _ in range(rng.randint(5, 30)):
                items.insert(rng.randint(1, len(items)), Item("body", self.sentence(topic)))
        return Application(doc_id, items, copy_of=original.doc_id, rewrite_share=rewrite)


@dataclass
class Corpus:
    applications: list[Application]
    planted: set[frozenset[str]]

    @property
    def texts(self) -> dict[str, str]:
        return {app.doc_id: app.text for app in self.applications}


def make_corpus(
    n: int, seed: int = 1, *, copy_share: float = 0.05, target_chars: int = 8000
) -> Corpus:
    """N applications, ``round(copy_share × N)`` of them planted copies of distinct originals."""
    gen = CorpusGenerator(seed)
    n_copies = round(copy_share * n) if n >= 2 else 0
    originals = [gen.application(f"app-{i:05d}", target_chars) for i in range(n - n_copies)]
    copied = gen.rng.sample(originals, n_copies)
    copies = [
        gen.copy(orig, f"app-{n - n_copies + k:05d}", gen.rng.uniform(0.10, 0.40))
        for k, orig in enumerate(copied)
    ]
    apps = originals + copies
    gen.rng.shuffle(apps)
    planted = {frozenset((c.doc_id, c.copy_of)) for c in copies}
    return Corpus(apps, planted)


# ---------------------------------------------------------------------------
# Benchmark
# ---------------------------------------------------------------------------


def _fmt_s(seconds: float) -> str:
    return f"{seconds:9.3f} s"


def brute_force(
    index: SimilarityIndex,
    threshold: float,
    figure_threshold: float,
    budget: float,
    seed: int,
    planted: set[frozenset[str]],
) -> dict:
    """Exact text and figure overlap of all pairs -- or of random distinct pairs for
    ``budget`` seconds, extrapolated.

    The same exact measures (:func:`exact_overlap` on the same non-boilerplate
    shingle and figure sets, :meth:`SimilarityIndex.pair_from_overlaps`) as the
    index applies to its candidates, in a lean loop. Shingling and the discount
    are timed separately (they are the same work for both) and added by the caller.
    """
    ids = index.doc_ids
    sets = [index.shingle_set(d) for d in ids]
    figures = [index.figure_set(d) for d in ids]
    n = len(ids)
    total = n * (n - 1) // 2
    exhaustive = total <= 200_000
    if exhaustive:
        order = itertools.combinations(range(n), 2)
    else:
        rng = random.Random(seed)
        seen: set[tuple[int, int]] = set()

        def random_pairs():
            while len(seen) < total:
                i, j = sorted(rng.sample(range(n), 2))
                if (i, j) not in seen:
                    seen.add((i, j))
                    yield i, j

        order = random_pairs()
    above: list[tuple[str, str]] = []
    max_unrelated = 0.0
    done = 0
    measure = index.pair_from_overlaps
    t0 = time.perf_counter()
    for i, j in order:
        a, b, fa, fb = sets[i], sets[j], figures[i], figures[j]
        pair = measure(
            ids[i],
            ids[j],
            (a.size, b.size, exact_overlap(a, b)),
            (fa.size, fb.size, exact_overlap(fa, fb)),
            threshold,
            figure_threshold,
        )
        if pair.suspicious:
            above.append((ids[i], ids[j]))
        if pair.score > max_unrelated and frozenset((ids[i], ids[j])) not in planted:
            max_unrelated = pair.score
        done += 1
        if not exhaustive and done % 1000 == 0 and time.perf_counter() - t0 > budget:
            break
    elapsed = time.perf_counter() - t0
    return {
        "pairs": done,
        "total": total,
        "exhaustive": exhaustive,
        "elapsed": elapsed,
        "estimate": elapsed if exhaustive else elapsed / done * total,
        "above": above,
        "max_unrelated": max_unrelated,
    }


CORPORA = {
    "free": "free-text applications (own sentences over one vocabulary, ~8,000 characters)",
    "templated": "templated call (one form, few sentence patterns, figures the main difference)",
}


def _corpus(kind: str, n: int, seed: int) -> Corpus:
    if kind == "templated":
        from bench.templated_corpus import make_templated_corpus

        return make_templated_corpus(n, seed)
    return make_corpus(n, seed)


def run(
    n: int,
    seed: int,
    threshold: float,
    brute_budget: float,
    corpus_kind: str = "free",
    figure_threshold: float = DEFAULT_FIGURE_THRESHOLD,
) -> dict[str, float]:
    t0 = time.perf_counter()
    corpus = _corpus(corpus_kind, n, seed)
    texts = corpus.texts
    t_gen = time.perf_counter() - t0
    avg_len = sum(len(t) for t in texts.values()) / len(texts)

    index = SimilarityIndex(threshold=threshold, figure_threshold=figure_threshold)
    t0 = time.perf_counter()
    for doc_id, text in texts.items():
        index.add(doc_id, text)
    t_shingle = time.perf_counter() - t0
    t0 = time.perf_counter()
    index.build()
    t_build = time.perf_counter() - t0
    t_df = index.build_timings["document_frequency"]
    t_minhash = t_build - t_df

    t0 = time.perf_counter()
    pairs = index.suspicious_pairs()
    t_list_first = time.perf_counter() - t0  # includes the LSH construction
    t0 = time.perf_counter()
    pairs_again = index.suspicious_pairs()
    t_list = time.perf_counter() - t0  # LSH cached: candidates + exact measure
    assert pairs == pairs_again
    t_lsh = max(t_list_first - t_list, 0.0)
    stats = dict(index.candidate_stats)
    candidates = set(index.candidate_pairs())

    found = {frozenset((p.doc_a, p.doc_b)) for p in pairs}
    hits = found & corpus.planted
    recall = len(hits) / len(corpus.planted) if corpus.planted else 1.0
    precision = len(hits) / len(found) if found else 1.0
    planted_pairs = {p: index.compare(*sorted(p)) for p in corpus.planted}
    planted_scores = sorted(q.score for q in planted_pairs.values())
    kinds = getattr(corpus, "kinds", {})
    by_kind = {}
    for pair, kind in sorted(kinds.items(), key=lambda kv: kv[1]):
        hit, total_kind = by_kind.get(kind, (0, 0))
        by_kind[kind] = (hit + (pair in hits), total_kind + 1)
    not_assessable = sum(1 for d in index.doc_ids if not index.assessable(d))

    brute = brute_force(index, threshold, figure_threshold, brute_budget, seed + 1, corpus.planted)
    lsh_missed = sum(1 for a, b in brute["above"] if index._ordered(a, b) not in candidates)
    if brute["exhaustive"]:
        brute_note = f"measured on all {brute['total']:,} pairs"
    else:
        brute_note = (
            f"EXTRAPOLATED: {brute['pairs']:,} random distinct pairs of {brute['total']:,}"
            f" took {brute['elapsed']:.1f} s"
        )
    # Both include shingling and the discount (the same work, measured once).
    t_common = t_shingle + t_df
    t_ours = t_common + t_minhash + t_lsh + t_list
    t_brute = t_common + brute["estimate"]
    ratio = t_ours / t_brute
    params = index.lsh_parameters()
    total = brute["total"]
    rows = [
        ("corpus", CORPORA[corpus_kind]),
        ("applications (N)", f"{n:,}  (avg {avg_len:,.0f} chars, {len(corpus.planted)} planted)"),
        ("corpus generation", _fmt_s(t_gen)),
        ("shingling (add)", _fmt_s(t_shingle) + "  (text shingles and figures)"),
        ("build: DF + discount", _fmt_s(t_df)),
        ("build: MinHash", _fmt_s(t_minhash)),
        ("build: LSH bands + figures", _fmt_s(t_lsh) + "  (band collisions, figure counts)"),
        ("LIST SUSPICIOUS PAIRS", _fmt_s(t_list) + "  (LSH buckets + estimate filter + exact)"),
        ("OURS TOTAL", _fmt_s(t_ours) + "  (shingling + discount + MinHash + LSH + list)"),
        ("brute force: all pairs", f"{_fmt_s(brute['estimate'])}  ({brute_note})"),
        ("BRUTE FORCE TOTAL", _fmt_s(t_brute) + "  (shingling + discount + all pairs exactly)"),
        ("OURS / BRUTE FORCE", f"{ratio:9.4f} x  ({1 / ratio:,.0f} x faster)"),
        ("thresholds", f"text {threshold}, figures {figure_threshold}"),
        (
            "LSH text",
            f"Jaccard floor {params.jaccard_floor:.3f}, {params.bands} bands x {params.rows} rows,"
            f" P(candidate | floor) = {params.recall_at_floor:.4f},"
            f" estimate floor {params.estimate_floor:.3f}",
        ),
        (
            "figures",
            f"exact shared counts of all pairs (inverted index):"
            f" {stats['figure_pairs']:,} pairs share >= {index.min_shared_figures} figures",
        ),
        ("boilerplate shingles", f"{index.boilerplate_shingles.size:,} (df > {index.df_cutoff})"),
        (
            "cannot assess",
            f"{not_assessable:,} applications with < {index.min_own_text} own text shingles",
        ),
        ("LSH collisions (text)", f"{stats['lsh_collisions']:,} of {total:,} pairs"),
        ("candidates (exact)", f"{stats['candidates']:,}"),
        ("reported pairs", f"{len(pairs):,}"),
        ("RECALL (planted)", f"{recall:.3f}  ({len(hits)}/{len(corpus.planted)})"),
        *[(f"  recall, {k}", f"{h / t:.3f}  ({h}/{t})") for k, (h, t) in by_kind.items()],
        ("PRECISION", f"{precision:.3f}  ({len(hits)}/{len(found)})"),
        (
            "planted pair scores",
            f"min {planted_scores[0]:.3f}, median {planted_scores[len(planted_scores) // 2]:.3f}"
            if planted_scores
            else "-",
        ),
        ("max unrelated score", f"{brute['max_unrelated']:.3f}  (over the brute-force pairs)"),
        (
            "LSH misses",
            f"{lsh_missed} of {len(brute['above'])} above-threshold pairs found by brute force",
        ),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"\nCopied-application detection benchmark: {corpus_kind} (N={n}, seed {seed})")
    print("-" * (width + 70))
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    print("-" * (width + 70))
    targets = [
        ("recall >= 0.98", recall >= 0.98),
        ("precision >= 0.95", precision >= 0.95),
        ("<= 0.02x brute force", ratio <= 0.02),
    ]
    print("targets: " + ", ".join(f"{name} {'OK' if ok else 'MISSED'}" for name, ok in targets))
    return {"recall": recall, "precision": precision, "ratio": ratio}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="number of applications")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--figure-threshold", type=float, default=DEFAULT_FIGURE_THRESHOLD)
    parser.add_argument(
        "--corpus", choices=[*CORPORA, "both"], default="both", help="which corpus (default both)"
    )
    parser.add_argument(
        "--brute-budget",
        type=float,
        default=20.0,
        help="seconds spent on brute-force pairs before extrapolating",
    )
    args = parser.parse_args(argv)
    kinds = list(CORPORA) if args.corpus == "both" else [args.corpus]
    for kind in kinds:
        run(args.n, args.seed, args.threshold, args.brute_budget, kind, args.figure_threshold)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
