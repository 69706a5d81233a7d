"""The word patterns of the offline classifier: what a question asks for, whose it is, what it is about.

Each pattern is one kind of evidence; core/routing/evidence.py combines them. Patterns run on the text
with the securities it names replaced by `SECURITY` (so "Best Buy" is no "buy", and "how did SECURITY
do" reads the same for a ticker and a company name).
"""

from __future__ import annotations

import re

__all__ = [
    "ADVICE",
    "ALLOCATION_CHANGE",
    "BOOK",
    "BOOK_MOVE",
    "COMPANY_FACT",
    "COMPANY_POSSESSIVE",
    "DEFINITION",
    "FIRM",
    "INTENTS",
    "MARKET_HOW",
    "MARKET_WIDE",
    "MOVE",
    "OWN_ACCOUNT",
    "RISK_MEASURE",
    "STOCK_CONTEXT",
    "NOW",
    "OWNER",
    "PERSON",
    "PORTFOLIO_SUBJECT",
    "PROCEDURAL",
    "QUOTE",
    "REQUEST",
    "TRADE_IN",
    "TRANSACTION",
    "is_follow_up",
    "mentions_own_portfolio",
]

_I = re.IGNORECASE

# --- whose question it is ---
OWNER = re.compile(
    r"\b(my|mine|our|ours)\b|\b(am|have|did|do|could|would|will|can|should|shall|might) i\b|"
    r"\bi (own|hold|have|had|bought|invested|sold|gained|lost|made)\b|\bi'(ve|d) (got|bought|invested|lost|gained)\b|"
    r"\bwhich (of the )?(holding|position)s?\b",
    _I,
)
"""An ownership cue: the person's own book is the subject ("my", "our holdings", "am I", "I own")."""
PERSON = re.compile(r"\b(i|i'm|i've|i'd|me|my|mine|we|our|us|you|your)\b", _I)
"""Someone is doing something: "should I buy", "would you sell" (as opposed to "the company sold")."""
PORTFOLIO_SUBJECT = re.compile(
    r"\b(portfolio|holdings?|positions?|investments?|what i own|my (stocks|shares|funds|bonds|etfs?|gold|crypto)|"
    r"my \w+ shares)\b",
    _I,
)
"""The person's book named as a whole: the subject of a question, not yet what it asks."""
BOOK = re.compile(
    r"\b(my|our) (accounts?|money|savings|nest egg|(roth |traditional )?iras?|401\(?k\)?s?|brokerage( account)?)\b",
    _I,
)
"""Other names of the book, enough for the embedding vote on a paraphrase ("has my money grown?")."""

# --- what it is about ---
MARKET_WIDE = re.compile(
    r"\b(the (stock |equity |bond )?markets?|stock markets?|wall street|the dow( jones)?|dow jones|nasdaq|"
    r"s&p( 500)?|the index)\b",
    _I,
)
COMPANY_FACT = re.compile(
    r"\b(revenues?|sales|sale of|earn(s|ed|ing|ings)?|(net|operating|interest) income|profits?|margins?|market share|"
    r"cash ?flows?|capex|capital expenditures?|expenditures?|ebitda|ebit|eps|guidance|segments?|10-?[kq]|"
    r"annual report|filings?|fiscal|fy ?\d{2,4}|q[1-4]|quarter(ly|s)?|acqui\w+|merger|divest\w*|spin-?off|"
    r"separation|restructur\w*|impairments?|goodwill|inventor(y|ies)|employees|headcount|ceo|cfo|dividends?|"
    r"buy ?backs?|repurchase\w*|debt|liabilit(y|ies)|assets|balance sheet|income statement|liquidity|ratio|"
    r"working capital|customers|competitors?|strateg(y|ies)|stores|products?|report(s|ed)?|disclos\w*|book(ed)?|"
    r"record(ed)?|pa(y|id) (for|to)|share(holder|owner)s?|stockholders?|rais(e|ed|es|ing) prices|pricing|"
    r"(in|for|during|since) (fiscal )?(19|20)\d\d|price (increase|hike|cut|rise)s?|subscribers?|users|orders|"
    r"deliveries|volumes?|shipments|contracts?|programs?|projects?|plants?|factor(y|ies)|jobs|workers|"
    r"business(es)?|units?|operations|money)\b",
    _I,
)
"""A company's business, not its shares: what SECURITY's revenue / segment / gain on a sale was."""
COMPANY_POSSESSIVE = re.compile(
    r"\bSECURITY['’]s ((\d+|one|five|ten)[- ]?(year|yr|month|week|day)s?\s+)?"
    r"(?!(stock|shares?|share price|price|quote|volatility|beta|drawdown|risk|performance|returns?|moves?|"
    r"chart|ticker|latest|current|recent|daily|weekly|monthly|annual|yearly|\d))[A-Za-z]\w*",
    _I,
)
"""SECURITY's something other than its shares ("Amcor's domestic market", "Apple's suppliers")."""
DEFINITION = re.compile(
    r"^\W*(what|who) (is|are|was) (a |an |the )?[\w&.-]+( [\w&.-]+)?\W*$|\bwhat does .{1,40} (mean|stand for)\b|"
    r"\bdefin(e|ition)\b|\bexplain\b|\bdifference between\b|\bhow (does|do) .{1,40} work\b",
    _I,
)
"""A definition or an explanation ("What is NASDAQ?", "how does pre-market trading work?"): the knowledge base's."""
FIRM = re.compile(
    r"\b(fees?|charges?|commissions?|wires?|transfer\w*|ira|roth|401\(?k\)?|open an? account|close my account|"
    r"password|log ?in|two-factor|statements?|tax(es|ed|able|ation)?|1099|deduct\w*|trading hours|hours|"
    r"holidays?|policy|policies|minimum deposit|deposits?|withdraw\w*|beneficiar\w*|rollover|contribution limits?|"
    r"required minimum|risk (profiles?|tolerance|questionnaire)|margin (account|loan|call)s?|sweep|"
    r"capital gains?|write (it |them |that )?off|write-?offs?|tax[- ]loss\w*)\b|"
    r"\b(mov(e|ing)|send(ing)?|bring(ing)?) .{0,40}\b(to|into|with) (you|your firm)\b|"
    r"\bwhat happens (to|if|when|once|after)\b|\b(through|with|from|at) (you|your firm)\b|"
    r"\bopen (today|tomorrow|on)\b|\b(markets?|exchanges?) (open|closed)\b|\bwhat time .{0,30}\b(open|close)\b",
    _I,
)
"""The firm's own topics (and "what happens if..." questions of policy): for the knowledge base, even with a
data word in it. "My IRA" is the book, not the firm's topic, when the question asks for a figure of it
("How risky is my IRA?"; `OWN_ACCOUNT`)."""
OWN_ACCOUNT = re.compile(r"\b(my|our) ((roth |traditional )?iras?|401\(?k\)?s?)\b", _I)
STOCK_CONTEXT = re.compile(
    r"\b(stocks?|shares?|share price|ticker|(go|goes|went|gone|been) (up|down)|up or down|rall(y|ied)|tank(ed)?|"
    r"perform(ed|ance|ing)?|today|yesterday|this (morning|afternoon|week|month)|so far|right now|ytd)\b",
    _I,
)
"""What makes a move word about a company's shares ("Did Apple go up today?", not "Did Verizon lose
subscribers?"); tickers and crypto-assets need none."""
RISK_MEASURE = re.compile(r"\b(volatil\w*|drawdowns?|value at risk|VaR|beta|correlat\w*|sharpe|risky|riskier)\b", _I)
"""Risk words that measure a security; a company's "risks" are its business."""
PROCEDURAL = re.compile(
    r"\b(how do i|how can i|where can i|can i|how to|what is the process|do i (need|have) to|"
    r"what happens (to|if|when|once|after))\b",
    _I,
)

# --- what it asks for ---
QUOTE = re.compile(
    r"\b(price[sd]?|quotes?|quoted|trading at|trades? at|trad(e|es|ing) (today|now|right now)|ticker|"
    r"(close[sd]?|closing|finish(ed)?) (at|yesterday|today|up|down|higher|lower)|opened (at|up|down|higher|lower)|"
    r"closing price|"
    r"(a|one|per) share of|how much is (a|one) share|cost per share|"
    r"(what's|what is|where's|where is) SECURITY( stock| shares)? (at|now|right now|trading|today))\b",
    _I,
)
MOVE = re.compile(
    r"\b(up|down|higher|lower|gain(ed|s|ing)?|lost|los(e|es|ing)|drop(ped|s|ping)?|fell|fall(en|s|ing)?|r[oi]se|rising|"
    r"jump(ed|s)?|rall(y|ied|ies)|slid|sank|tank(ed|s)?|surg(e|ed|es)|climb(ed|s)?|perform(ed|ance|ing|s)?|"
    r"moved|moves|move (today|this|since|over|in|so)|move\?|today'?s (move|change)|"
    r"how(\s+(is|are|did|was|were|has|have)|'s|’s)\s+SECURITY( stock| shares)? "
    r"(do|doing|done|gone|going|been|looking))\b",
    _I,
)
NOW = re.compile(
    r"\b(today|tonight|yesterday|this (morning|afternoon|week|month|year)|so far|right now|at the moment|"
    r"last (week|month|year|night)|ytd|year to date)\b",
    _I,
)
MARKET_HOW = re.compile(
    r"\b(how|where)(\s+(is|are|did|was|were|has|have)|'s|’s)\s+the (stock |equity |bond )?(markets?|dow( jones)?|"
    r"nasdaq|s&p( 500)?|index)\b|\bwhat('s|’s|\s+is|\s+are)\s+the (stock |equity |bond )?(markets?|dow( jones)?|"
    r"nasdaq|s&p( 500)?|index) (doing|at|today|up|down|looking)\b|\b(is|are) the (stock )?markets? (up|down)\b|"
    r"\bwhat happened (on|in|to) (wall street|the \w* ?markets?)",
    _I,
)
"""How the market as a whole is doing: a market question with no symbol (answered with the benchmark)."""
INTENTS: dict[str, re.Pattern[str]] = {
    "portfolio": re.compile(
        r"\b(allocat\w*|asset class(es)?|sectors?|concentrat\w*|"
        r"(largest|biggest|smallest|best|worst)( \w+)? (position|holding|fund|stock)s?|(total |overall )?returns?|"
        r"(did|does|do|performed|performing|doing) (the )?(best|worst|better|worse)|beat(s|ing)? the|"
        r"(out|under)perform\w*|how much (\w+ )?(do|did) (i|we) (have|hold|own)|"
        r"how many shares|how much of my \w+ (is|are) in|am i (up|down)|"
        r"(made|earned|make|earn) (on|from|with)|"
        r"unreali[sz]ed|gain(ed|s)?|los(s|ses|t)|worth|value of|rebalanc\w*|drift\w*|target (mix|weights?|allocation)|"
        r"overweight|underweight|cost basis|market value|how (am i|is my \w+|are my \w+) doing|"
        r"day'?s change on my|break down what i own|expos(ed|ure)|how('s| is| are) my \w+ (doing|looking|going)|"
        r"how (did|has|have) my \w+ (do|done|perform\w*|go|gone)|"
        r"(too much|too little|heavy|heavily|overexposed) in)\b",
        _I,
    ),
    "risk": re.compile(
        r"\b(risk(s|y|ier|iest|iness)?|volatil\w*|drawdowns?|value at risk|VaR|beta|correlat\w*|diversif\w*|"
        r"downside|worst (day|case)|(could|might|can|would) i lose|swings?|stress|sharpe|"
        r"move (together|with|in line with)|crash(es|ed)?)\b",
        _I,
    ),
}
"""What the portfolio and risk specialists compute (the market's intents are QUOTE and MOVE)."""
BOOK_MOVE = re.compile(
    r"\b(is|are|was|were|go|goes|went|gone|been) (up|down)\b|\b(up|down) (the most|(or (up|down) )?today)\b", _I
)
"""A move of the person's book as a whole ("did my stocks go up today?"): the portfolio's day change."""
ALLOCATION_CHANGE = re.compile(
    r"\b(mov(e|ing)|shift(ing)?|put(ting)?|switch(ing)?|realloc\w*) (more |some |all |part )?(of )?(my |our )?"
    r"(money|cash|savings|funds?)? ?(into|out of) (bonds|stocks|equities|cash|the market)\b|"
    r"\bchange (my )?allocation\b|\btrades? would\b|\b(time|need|ready) to rebalance\b|"
    r"\bback to (my |our )?(targets?|target (allocation|mix|weights))\b|^\W*rebalance\b|\brebalanc\w* (my|our)\b",
    _I,
)
"""A change to the person's own mix ("moving more money into bonds"): theirs by nature, and high stakes."""
ADVICE = re.compile(
    r"\b(should|shall) (i|we)\b|\bought (i|we)\b|\b(do|would|could|can|will) you (recommend|suggest|advise)\b|"
    r"\brecommend(ation|ations|ed|s)?\b|\bwhat (would|should) you do\b|\bwhat do you (suggest|recommend)\b|"
    r"\b(is|was) (it|now|this) (a |the )?(good|right|wrong|bad|best|smart|wise) (time|idea|moment)\b|"
    r"\b(good|bad|smart|wise|best) (time|idea|investment|buy|move) (to|for|right now|now)\b|"
    r"\ba (good|bad|smart|safe|sound|great)( \S+)? (buy|investment|bet|stock)\b|"
    r"\bworth (buying|selling|investing|holding)\b|"
    r"\b(buy|sell|hold),? or (buy|sell|hold)\b|\b(thoughts|opinion|views?|your take) on\b|"
    r"\bwhat do you think (of|about)\b|\b(is|are) .{0,30}\ba (buy|sell|hold)\b|"
    r"\bdo you (think|expect|see) .{0,60}\b(will|going to|gonna)\b|"
    r"\b((is|are) SECURITY (going to|gonna|about to)|will SECURITY) (crash|drop|fall|rise|go|recover|rebound|bounce)|"
    r"\b(smart|wise|safe|a good idea) to (buy|sell|invest|get into)\b|"
    r"\b(overpriced|underpriced|overvalued|undervalued)\b|"
    r"\b(thinking|considering|planning) (of |about |on )?(buying|selling|investing|getting into)\b",
    _I,
)
"""A request for a recommendation (on its own not yet about investments: see evidence.py)."""
NOT_ADVICE = re.compile(
    r"\b(when|where|how|who|whom|what time|which (form|document)s?|what (forms?|documents?))\b[^.?!]{0,20}"
    r"\bshould (i|we)\b",
    _I,
)
INVESTMENT = re.compile(
    r"\b(invest\w*|stocks?|shares?|equit(y|ies)|bonds?|funds?|etfs?|crypto\w*|securit(y|ies)|portfolio|holdings?|"
    r"positions?|allocation|assets?|options|markets?|buy(ing)?|sell(ing)?|trades?|trading|rebalanc\w*|SECURITY|"
    r"expos(ure|ed)|sectors?|(over|under)?weight\w*|growth|returns?|yields?|dividends?)\b",
    _I,
)
TRANSACTION = re.compile(
    r"\b(buy|buying|bought|purchas(e|ing)|sell|selling|sold|short(ing)?|dump(ing)?|invest(ing)? in|trade|"
    r"mov(e|ing)|transfer\w*|switch\w*|hold(ing)?|keep(ing)?|add(ing)? (more|to|some)|get (into|out of)|"
    r"load up on|exit)\b",
    _I,
)
"""What a person does with a security; with a named one it is a transaction finbot does not recommend."""
TRADE_IN = re.compile(
    r"\b(buy|buying|sell|selling|purchas(e|ing)|short(ing)?|dump(ing)?|invest(ing)? in|get(ting)? (into|out of)|"
    r"trad(e|ing)|add(ing)? (more|some))\s+((some|more|a few|the) )?((shares|stock) (of|in) )?SECURITY",
    _I,
)
"""A named security as the object of a trade ("is it smart to buy Boeing"; not "Tesla bought back shares")."""
REQUEST = re.compile(
    r"\?\s*$|^\W*(what|what's|whats|how|how's|which|where|when|who|why|is|are|am|do|does|did|can|could|will|"
    r"would|should|show|give|tell|list|get|check|compare)\b",
    _I,
)
"""A question or a request, not a remark ("I think the market is going crazy lately.")."""

_FOLLOW_UP = re.compile(r"^\s*(and|also|plus|what about|how about|same for|what of|then)\b", _I)
_PRONOUN = re.compile(r"\b(it|its|it's|that|those|them|this one|these)\b", _I)
_OWN = re.compile(r"\b(my|mine|our)\b", _I)


def is_follow_up(text: str) -> bool:
    """A short question that leans on the previous one ("and what about risk?", "how volatile is it?")."""
    return len(text.split()) <= 10 and bool(_FOLLOW_UP.search(text) or _PRONOUN.search(text))


def mentions_own_portfolio(text: str) -> bool:
    """'my portfolio', 'my holdings': the subject is the person's book, not a previously named symbol."""
    return bool(_OWN.search(text) and PORTFOLIO_SUBJECT.search(text))
