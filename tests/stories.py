"""Synthetic wire stories for the tests, written for this project, with documented edits.

Every story is invented. ``WIRE`` is a wire original; the functions below derive
reprints from it the way outlets do (cut, pad, move, localise), and the other
constants are the traps: independent stories sharing a long quotation, templated
stories with different numbers, and non-Latin scripts.
"""

from __future__ import annotations

WIRE_PARAGRAPHS = [
    "ROTTERDAM (Reuters) - Dock workers at Europe's largest port walked off the job on Tuesday, halting container traffic for the first time in two decades as talks over automation and pay collapsed late on Monday night.",
    "The strike, called by the FNV union, stopped loading at the four main container terminals, and shipping lines said at least 30 vessels were waiting at anchor in the North Sea by midday.",
    "Port authority chief Annelies van Dijk said the stoppage would cost the regional economy around 40 million euros a day and urged both sides to return to the table before the weekend.",
    "Union negotiators want guarantees that no jobs will be cut when the terminals introduce driverless straddle carriers next year, as well as a pay rise of 6 percent over two years.",
    "Employers have offered 3.5 percent and a retraining fund, but say they cannot rule out redundancies as the defense of the port's competitive position against Antwerp and Hamburg requires the new machines.",
    "Freight forwarders warned that the delays would ripple through supply chains already strained by low water levels on the Rhine, which have forced barges to sail with a third of their usual loads.",
    "The government said it was monitoring the situation but had no plans to intervene in what it called a matter for the social partners, a position criticised by the opposition labor party.",
    "The last strike of comparable scale at the port, in 2002, lasted nine days and led to a shortage of fresh produce in supermarkets across the Netherlands and western Germany.",
]

WIRE = "\n\n".join(WIRE_PARAGRAPHS)

FURNITURE_TOP = "Business | Shipping\n\nDock workers strike at Rotterdam as automation talks fail\n\nBy Reuters Staff\n\nMarch 14, 2023"
FURNITURE_BOTTOM = (
    "Related article: Antwerp braces for diverted cargo\n\n"
    "Source: https://example.com/business/rotterdam-strike\n\n"
    "© Copyright Thomson Reuters 2023.\n\n12 Comments\n\nLogin to comment\n\n"
    "This is going to hurt every importer in Europe, mark my words.\n\nSign up for our newsletter"
)

LOCAL_PARAGRAPHS = [
    "In Felixstowe, local haulage firms said they had already received calls from customers asking whether cargo could be rerouted through British ports while the strike lasts.",
    "Harbour master Tom Briggs told this newspaper that the port could absorb a limited number of extra calls but warned that space on the quays was tight during the spring season.",
    "Several Suffolk growers who export flower bulbs through Rotterdam said they were worried about spoilage if the dispute dragged on into next week.",
    "The county council said it would hold an emergency meeting with business leaders on Thursday to assess the likely impact on the local economy.",
    "At the container park outside the town, drivers queued for several hours on Tuesday afternoon as schedules were rewritten at short notice by the shipping lines.",
    "Union representatives at Felixstowe said they had sent a message of support to their Dutch colleagues but had no plans for any action of their own at this stage.",
]


def with_furniture(body: str) -> str:
    """Wrap a body in scraped page furniture (headline, byline, date, links, comments)."""
    return f"{FURNITURE_TOP}\n\n{body}\n\n{FURNITURE_BOTTOM}"


def exact_copy() -> str:
    """The wire story re-scraped: curly quotes, furniture around it, same words."""
    return with_furniture(WIRE.replace("Europe's", "Europe’s").replace("port's", "port’s"))


def cut_tail(keep: int = 4) -> str:
    """An outlet that runs only the first ``keep`` paragraphs (wire copy is cut from the bottom)."""
    return "\n\n".join(WIRE_PARAGRAPHS[:keep])


def padded(keep: int = 3) -> str:
    """An outlet keeping the top ``keep`` paragraphs and adding four local ones."""
    return "\n\n".join(WIRE_PARAGRAPHS[:keep] + LOCAL_PARAGRAPHS[:4])


ANTWERP_PARAGRAPHS = [
    "Antwerp's terminal operators said on Wednesday they were preparing for a surge of diverted cargo, adding night shifts and reopening an older quay that had been closed for repairs.",
    "The Belgian port, Europe's second largest, handled a record number of containers last year and has been investing heavily in rail links to the German industrial heartland.",
    "Its chief executive told a conference in Brussels that the port had spare capacity for about ten extra large ships a week, but that customs checks could become a bottleneck.",
    "Truck drivers' associations in Flanders asked the regional government to relax weekend driving bans temporarily so that the additional boxes could be moved inland quickly.",
    "Belgian unions said they would not handle cargo that had been diverted from Rotterdam because of the strike, although it was unclear how such a boycott could be enforced.",
]


def borrowed() -> str:
    """A story of its own (Antwerp) that lifts two background paragraphs (sentences) from the wire."""
    return "\n\n".join(ANTWERP_PARAGRAPHS[:3] + WIRE_PARAGRAPHS[5:7] + ANTWERP_PARAGRAPHS[3:])


def reordered() -> str:
    """All paragraphs, with the middle ones moved about."""
    p = WIRE_PARAGRAPHS
    return "\n\n".join([p[0], p[2], p[1], p[5], p[3], p[4], p[7], p[6]])


def localised() -> str:
    """British spelling and house style: defence, labour, per cent, curly quotes."""
    text = WIRE.replace("defense", "defence").replace("labor", "labour").replace("percent", "per cent")
    return text.replace("Europe's", "Europe’s")


# --- traps ---------------------------------------------------------------------------------

STATEMENT = (
    '"We will not accept a settlement that trades away the livelihoods of thousands of families '
    "for the sake of a few machines, and we are prepared to stay out for as long as it takes to "
    'get a fair deal for every single worker on these docks," union leader Marco Visser said.'
)

QUOTE_STORY_A = "\n\n".join([
    "Thousands of port workers rallied outside the city hall in Rotterdam on Wednesday, waving flags and blocking traffic on the main bridge over the Maas for most of the afternoon.",
    STATEMENT,
    "Police estimated the crowd at about four thousand people and said the protest passed off peacefully, although two people were treated for minor injuries after a scuffle near the metro station.",
    "The rally came a day after talks between unions and terminal operators broke down, and organisers said further demonstrations were planned in Amsterdam and Vlissingen on Saturday.",
])

QUOTE_STORY_B = "\n\n".join([
    "Shipping companies began diverting vessels to Antwerp and Bremerhaven on Wednesday as the dockers' walkout entered its second day with no sign of new negotiations.",
    STATEMENT,
    "Maersk and MSC told customers that bookings into Rotterdam would be subject to delays of at least a week, while smaller feeder lines suspended calls entirely.",
    "Analysts at a Dutch bank estimated that each week of disruption would shave a tenth of a percentage point off national economic growth in the second quarter.",
])

TEMPLATE_1 = (
    "The Federal Reserve entered the government securities market to arrange 1.5 billion dlrs of "
    "customer repurchase agreements, a Fed spokesman said.\n\n"
    "Dealers said Federal funds were trading at 6-3/16 pct when the Fed began its temporary and "
    "indirect supply of reserves to the banking system."
)
TEMPLATE_2 = (
    "The Federal Reserve entered the government securities market to arrange 2.5 billion dlrs of "
    "customer repurchase agreements, a Fed spokesman said.\n\n"
    "Dealers said Federal funds were trading at 6-1/4 pct when the Fed began its temporary and "
    "indirect supply of reserves to the banking system."
)

CYRILLIC_WIRE = "\n\n".join([
    "МОСКВА, 14 марта - Рабочие крупнейшего речного порта страны объявили забастовку во вторник, потребовав повышения зарплаты и гарантий сохранения рабочих мест после автоматизации терминалов.",
    "По словам представителей профсоюза, работу прекратили более двух тысяч человек, и погрузка судов на всех причалах была остановлена к полудню.",
    "Руководство порта заявило, что готово продолжить переговоры, однако не может обещать, что все рабочие места сохранятся после установки нового оборудования в следующем году.",
    "Экспедиторы предупредили, что задержки затронут поставки зерна и удобрений, которые и без того сократились из-за низкого уровня воды в реке этой весной.",
])
CYRILLIC_REPRINT = "\n\n".join(CYRILLIC_WIRE.split("\n\n")[:3] + [
    "Местные перевозчики сообщили, что уже получают звонки от клиентов, которые ищут другие маршруты для своих грузов на время забастовки.",
    "Администрация области пообещала провести в четверг совещание с представителями бизнеса, чтобы оценить последствия для местной экономики.",
])
CYRILLIC_OTHER = "\n\n".join([
    "Правительство утвердило новую программу поддержки сельского хозяйства, которая предусматривает льготные кредиты для небольших фермерских хозяйств в южных регионах страны.",
    "Министр заявил, что первые выплаты начнутся уже летом, а общий объем финансирования программы составит несколько миллиардов рублей в течение трех лет.",
])

CJK_WIRE = "港口工人周二举行罢工，要求提高工资并保证在码头自动化之后保留工作岗位。工会代表说，超过两千名工人停止工作，所有码头的装货工作在中午前全部停止。港口管理层表示愿意继续谈判，但无法承诺在明年安装新设备后保留所有工作岗位。"
CJK_OTHER = "政府批准了一项新的农业支持计划，为南方地区的小型农场提供优惠贷款。部长表示，首批款项将于今年夏天开始发放，计划在三年内的总资金将达到数十亿元。"
