"""The default rule set: what this studio refuses (block) or holds for a person (flag).

Staff edit these in the admin. Regular expressions are written against the
normalised text (lowercase ASCII, accents gone, repeated letters collapsed to
one: "schol" for "school", "kil" for "kill"). Terms are written naturally.
Words that are innocent on their own ("naked" tree branches, "shooting" stars,
"execution" of a dive, Scunthorpe) are only refused next to what makes them
harmful, or as whole words.
"""

from django.db import migrations

W = r"[\W_]+"  # a separator between words
NEAR = r".{0,60}"

MINOR = (
    r"(?:child(?:ren)?|kids?|kidie|minors?|underage|under[\W_]*age|preten(?:s|age|ager|agers)?"
    r"|ten(?:s|age|ager|agers)?|schol[\W_]*(?:girl|boy)s?|(?:young|litle)[\W_]+(?:girl|boy)s?"
    r"|todlers?|baby|babies|infants?|loli|shota|(?:[1-9]|1[0-7])[\W_]*(?:yo|y/o|years?[\W_]*old))"
)
GIRL_BOY = r"(?:girls?|boys?)"
SEXUAL = (
    r"(?:nude|nudes|nudity|naked|sex|sexual|sexualy|sexuali[sz]ed|sexy|porn\w*|erotic\w*|explicit"
    r"|nsfw|lingerie|toples|undres\w*|striptease|striper\w*|hentai|lewd|seductive|intercourse)"
)
REAL = (
    r"(?:depfakes?|dep[\W_]*fakes?|celebrit(?:y|ies)|famous|actres(?:es)?|actors?|singers?"
    r"|politicians?|president|prime[\W_]*minister|senator|influencers?|streamers?|youtubers?"
    r"|real[\W_]+(?:person|people|woman|man|girl)"
    r"|my[\W_]+(?:ex|coworkers?|co[\W_]*workers?|bos|teacher|neighbou?r|clasmate|girlfriend"
    r"|boyfriend|wife|husband|sister|brother|friend|cousin|student)s?)"
)
PERSON = (
    r"(?:wom[ae]n|m[ae]n|girls?|boys?|person|people|body|bodies|models?|couples?|photos?|pics?"
    r"|pictures?|videos?|selfies?|scenes?|dancers?|wife|husband)"
)
GROUP = (
    r"(?:isis|isil|daesh|al[\W_]*qa'?[ei]?da|al[\W_]*shabab|boko[\W_]*haram|neo[\W_]*nazis?|nazis?"
    r"|third[\W_]*reich|white[\W_]*(?:supremac\w*|power|nationalis\w*)|jihad\w*|k|ku[\W_]*klux"
    r"[\W_]*klan|atomwafen|teror(?:ist|ism)s?)"
)
PROPAGANDA = (
    r"(?:propaganda|recruit\w*|glorif\w*|celebrat\w*|prais\w*|martyr\w*|manifesto|rally"
    r"|join[\W_]+(?:us|them|the[\W_]+fight)|caling[\W_]+for[\W_]+(?:atacks?|violence))"
)
MASS = (
    r"(?:schol[\W_]*shot(?:ing|ings|er|ers)|mas[\W_]*(?:shot(?:ing|ings|er|ers)|murder\w*|kiling\w*)"
    r"|masacre\w*|genocide|columbine|sandy[\W_]*hok|uvalde|utoya"
    r"|christchurch[\W_]+(?:shot\w*|masacre|atack\w*|mosque)"
    r"|shot(?:ing)?[\W_]+up[\W_]+(?:a|the)?[\W_]*(?:schol|church|mosque|synagogue|mal|crowd)"
    r"|bomb\w*[\W_]+(?:a|the)?[\W_]*crowd\w*)"
)
GLORIFY = (
    r"(?:glorif\w*|celebrat\w*|prais\w*|honou?r\w*|hero\w*|tribute|victor\w*|legend\w*|saint"
    r"|worship\w*|fan[\W_]*art|renact\w*|re[\W_]*enact\w*|first[\W_]*person|pov)"
)
SELF = r"(?:myself|yourself|oneself|themselves)"
INSTRUCT = (
    r"(?:how[\W_]+(?:to|many|much|do|can|should)|guide|tutorial|instructions?|step[\W_]*by[\W_]*step"
    r"|tips|ways?[\W_]+to|methods?|best[\W_]+way|easiest|painles)"
)
SELF_HARM_TOPIC = r"(?:suicid\w*|self[\W_]*harm\w*|overdos\w*|pro[\W_]*ana|thinspo\w*)"


def near(a: str, b: str) -> str:
    """a and b in either order, at most about a sentence apart."""
    return rf"\b{a}\b{NEAR}\b{b}\b|\b{b}\b{NEAR}\b{a}\b"


# (pattern, kind, scope, category, action, notes)
RULES = [
    # Sexual content involving minors.
    (near(MINOR, SEXUAL), "regex", "word", "minors_sexual", "block",
     "A word for a minor near a sexual word."),
    (near(GIRL_BOY, SEXUAL), "regex", "word", "minors_sexual", "flag",
     "'girl' or 'boy' near a sexual word: often an adult, so a person decides."),
    ("child porn", "term", "word", "minors_sexual", "block", ""),
    ("child pornography", "term", "word", "minors_sexual", "block", ""),
    ("kiddie porn", "term", "word", "minors_sexual", "block", ""),
    ("jailbait", "term", "word", "minors_sexual", "block", ""),
    ("lolicon", "term", "word", "minors_sexual", "block", ""),
    ("shotacon", "term", "word", "minors_sexual", "block", ""),
    ("csam", "term", "word", "minors_sexual", "block", ""),
    (r"\bp(?:a)?edo(?:phil\w*)?\b", "regex", "word", "minors_sexual", "block", ""),
    # Sexual violence.
    (r"\brap(?:e|es|ed|ing|ist|ists)\b", "regex", "word", "sexual_violence", "block",
     "Whole words only: grape, drape, trapeze and rapeseed pass."),
    (r"\bmolest\w*", "regex", "word", "sexual_violence", "block", ""),
    (rf"\bsexual(?:y)?{W}(?:asault\w*|abus\w*|violence)", "regex", "word", "sexual_violence",
     "block", ""),
    (r"\bnon[\W_]*consensual\b|\bnoncon\b", "regex", "word", "sexual_violence", "block", ""),
    (rf"\bforc(?:e|ed|es|ing){W}(?:sex|intercourse)\b", "regex", "word", "sexual_violence",
     "block", ""),
    (rf"\bforc(?:e|ed|es|ing){W}(?:him|her|them)self{W}on\b", "regex", "word",
     "sexual_violence", "block", "A common euphemism for rape."),
    ("date rape", "term", "word", "sexual_violence", "block", ""),
    # Sexual content of real people.
    (near(REAL, SEXUAL), "regex", "word", "real_people_sexual", "block",
     "A real or famous person near a sexual word."),
    ("sex tape", "term", "word", "real_people_sexual", "block", ""),
    # Explicit sexual content in general: held for a person.
    (rf"\b(?:nude|naked){W}(?:\w+{W})?{PERSON}\b|\b{PERSON}{W}(?:\w+{W})?(?:nude|naked)\b",
     "regex", "word", "sexual_explicit", "flag",
     "Nude or naked next to a person; naked branches and nude lipstick pass."),
    (r"\b(?:nudes|nudity|porn\w*|hentai|nsfw|striptease|orgy|orgies|masturbat\w*"
     r"|intercourse|genitals?|erotica?)\b", "regex", "word", "sexual_explicit", "flag", ""),
    (rf"\b(?:sex|sexual){W}(?:scene|act|acts|video|tape)s?\b|\b(?:having|explicit|hardcore){W}sex\b",
     "regex", "word", "sexual_explicit", "flag", ""),
    ("hardcore", "term", "word", "sexual_explicit", "flag", ""),
    ("in the nude", "term", "word", "sexual_explicit", "flag", ""),
    # Graphic gore.
    (rf"\b(?:graphic|extreme|realistic|explicit|blody){W}(?:gore|dismemberment|mutilation)\b",
     "regex", "word", "gore", "block", ""),
    (r"\b(?:behead\w*|decapitat\w*|dismember\w*|disembowel\w*|mutilat\w*|eviscerat\w*)",
     "regex", "word", "gore", "block", ""),
    (rf"\bsevered{W}(?:limbs?|heads?|arms?|legs?|hands?|body|bodies)\b", "regex", "word", "gore",
     "block", ""),
    (rf"\bbrains?{W}(?:\w+{W})?splater\w*|\bsplater\w*{W}(?:\w+{W})?brains?\b", "regex", "word",
     "gore", "block", ""),
    (rf"\bflesh{W}(?:\w+{W}){{0,2}}(?:torn|riped|rip\w*|pe[e]?led|flayed)\b", "regex", "word",
     "gore", "block", ""),
    ("skinned alive", "term", "word", "gore", "block", ""),
    ("torture porn", "term", "word", "gore", "block", ""),
    (r"\bgory\b|\bgore[\W_]*(?:fest|filed|soaked)\b|\bentrails\b|\bguts{W}spil\w*", "regex",
     "word", "gore", "flag", ""),
    (rf"\b(?:head|skul)s?{W}explod\w*|\bexplod\w*{W}(?:head|skul)s?\b", "regex", "word", "gore",
     "flag", ""),
    (r"\btortur(?:e|ed|ing)\b", "regex", "word", "gore", "flag", ""),
    # Extremist propaganda.
    (near(GROUP, PROPAGANDA), "regex", "word", "extremism", "block",
     "A group or ideology named near propaganda or recruitment."),
    (r"\b(?:isis|isil|daesh|al[\W_]*qa'?[ei]?da|boko[\W_]*haram|neo[\W_]*nazis?|nazis?"
     r"|swastikas?|jihadis[tm]s?|white[\W_]*supremac\w*|ku[\W_]*klux[\W_]*klan)\b",
     "regex", "word", "extremism", "flag",
     "Named alone: history, news and films are fine, so a person decides."),
    # Self-harm instructions.
    (near(INSTRUCT, SELF_HARM_TOPIC), "regex", "word", "self_harm", "block",
     "Instructions near suicide, self-harm or overdose."),
    (rf"\b(?:kil|hang|cut|harm|hurt|starve|poison|drown|burn|shot)(?:ing)?{W}{SELF}\b",
     "regex", "word", "self_harm", "block", ""),
    (rf"\bslit\w*{W}(?:\w+{W})?wrists?\b", "regex", "word", "self_harm", "block", ""),
    (r"\bcomit\w*[\W_]+suicide\b", "regex", "word", "self_harm", "block", ""),
    (r"\bself[\W_]*harm\w*|\bpro[\W_]*ana\b|\bthinspo\w*", "regex", "word", "self_harm", "flag",
     ""),
    # Glorification of mass violence.
    (near(MASS, GLORIFY), "regex", "word", "mass_violence", "block",
     "A mass attack near praise, tribute or a first-person view."),
    (rf"\b{MASS}\b", "regex", "word", "mass_violence", "flag",
     "Named alone (news, history): a person decides."),
]


def add_rules(apps, schema_editor):
    Rule = apps.get_model("moderation", "Rule")
    Rule.objects.bulk_create(
        Rule(pattern=p, kind=k, scope=s, category=c, action=a, notes=n)
        for p, k, s, c, a, n in RULES
    )


def remove_rules(apps, schema_editor):
    Rule = apps.get_model("moderation", "Rule")
    for p, k, s, c, a, n in RULES:
        Rule.objects.filter(pattern=p, kind=k, category=c).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_screening_rules_reports")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
