"""A templated call for the copy-detection benchmark (issue 13 item 4).

Every application fills in the same form: the call's headings, regulations and
template sentences, and ~30 fill-in sentences of a few patterns whose blanks are
figures (people trained, sessions, budget lines, rates ...) and a few names.
Some of the fill-in sentences come in rarer phrasings (each used by a few
percent of the applicants: "rare wording"), and 40 % of the applicants add
paragraphs of their own words; the rest write (almost) nothing of their own.
So figures are the main difference between applications.

Planted copies, half of each kind:

* **figures kept** -- the copy fills in the form with the source's figures
  (up to 20 % changed), other names, and its own paragraphs (if any) instead
  of the source's: nothing but the figures is shared beyond the template;
* **figures changed** -- the source has paragraphs of its own; the copy keeps
  70-95 % of them (the rest rewritten, a few reordered) and changes every figure
  of the form and of the paragraphs.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from bench.similarity_bench import (
    CHANGES,
    HEADINGS,
    INDUSTRIES,
    ORGS,
    PLACES,
    REGULATIONS,
    TARGETS,
    TEMPLATE_SENTENCES,
    Corpus,
    CorpusGenerator,
)

# (heading index, phrasings: the usual one first, then rarer ones). Blanks:
# {org} {place} {industry} {target} names, {aN}/{bN}... figures with ranges below.
FORM = [
    (0, ["项目名称：{place}{industry}行业工伤预防培训项目，申请经费{fund}万元。"]),
    (1, ["申报单位从业人员{staff}人，近三年参保职工平均{insured}人。"]),
    (
        1,
        [
            "申报单位近三年发生工伤事故{acc1}起、{acc2}起、{acc3}起，职业病{occ}例。",
            "近三年本单位工伤事故分别为{acc1}起、{acc2}起和{acc3}起，确诊职业病{occ}例。",
            "本单位近三个年度工伤事故依次为{acc1}起、{acc2}起、{acc3}起，新增职业病{occ}例。",
        ],
    ),
    (1, ["工伤保险基金支出占缴费比例为{ratio}%，近三年工伤发生率为{rate}‰。"]),
    (
        2,
        [
            "项目计划培训{target}{people}人次，开展集中培训{sessions}场次。",
            "本项目拟对{target}开展集中培训{sessions}场次，累计培训{people}人次。",
        ],
    ),
    (2, ["项目服务范围为{place}{industry}企业{firms}家，覆盖职工{workers}人。"]),
    (
        4,
        [
            "项目实施周期{months}个月，设立服务点{points}个，配备专职培训师资{teachers}名。",
            "项目周期为{months}个月，拟设{points}个服务点，专职师资{teachers}名。",
        ],
    ),
    (4, ["线上学习平台课程{courses}门，课时{hours}学时，每名学员不少于{min_hours}学时。"]),
    (5, ["编印培训教材{books}册，制作宣传展板{boards}块，发放宣传折页{leaflets}份。"]),
    (
        5,
        [
            "开展应急演练{drills}次，组织安全知识竞赛{contests}场，参与职工{players}人。",
            "组织应急救援演练{drills}次和安全知识竞赛{contests}场，参赛职工{players}人。",
            "计划举办知识竞赛{contests}场、应急演练{drills}次，预计参与{players}人。",
        ],
    ),
    (6, ["第一阶段完成调研和方案设计，用时{phase1}天，覆盖企业{phase1_firms}家。"]),
    (6, ["第二阶段集中培训，用时{phase2}天，完成培训{phase2_people}人次。"]),
    (6, ["第三阶段总结评估，用时{phase3}天，形成评估报告{reports}份。"]),
    (
        9,
        [
            "预期培训合格率不低于{pass_rate}%，安全知识知晓率达到{aware}%。",
            "培训考核合格率预期达到{pass_rate}%以上，知晓率不低于{aware}%。",
        ],
    ),
    (9, ["项目实施后工伤事故发生率{change}{drop}%，用人单位满意度不低于{satisfaction}%。"]),
    (
        10,
        [
            "师资费{fee_teachers}元，教材印制费{fee_books}元，场地租赁费{fee_venue}元。",
            "其中师资费用{fee_teachers}元、教材印制费用{fee_books}元、场地费用{fee_venue}元。",
        ],
    ),
    (10, ["线上平台服务费{fee_online}元，宣传品制作费{fee_promo}元，评估费{fee_eval}元。"]),
    (10, ["按照每人次{per_head}元的标准测算，培训费用合计{fee_total}元。"]),
    (11, ["成立项目领导小组，成员{leaders}人，每{report_days}天报告一次项目进展。"]),
    (12, ["项目风险评估共识别风险点{risks}个，制定应对措施{measures}条。"]),
]

# Figure ranges: some narrow (common values, discounted like boilerplate), most wide.
RANGES = {
    "fund": (10, 200),
    "staff": (300, 30000),
    "insured": (300, 30000),
    "acc1": (0, 60),
    "acc2": (0, 60),
    "acc3": (0, 60),
    "occ": (0, 15),
    "ratio": (20, 95),
    "rate": (1, 40),
    "people": (500, 20000),
    "sessions": (10, 300),
    "firms": (10, 800),
    "workers": (1000, 90000),
    "months": (6, 12),
    "points": (2, 40),
    "teachers": (5, 120),
    "courses": (5, 150),
    "hours": (8, 120),
    "min_hours": (4, 24),
    "books": (500, 20000),
    "boards": (10, 400),
    "leaflets": (1000, 90000),
    "drills": (2, 60),
    "contests": (2, 40),
    "players": (100, 9000),
    "phase1": (15, 90),
    "phase1_firms": (5, 300),
    "phase2": (60, 240),
    "phase2_people": (300, 15000),
    "phase3": (15, 60),
    "reports": (1, 12),
    "pass_rate": (80, 99),
    "aware": (80, 99),
    "drop": (3, 40),
    "satisfaction": (80, 99),
    "fee_teachers": (20000, 600000),
    "fee_books": (5000, 300000),
    "fee_venue": (5000, 200000),
    "fee_online": (10000, 500000),
    "fee_promo": (5000, 200000),
    "fee_eval": (10000, 100000),
    "per_head": (80, 600),
    "fee_total": (100000, 2000000),
    "leaders": (3, 15),
    "report_days": (7, 30),
    "risks": (3, 40),
    "measures": (5, 80),
}

# Optional sentences in rare phrasings: each in ~3 % of the applications.
RARE = [
    "本单位将严格落实工伤预防主体责任，把项目纳入年度重点工作统筹推进。",
    "项目实施过程中注重发挥工会组织和班组长的示范带动作用。",
    "我们将把培训内容与岗位操作规程相结合，做到学用一致、即学即用。",
    "对培训考核不合格人员安排补训，直至考核合格后方可上岗作业。",
    "项目结束后持续跟踪参训人员的岗位表现，巩固培训成效。",
    "充分利用新媒体手段扩大工伤预防宣传覆盖面和影响力。",
    "建立项目实施台账，做到培训有记录、过程可追溯、结果可核查。",
    "邀请行业主管部门对项目实施情况进行指导和监督。",
    "将工伤预防培训与职业技能提升培训有机衔接，提高职工参训积极性。",
    "针对夜班和轮班人员灵活安排培训时间，确保应训尽训。",
    "在培训中穿插典型事故案例剖析，增强警示教育效果。",
    "培训教材根据企业实际情况进行本地化修订，增强针对性和实用性。",
    "项目资金实行专账核算，接受财政和审计部门的监督检查。",
    "对参训企业开展回访调查，收集意见建议并持续改进培训方式。",
    "联合专业机构开发工伤预防微课程，供职工利用碎片时间学习。",
    "对高风险岗位人员实行一人一档管理，动态掌握培训情况。",
    "探索建立工伤预防培训效果评估指标体系，量化评价项目成效。",
    "在重点企业设立工伤预防宣传角，常态化开展宣传教育活动。",
    "组织企业安全管理人员开展交流研讨，推广先进经验做法。",
    "项目实施中严格落实疫情防控和安全保障措施，确保活动安全有序。",
    "对外来务工人员提供双语培训资料，消除语言障碍。",
    "将培训签到、考试成绩和满意度调查结果录入信息系统统一管理。",
    "根据季节特点调整培训重点，夏季突出防暑降温，冬季突出防火防冻。",
    "鼓励参训职工将所学知识带回班组，开展二次宣讲。",
    "对项目执行中发现的问题及时整改，确保项目按计划推进。",
    "发挥龙头企业示范作用，带动中小企业共同提升工伤预防水平。",
    "培训结束后向参训人员发放结业证明，并纳入个人培训档案。",
    "与保险经办机构共享培训数据，为工伤预防精准施策提供依据。",
    "采用线上线下相结合的方式，解决工学矛盾突出的问题。",
    "对项目成效进行第三方满意度测评，测评结果向社会公开。",
]


@dataclass
class Filled:
    doc_id: str
    phrasing: list[int]  # chosen phrasing per FORM entry
    figures: dict[str, int]
    names: dict[str, str]
    rare: list[int]
    prose: list[str]  # own sentences, in order
    regulations: list[int]
    copy_of: str | None = None
    kind: str = ""

    def text(self) -> str:
        sections: dict[int, list[str]] = {i: [] for i in range(len(HEADINGS))}
        values = {**{k: str(v) for k, v in self.figures.items()}, **self.names}
        for (heading, phrasings), choice in zip(FORM, self.phrasing, strict=True):
            sections[heading].append(phrasings[choice].format(**values))
        for i in self.regulations:
            sections[3].append(REGULATIONS[i])
        for k, sentence in enumerate(TEMPLATE_SENTENCES):
            sections[9 + k % 5].append(sentence)
        for i in self.rare:
            sections[4 + i % 8].append(RARE[i])
        for k, sentence in enumerate(self.prose):  # own paragraphs, spread over sections 2-8
            sections[2 + (k * 7) // max(len(self.prose), 1)].append(sentence)
        out = []
        for i, heading in enumerate(HEADINGS):
            out.append(heading)
            if sections[i]:
                out.append("".join(sections[i]))
        return "\n".join(out) + "\n"


class TemplatedGenerator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.prose_gen = CorpusGenerator(seed + 1000)

    def figures(self) -> dict[str, int]:
        return {k: self.rng.randint(lo, hi) for k, (lo, hi) in RANGES.items()}

    def names(self) -> dict[str, str]:
        rng = self.rng
        return {
            "org": rng.choice(ORGS),
            "place": rng.choice(PLACES),
            "industry": rng.choice(INDUSTRIES),
            "target": rng.choice(TARGETS),
            "change": rng.choice(CHANGES[:2]),
        }

    def phrasing(self) -> list[int]:
        choices = []
        for _heading, phrasings in FORM:
            r = self.rng.random()
            choices.append(
                0 if r < 0.8 or len(phrasings) == 1 else (1 if r < 0.95 else 2) % len(phrasings)
            )
        return choices

    def prose(self, sentences: int) -> list[str]:
        topic = self.prose_gen.topic()
        return [self.prose_gen.sentence(topic) for _ in range(sentences)]

    def application(self, doc_id: str) -> Filled:
        rng = self.rng
        r = rng.random()
        own = rng.randint(15, 45) if r < 0.4 else (rng.randint(1, 3) if r < 0.6 else 0)
        return Filled(
            doc_id=doc_id,
            phrasing=self.phrasing(),
            figures=self.figures(),
            names=self.names(),
            rare=[i for i in range(len(RARE)) if rng.random() < 0.03],
            prose=self.prose(own),
            regulations=[i for i in range(len(REGULATIONS)) if rng.random() < 0.7],
        )

    def copy_figures_kept(self, source: Filled, doc_id: str) -> Filled:
        rng = self.rng
        figures = dict(source.figures)
        for key in rng.sample(sorted(figures), round(rng.uniform(0, 0.2) * len(figures))):
            lo, hi = RANGES[key]
            figures[key] = rng.randint(lo, hi)
        return Filled(
            doc_id=doc_id,
            phrasing=list(source.phrasing),
            figures=figures,
            names=self.names(),
            rare=list(source.rare),
            prose=self.prose(len(source.prose)),  # own words instead of the source's
            regulations=[i for i in range(len(REGULATIONS)) if rng.random() < 0.7],
            copy_of=source.doc_id,
            kind="figures kept",
        )

    def copy_figures_changed(self, source: Filled, doc_id: str) -> Filled:
        rng = self.rng
        prose = list(source.prose)
        rewrite = rng.uniform(0.05, 0.30)
        for i in rng.sample(range(len(prose)), round(rewrite * len(prose))):
            prose[i] = self.prose(1)[0]
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(prose) - 1)
            prose[i], prose[i + 1] = prose[i + 1], prose[i]
        prose = [re.sub(r"\d+", lambda m: str(rng.randint(2, 5000)), s) for s in prose]
        return Filled(
            doc_id=doc_id,
            phrasing=list(source.phrasing),
            figures=self.figures(),  # every figure of the form changed
            names=dict(source.names),
            rare=list(source.rare),
            prose=prose,
            regulations=list(source.regulations),
            copy_of=source.doc_id,
            kind="figures changed",
        )


def make_templated_corpus(n: int, seed: int = 1, *, copy_share: float = 0.05) -> Corpus:
    """N filled-in forms, ``round(copy_share × N)`` planted copies (half of each kind)."""
    gen = TemplatedGenerator(seed)
    n_copies = round(copy_share * n) if n >= 2 else 0
    originals = [gen.application(f"tpl-{i:05d}") for i in range(n - n_copies)]
    with_prose = [a for a in originals if len(a.prose) >= 15]
    kept_sources = gen.rng.sample(originals, n_copies - n_copies // 2)
    changed_sources = gen.rng.sample(
        [a for a in with_prose if a not in kept_sources], n_copies // 2
    )
    copies = [
        gen.copy_figures_kept(src, f"tpl-{n - n_copies + k:05d}")
        for k, src in enumerate(kept_sources)
    ]
    copies += [
        gen.copy_figures_changed(src, f"tpl-{n - n_copies + len(kept_sources) + k:05d}")
        for k, src in enumerate(changed_sources)
    ]
    forms = originals + copies
    gen.rng.shuffle(forms)
    corpus = Corpus(
        [_AsApplication(f) for f in forms], {frozenset((c.doc_id, c.copy_of)) for c in copies}
    )
    corpus.kinds = {frozenset((c.doc_id, c.copy_of)): c.kind for c in copies}
    return corpus


class _AsApplication:
    """Duck-types :class:`bench.similarity_bench.Application` for :class:`Corpus`."""

    def __init__(self, filled: Filled) -> None:
        self.doc_id = filled.doc_id
        self.copy_of = filled.copy_of
        self.filled = filled
        self.text = filled.text()
