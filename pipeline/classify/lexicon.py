"""The words the rules engine reads, in English, German and French. Each pattern says what it is for.

Patterns are compiled case-insensitive unless their name ends in _CS (case-sensitive: "AI", "KI", "IA").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from pipeline.classify.wordlist import word_pattern

# the alternatives of every word pattern, so that patterns can be joined into one scan (ANY_INVESTMENT_CUE)
_ALTERNATIVES: dict[re.Pattern[str], tuple[str, ...]] = {}


def _words(*alternatives: str) -> re.Pattern[str]:
    pattern = word_pattern(*alternatives)
    _ALTERNATIVES[pattern] = alternatives
    return pattern


def word_lists() -> Mapping[re.Pattern[str], tuple[str, ...]]:
    """Each word pattern with the alternatives it was made of (read-only)."""
    return MappingProxyType(_ALTERNATIVES)


def _any_of(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    return word_pattern(*(a for p in patterns for a in _ALTERNATIVES[p]))


# --- is the story about AI? --------------------------------------------------------------------------
AI_TERMS = _words(
    r"artificial intelligence",
    r"generative",
    r"gen ?ai",
    r"machine learning",
    r"deep learning",
    r"neural",
    r"llms?",
    r"large language models?",
    r"(?:language|foundation|frontier|ai|reasoning|video|image) models?",
    r"chatbots?",
    r"computer vision",
    r"gpt[-\w.]*",
    r"chatgpt",
    r"openai",
    r"anthropic",
    r"claude",
    r"gemini",
    r"llama ?\d*",
    r"mistral",
    r"mixtral",
    r"deepmind",
    r"xai",
    r"grok",
    r"copilot",
    r"hugging face",
    r"sora",
    r"stable diffusion",
    r"midjourney",
    r"aleph alpha",
    r"intelligence artificielle",
    r"iag?",
    r"künstlicher?n? intelligenz",
    r"ki-\w+",
    r"\w+-ki",
    r"sprachmodell\w*",
    r"modèles? de langage",
    r"agentic",
    r"ai agents?",
    r"gpus?",
    r"run:ai",
    r"mosaicml",
    r"perplexity",
    r"cohere",
    r"inflection",
    r"speech recognition",
    r"voice recognition",
    r"facial recognition",
    r"face recognition",
    r"voice assist\w*",
    r"robots? conversationnels?",
    r"ia conversationnelle",
)
# Companies whose own newsroom writes about AI whatever the headline says.
AI_COMPANIES = {
    "openai",
    "anthropic",
    "deepmind",
    "google deepmind",
    "mistral",
    "xai",
    "hugging face",
    "stability",
    "cohere",
    "perplexity",
    "inflection",
    "aleph alpha",
    "midjourney",
    "runway",
    "scale",
}
# The same terms in the form that scans fast (wordlist.py): all but the German compounds ("Open-KI"), which
# a whole body is checked for apart. For reading whole bodies; AI_TERMS reads a story's head.
AI_TERMS_FAST = word_pattern(*(a for a in _ALTERNATIVES[AI_TERMS] if a != r"\w+-ki"))
AI_COMPOUND = re.compile(r"(?<![\w-])\w+-ki(?![\w])", re.IGNORECASE)
# AI_CASE_TERMS_CS in the fast form: a class of first letters in front, so the engine skips in C.
AI_CASE_TERMS_FAST_CS = re.compile(r"[AKI](?<![\w-][AKI])(?:(?<=A)(?:I|\.I\.)|(?<=K)I|(?<=I)A)(?![\w])")
AI_CASE_TERMS_CS = re.compile(r"(?<![\w-])(?:AI|A\.I\.|KI|IA)(?![\w])")
# "AI-controlled batteries": AI as an attribute of something else, weak evidence on its own.
AI_ATTRIBUTE = re.compile(r"\bAI[- ](?:controlled|enabled|assisted|optimi[sz]ed|driven)\b", re.IGNORECASE)

# --- investments -------------------------------------------------------------------------------------
FUNDING_VERB = _words(
    r"rais(?:es|ed|ing|e)",
    r"secur(?:es|ed|ing|e)",
    r"lands?",
    r"landed",
    r"clos(?:es|ed|ing|e)",
    r"nabs?",
    r"nabbed",
    r"grabs?",
    r"grabbed",
    r"picks? up",
    r"picked up",
    r"attracts?",
    r"attracted",
    r"bags?",
    r"bagged",
    r"snags?",
    r"snagged",
    r"scores?",
    r"scored",
    r"banks?",
    r"banked",
    r"hauls? in",
    r"pulls? in",
    r"rakes? in",
    r"gets?",
    r"got",
    r"receives?",
    r"received",
    r"announc(?:es|ed|ing) (?:a|an|its)",
    r"lève",
    r"levé",
    r"lever",
    r"lèvent",
    r"boucler?",
    r"obtient",
    r"sammelt",
    r"gesammelt",
    r"eingesammelt",
    r"einsammeln",
    r"erhält",
    r"erhalten",
    r"holt sich",
    r"sichert sich",
)
ROUND = _words(
    r"pre-seed",
    r"seed",
    r"series[- ][a-h]",
    r"serie[- ][a-h]",
    r"series-[a-h]-\w+",
    r"funding",
    r"financing",
    r"round",
    r"investment",
    r"backing",
    r"venture",
    r"capital injection",
    r"convertible note",
    r"levée de fonds",
    r"tour de table",
    r"financement",
    r"tour de financement",
    r"finanzierungsrunde",
    r"finanzierung",
    r"seed-runde",
    r"runde",
    r"kapital",
)
ROUND_NAME = re.compile(
    r"\b(pre-seed|seed|series[- ]([a-h])|serie[- ]([a-h])|growth round|bridge round)\b", re.IGNORECASE
)
ACQUISITION = _words(
    r"acquir(?:es|ed|ing|e)",
    r"acquisition(?:s)? of",
    r"acquisition",
    r"buys?",
    r"bought",
    r"buying",
    r"to buy",
    r"snaps? up",
    r"snapped up",
    r"takes? over",
    r"takeover",
    r"merg(?:es|ed|er|ing) with",
    r"rachète",
    r"racheté",
    r"rachat",
    r"acquiert",
    r"acquis",
    r"übernimmt",
    r"übernommen",
    r"übernahme",
    r"kauft",
    r"gekauft",
)
# The learned classifier's acquisition and stake cues: rules-2's, and the French and German infinitives a
# rumoured deal is told with ("serait en passe de racheter Orvane", "soll beim Start-up Orvane einsteigen").
# Not the plural "acquisitions of", which tells plans and lists ("set aside $5 billion for acquisitions of AI
# startups", "the biggest AI acquisitions of the decade"), not one deal.
WIDER_ACQUISITION = _words(
    *(a for a in _ALTERNATIVES[ACQUISITION] if a != r"acquisition(?:s)? of"),
    r"acquisition of",
    r"merge with",  # "Quillon will merge with Orvane" (rules-2 reads "merges", "merged", "merging with")
    r"merger",
    r"racheter",
    r"acquérir",
    r"übernehmen",
    r"tak(?:es?|ing) (?:[A-Z][\w.&-]*\s+){1,3}private",  # "will take Orvane private"
    r"bids? for",  # "is weighing a bid for AI startup Orvane" (a rumoured deal keeps its event)
    r"(?:takeover )?offer for",
)
# A sale told by its seller: "Quillon sells Orvane to Velmora", "sold its 20% stake in Orvane to Velmora".
SALE = _words(r"sells?", r"sold", r"selling", r"to sell", r"divests?", r"divested")
STRATEGIC = _words(
    r"invests?",
    r"invested",
    r"investing",
    r"to invest",
    r"investment in",
    r"investment by",
    r"minority stake",
    r"stakes? in",
    r"takes? a stake",
    r"backs",
    r"backed by",
    r"pumps?",
    r"pumping",
    r"puts?",
    r"investit",
    r"investi",
    r"investir",
    r"investissement",
    r"investiert",
    r"investieren",
    r"investition",
    r"einstieg",
    r"steigt",
    r"beteiligt",
    r"beteiligung",
    r"soutenu par",
)
WIDER_STRATEGIC = _words(
    *_ALTERNATIVES[STRATEGIC], r"einsteigen", r"beteiligen", r"pours?", r"poured", r"pouring"
)
# What an "invests in" may point at that is not a company: own spending, not an investment event.
CAPEX_OBJECT = _words(
    r"data ?cent(?:er|re)s?",
    r"datacenters?",
    r"infrastructure",
    r"facilit(?:y|ies)",
    r"plants?",
    r"factor(?:y|ies)",
    r"capacity",
    r"campus",
    r"its own",
    r"projects?",
    r"programs?",
    r"programmes?",
    r"research",
    r"r&d",
    r"services?",
    r"dienste",
    r"rechenzentr\w*",
    r"centres? de données",
    r"region",
    r"country",
    r"state",
    r"cloud region",
    r"talent",
    r"workforce",
    r"chips? production",
    r"expansion",
)
# Money that is not an equity investment in a company.
NOT_INVESTMENT = _words(
    r"grants?",
    r"prizes?",
    r"prize money",
    r"awards?",
    r"awarded",
    r"subsid(?:y|ies)",
    r"competition",
    r"capital spending",
    r"capex",
    r"capital expenditures?",
    r"debt",
    r"loans?",
    r"credit facility",
    r"bonds?",
    r"ipo",
    r"initial public offering",
    r"goes public",
    r"earnings",
    r"revenue",
    r"quarterly",
    r"termination fee",
    r"fresh capital",
    r"new fund",
    r"(?:first|second|third|debut|latest) fund",
    r"fund (?:i|ii|iii|iv|v|vi|\d+)",
    r"venture fund",
    r"funds? of \$",
    r"buyback",
    r"dividend",
    r"supercomputing hours",
    r"gpu hours",
)
# The learned classifier's: rules-2's, and other ways of telling a listing, a grant or public money ("raised
# $700 million in its listing on the New York Stock Exchange", "non-dilutive funding", "€10 million from the
# EU's Horizon Europe programme").
WIDER_NOT_INVESTMENT = _words(
    *_ALTERNATIVES[NOT_INVESTMENT],
    r"(?:stock market|market|public|trading|nasdaq|nyse) debut",
    r"direct listing",
    r"in (?:its|a|the) (?:[\w$€£.,-]+ ){0,3}listing",
    r"went public",
    r"going public",
    r"flotation",
    r"börsengang\w*",
    r"introduction en bourse",
    r"non-dilutive",
    r"from (?:the )?(?:[\w’'-]+ ){0,4}(?:programme|program|mission|initiative)",
)
CANCELLED = _words(
    r"cancels?",
    r"cancell?ed",
    r"abandons?",
    r"abandoned",
    r"terminat\w+",
    r"calls? off",
    r"called off",
    r"walks? away",
    r"scraps?",
    r"scrapped",
    r"blocks?",
    r"blocked",
    r"rejects?",
    r"rejected",
    # "declined the offer", not "declined to say how much" (a company keeping the amount to itself)
    r"declin\w+(?! to (?:say|comment|disclose|give|reveal|specify|name|confirm|provide|elaborate|discuss))",
    r"collapsed?",
    r"fell through",
    r"falls? through",
    r"annul\w*",
    r"abgesagt",
    r"gescheitert",
)
DENIAL = _words(
    r"denies",
    r"denied",
    r"deny",
    r"refutes?",
    r"refuted",
    r"dément\w*",
    r"démenti",
    r"dementiert",
    r"no (?:current )?(?:acquisition|merger|m&a|funding)? ?talks",
    r"not (?:in talks|raising|engaged in)",
    r"no knowledge of",
    r"no conversations",
    r"is not raising",
    r"has no plans",
)
# The learned classifier's denials: rules-2's, and a report dismissed or a deal said to be of no interest
# ("dismissed speculation that it would buy a stake", "is not interested in buying", "ruled out a bid").
WIDER_DENIAL = _words(
    *_ALTERNATIVES[DENIAL],
    r"dismiss(?:es|ed|ing)? (?:the |media |press )?(?:speculation|reports?|rumou?rs?)",
    r"not interested in",
    r"no interest in",
    r"rul(?:es|ed|ing) out (?:a |an |any )?(?:deal|sale|merger|acquisition|bid|offer|investment|stake|takeover)",
    r"(?:calling|called) (?:the |that )?(?:reports?|speculation) (?:false|untrue|inaccurate|fiction)",
)

# --- partnerships ------------------------------------------------------------------------------------
PARTNERSHIP = _words(
    r"partners? with",
    r"partnered with",
    r"partnering with",
    r"partnering",
    r"partnership",
    r"partnerships? with",
    r"teams? up",
    r"teamed up",
    r"team-up",
    r"teaming up",
    r"joins? forces",
    r"joined forces",
    r"all(?:ies|ied|y) with",
    r"alliance",
    r"collaborat(?:es|ed|ing|ion|e) with",
    r"collaboration",
    r"strikes? (?:a )?(?:\w+ )?deal",
    r"struck (?:a )?(?:\w+ )?deal",
    r"inks?",
    r"inked",
    r"signs? (?:an? )?(?:\w+ )?(?:agreement|deal|contract|pact|mou)",
    r"signed (?:an? )?(?:\w+ )?(?:agreements?|deals?|contracts?|pact)",
    r"licensing (?:deal|agreement)",
    r"joint venture",
    r"consortium",
    r"(?:deal|agreement|accord) with",
    r"teaming",
    r"available (?:on|in|through|via) (?:microsoft |amazon |google )?(?:azure|aws|bedrock|amazon bedrock|google cloud|vertex|oracle|ibm|snowflake|databricks|watsonx)",
    r"primary (?:cloud|compute|training) (?:\w+ )?(?:provider|partner|service)",
    r"preferred (?:cloud )?(?:provider|partner)",
    r"under the (?:agreement|deal|partnership)",
    r"partenariats?",
    r"s'allie",
    r"s’allie",
    r"accord (?:avec|entre)",
    r"collabor\w+ avec",
    r"coopér\w+",
    r"partnerschaft\w*",
    r"kooperation\w*",
    r"kooperier\w*",
    r"zusammenarbeit",
    r"arbeiten zusammen",
    r"vereinbar\w+",
    r"allianz",
    r"gemeinsam\w*",
    r"as an? (?:\w+ )?partner",
    r"also involved",
)

# The learned classifier's partnership cues: rules-2's, the French "s'associe à / avec" (partners with), and
# a contract awarded or won, which the labelling rules count as a partnership ("The US Army awarded
# Palantir a $480 million contract").
_CONTRACT = r"(?:[\w$€£.,-]+ ){0,4}(?:contracts?|auftrag|contrat)"
WIDER_PARTNERSHIP = _words(
    *_ALTERNATIVES[PARTNERSHIP],
    r"s['’]associ(?:e|ent)",
    r"s['’]est associée?s?",
    rf"awards? {_CONTRACT}",
    rf"awarded {_CONTRACT}",
    rf"wins? {_CONTRACT}",
    rf"won {_CONTRACT}",
    r"contracts? (?:with|from)",
    # integration, joint development and enterprise deployment, which rule 4 also counts ("Quillon will
    # integrate Orvane's AI models into its office software", "selected Orvane to provide AI assistants")
    r"integrat(?:es?|ed|ing) [A-Z][\w.&-]*['’]s",
    r"co-develop\w*",
    r"jointly develop\w*",
    r"work(?:s|ing)? together",
    r"(?:selects?|selected|taps?|tapped|chooses|chose|chosen|picks?|picked) [A-Z][\w.&-]*(?: [A-Z][\w.&-]*)* "
    r"(?:as|to|for(?! (?:[$€£\d]|funding|investment|money|cash)))",  # "taps Quillon for $1 billion": money
    r"(?:selects?|selected|taps?|tapped|chooses|chose|chosen|picks?|picked) [A-Z][\w.&-]*['’]s",
    # distribution: "adds Orvane's AI models to its cloud", "now available on Quillon Cloud"
    r"add(?:s|ed|ing)? [A-Z][\w.&-]*['’]s (?:[\w-]+ ){0,3}to",
    r"available (?:on|in|through|via) [A-Z][\w.&-]* (?:Cloud|Marketplace)",
    r"under an? (?:[\w-]+ ){0,3}(?:deal|agreement|contract)",
    r"deploy(?:s|ed|ing)? [A-Z][\w.&-]*['’]s",
    r"licens(?:es|ed|ing) [A-Z][\w.&-]*['’]s",
    # content licensing told from the licensor: "licenses its archive to OpenAI"
    r"licens(?:es|ed|ing) (?:its|their) (?:[\w-]+ ){0,3}to",
    r"reach(?:es|ed|ing)? (?:an? )?(?:[\w-]+ ){0,2}(?:deal|agreement|accord)",
)

# --- launches ----------------------------------------------------------------------------------------
LAUNCH = _words(
    r"launch(?:es|ed|ing)?",
    r"unveil(?:s|ed|ing)?",
    r"introduc(?:es|ed|ing)",
    r"releas(?:es|ed|ing)",
    r"roll(?:s|ed|ing)? out",
    r"rolling out",
    r"debut(?:s|ed)?",
    r"reveal(?:s|ed)?",
    r"announc(?:es|ed) (?:its |a |the )?new",
    r"now available",
    r"generally available",
    r"general availability",
    r"available today",
    r"brings? (?:its )?",
    r"adds?",
    r"ships?",
    r"shipped",
    r"goes? live",
    r"opens? up",
    r"eliminate the waiting list",
    r"lance",
    r"lancé",
    r"lancement",
    r"dévoil\w+",
    r"présente",
    r"présenté",
    r"disponible",
    r"startet",
    r"gestartet",
    r"stellt\w* vor",
    r"vorgestellt",
    r"veröffentlicht",
    r"präsentiert",
    r"führt\w* ein",
    r"bringt",
    r"(?:currently|now) in beta",
    r"in (?:public |limited )?(?:preview|beta|testing)",
    r"(?:new|first|latest|next-generation|next generation) (?:ai |generative ai |open source |open-source )?(?:model|chatbot|assistant|llm|language model)",
    r"nouveau modèle",
    r"nouvelle (?:ia|version)",
    r"neues? (?:ki-)?(?:modell|sprachmodell|chatbot)",
    r"announc(?:es|ed|ing)(?= (?:(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Today|That|The|This|It|Its|On|In)\b)[A-Z][\w.-]+|its new |a new |the new ))",
)
# The learned classifier's launch cues: rules-2's, and a preview, which the labelling rules count ("Orvane
# previews Nova", "gave a first look at Nova").
WIDER_LAUNCH = _words(
    *_ALTERNATIVES[LAUNCH],
    r"previews?",
    r"previewed",
    r"previewing",
    r"(?:gave|gives|give|offers?|offered) (?:a )?(?:first )?(?:look|glimpse|preview) (?:at|of)",
)
# A launch told as availability: "made its Nova AI assistant generally available".
AVAILABILITY = re.compile(r"(?i)now available|generally available|general availability|available today")
# Cues that name a product rather than an act ("its new model", "in beta"): trusted only in the lead.
WEAK_LAUNCH = re.compile(
    r"^(?:new|first|latest|next|nouveau|nouvelle|neue|currently|now in|in |announc)", re.IGNORECASE
)
# A plural cue ("partnerships") names a deal only when a partner is named right after "with".
PLURAL_PARTNERSHIP = re.compile(r"partnerships|partenariats|partnerschaften|kooperationen", re.IGNORECASE)
JOINT_LAUNCH = re.compile(
    r"^(?:[^,]{0,40}?)\b([A-Z][\w.-]*(?: [A-Z][\w.-]*)*) and ([A-Z][\w.-]*(?: [A-Z][\w.-]*)*) (?:debut|launch|unveil|introduce|release|build|develop|create|roll out)\b"
)
# The learned classifier's: also with a modal before the verb ("Orvane and Quillon will build", "to develop").
WIDER_JOINT_LAUNCH = re.compile(
    r"^(?:[^,]{0,40}?)\b([A-Z][\w.-]*(?: [A-Z][\w.-]*)*) and ([A-Z][\w.-]*(?: [A-Z][\w.-]*)*) "
    r"(?:(?:will|to|plan to|are to|aim to|would) )?(?:debut|launch|unveil|introduce|release|build|develop|"
    r"create|roll out)\b"
)
GENERIC_COMPANY = re.compile(
    r"^\W*(?:(?:in|into|dans|bei|in)\s+)?(?:the|this|la|le|l'|l’|das|die|den)\s+(?:[\w-]+\s+){0,5}?(?:startup|start-up|company|firm|vendor|developer|maker|business|lab|unicorn|jeune pousse|société|entreprise|unternehmen)\b",
    re.IGNORECASE,
)
# Things "launched" that are not AI products by the labelling rules.
NOT_PRODUCT = _words(
    r"benchmark",
    r"dataset",
    r"data set",
    r"paper",
    r"study",
    r"system card",
    r"foundation",
    r"fund",
    r"organi[sz]ation",
    r"accelerator",
    r"institute",
    r"office",
    r"lawsuit",
    r"investigation",
    r"payments? app",
    r"campaign",
    r"conference",
    r"keynote",
    r"report",
    r"survey",
    r"maps?",
    r"start-up",
    r"startup",
    r"company",
    r"boom",
    r"race",
    r"strategy",
    r"project",
    r"initiative",
    r"infrastructure",
    r"venture",
    r"firm",
    r"program",
    r"programme",
)
# "HealthBench is a new evaluation benchmark": what the story itself calls its "product".
RESEARCH_ARTIFACT = re.compile(
    r"\b(?:is|are|was)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?(?:benchmark|dataset|data set|paper|study|map|evaluation|leaderboard|system card)\b",
    re.IGNORECASE,
)
PRODUCT_WORD = _words(
    r"models?",
    r"llms?",
    r"chatbots?",
    r"assistants?",
    r"copilots?",
    r"agents?",
    r"apps?",
    r"features?",
    r"tools?",
    r"api",
    r"platform",
    r"side panel",
    r"search engine",
    r"browser",
    r"version",
    r"modèles?",
    r"modell\w*",
    r"sprachmodell\w*",
    r"ia conversationnelle",
    r"robot conversationnel",
)

# --- rumours and background --------------------------------------------------------------------------
RUMOR = _words(
    r"in talks",
    r"in discussions?",
    r"discussing",
    r"people familiar",
    r"person familiar",
    r"familiar with the matter",
    r"people with knowledge",
    r"with knowledge of",
    r"sources? (?:said|say|close)",
    r"according to (?:people|sources|a person|two people|three people|reports?)",
    r"reportedly",
    r"is said to",
    r"are said to",
    r"rumou?rs?",
    r"rumou?red",
    r"considering",
    r"weighing",
    r"exploring",
    r"could",
    r"expected to",
    r"anticipated",
    r"reports? said",
    r"news reports?",
    r"bloomberg news reported",
    r"plans? to",
    r"nach informationen",
    r"informationen zufolge",
    r"den informationen",
    r"verhandel\w*",
    r"gespräche",
    r"soll",
    r"sollen",
    r"gerüchte?",
    r"mögliche?s?",
    r"selon des sources",
    r"selon nos informations",
    r"s'apprêterait",
    r"serait",
    r"seraient",
    r"pourrait",
    r"envisage\w*",
    r"négocie\w*",
    r"en discussions?",
)
BACKGROUND = re.compile(
    r"(?:^|(?<![\w-]))(?:"
    + "|".join(
        (
            r"(?:in|since|back in|as of) (?:19|20)\d\d",
            r"last year",
            r"last month",
            r"earlier this (?:year|month)",
            r"previously",
            r"had previously (?:invested|raised|acquired|announced|launched)",
            r"which (?:has )?raised",
            r"has raised (?:about |around |nearly )?\$?[\d.,]+ ?\w* (?:since|to date|so far)",
            r"comes? after",
            r"following its",
            r"after (?:raising|it raised|the companies formed)",
            r"(?:early|late) (?:19|20)\d\d",
            r"^(?:earlier |back |also )?in (?:january|february|march|april|may|june|july|august|september|october|november|december)\b",
            r"(?:earlier|last|back) in (?:january|february|march|april|may|june|july|august|september|october|november|december)",
            r"(?:l'an|l’an) dernier",
            r"letztes jahr",
            r"im vergangenen jahr",
            r"en (?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) dernier",
            r"nachdem",
            r"existing partnership",
            r"up-to-now",
            r"exclusive partner",
            # an ongoing relationship described in the present perfect: "has worked primarily with OpenAI,
            # investing $13 billion", "has long backed", "which has invested"
            r"(?:has|have|had) (?:\w+ )?(?:worked|been working) (?:\w+ )?with",
            r"(?:has|have|had) long (?:backed|invested in|partnered with|supported)",
            r"which (?:has|had) (?:already )?(?:invested|backed|poured)",
            r"(?:its|an|their) (?:existing|longtime|long-time|biggest|largest) (?:investor|backer|shareholder)",
        )
    )
    + r")(?![\w])",
    re.IGNORECASE,
)
STALE_TITLE = re.compile(
    r"\bretrospective\b|\((?:analysis|opinion)\)|^opinion\b|\blooking back\b", re.IGNORECASE
)
VALUATION = _words(
    r"valu(?:ed|ing|es|ation)",
    r"worth",
    r"valoris\w*",
    r"valorisation",
    r"bewert\w*",
    r"market cap\w*",
)
UPPER_BOUND = _words(r"under", r"below", r"less than", r"unter", r"moins de", r"jusqu'à", r"bis zu")
APPROXIMATE_OK = _words(r"just under", r"knapp unter", r"up to")
NEWS_SOURCES = {
    "reuters",
    "bloomberg",
    "techcrunch",
    "afp",
    "ap",
    "cnbc",
    "the verge",
    "wsj",
    "ft",
    "financial times",
    "handelsblatt",
    "f.a.z",
    "faz",
    "les echos",
    "le point",
    "odaily",
    "fortune",
}
# A round's story naming the company's earlier backers: "Other investors listed on the company's website
# include ZhenFund", "Previous investors include Accel". They are no party of this round, unless the
# sentence says they took part ("with participation from previous investors Novo Holdings and BlackRock").
EARLIER_INVESTORS = re.compile(
    r"(?i)\b(?:previous|prior|earlier|past|other|former)\s+(?:investors|backers|shareholders)\b"
)
TOOK_PART = re.compile(
    r"(?i)\b(?:took part|take part|joined|join|participat\w*|invested in the round|also (?:invested|backed))\b"
)
INVESTOR_HINTS = _words(
    r"led by",
    r"from",
    r"backed by",
    r"including",
    r"with participation (?:from|of)",
    r"participation from",
    r"investors? (?:include|including|such as)",
    r"mené par",
    r"auprès de",
    r"dont",
    r"parmi les",
    r"angeführt von",
    r"unter führung von",
    r"von",
    r"mit",
)

# Matches exactly when one of the investment cues does: one scan to skip the sentences with none.
ANY_INVESTMENT_CUE = _any_of(ACQUISITION, FUNDING_VERB, ROUND, STRATEGIC)
WIDER_INVESTMENT_CUE = _any_of(WIDER_ACQUISITION, SALE, FUNDING_VERB, ROUND, WIDER_STRATEGIC)
CUE_OF_EVENT_TYPE = MappingProxyType(
    {"investment": ANY_INVESTMENT_CUE, "partnership": PARTNERSHIP, "launch": LAUNCH}
)


# A month, a weekday or a time zone: a byline or a dateline, never a company ("Apr", "UTC").
DATE_WORD = re.compile(
    r"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June|July|August|"
    r"September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|UTC|GMT)\b"
)
# The words that end an investment firm's name ("Sequoia Capital", "Lightspeed Venture Partners").
INVESTOR_FIRM = re.compile(r"\b(?:Ventures|Venture Partners|Capital|Fund|Investments|Capital Partners)$")
# The words that end organisations' names ("Northgate Systems", "Acme Labs", "Sakana AI").
ORGANISATION_ENDING = re.compile(
    r"(?:\bAI|\.ai|Labs?|Inc\.?|Corp\.?|Ltd\.?|GmbH|SAS|SA|AG|LLC|Technologies|Technology|Systems|Robotics|"
    r"Capital|Ventures|Partners|Group|Holdings|Networks|Software|Cloud|Bank|Fund|Semiconductor|Health|"
    r"Therapeutics|Intelligence|Computing|Security|Data)$"
)
# What follows a known name to make an organisation of both ("Intel Capital", "OpenAI Startup Fund"); alone,
# no organisation.
ORGANISATION_ARM = re.compile(
    r"(?:Startup |Venture |Growth |Strategic |Innovation )?(?:Capital|Ventures|Fund|Investments?|Invest|"
    r"Holdings|Partners|Group|Labs|Research)(?: \d+| I{1,3}| [A-Z])?"
)
