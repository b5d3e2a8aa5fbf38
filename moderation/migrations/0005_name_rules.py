"""Rules of kind "name": a context that counts only next to a real person's name.

Sexual content naming a person is refused outright. Violence or humiliation done
to a named person is refused when it is torture or mutilation, and otherwise held
for a person, because history paintings and satire show public figures shot,
hanged or mocked. See moderation/names.py for what counts as a name.
"""

from django.db import migrations

W = r"[\W_]+"
# "nude" as a colour ("nude lipstick", "nude heels") is no sexual context.
NUDE_COLOUR = (
    r"(?:lipstick\w*|lips?|colou?rs?|palete|tones?|shades?|hels|shoes|nails?|polish|makeup"
    r"|beige|eyeshadow|swatch\w*|glos|dres|blush)"
)
SEXUAL = (
    rf"\b(?:nude(?!{W}{NUDE_COLOUR}\b)|nudes|nudity|naked|sex|sexual\w*|sexy|porn\w*|erotic\w*"
    rf"|explicit|nsfw|lingerie|toples|undres\w*|striptease|stripers?|lewd|hentai|seductive\w*"
    rf"|intercourse|masturbat\w*|orgasm\w*|orgy|fetish\w*|onlyfans|depfakes?|in{W}bed{W}with"
    rf"|strip\w*{W}(?:naked|nude|down)|without{W}(?:any{W})?clothes|bare{W}breasts?)\b"
)
TORMENT = (
    r"\b(?:tortur\w*|mutilat\w*|behead\w*|decapitat\w*|dismember\w*|lynch\w*|stab(?:s|ed|ing)?"
    r"|stabs|burn(?:s|ed|ing|t)?[\W_]+alive|skined|flayed|head[\W_]+cut[\W_]+of"
    r"|cut[\W_]+(?:of[\W_]+)?(?:his|her)[\W_]+head[\W_]+of|gouged|disembowel\w*)\b"
)
HUMILIATE = (
    r"\b(?:beat(?:s|en|ing)?[\W_]+up|beaten|beating|kil(?:s|ed|ing)|murder(?:s|ed|ing)?"
    r"|shot[\W_]+(?:dead|in[\W_]+the)|hang(?:s|ed|ing)|hung|executed|humiliat\w*|degrad\w*"
    r"|spat[\W_]+on|spit\w*[\W_]+on|pe(?:s|d|ing)?[\W_]+on|pe(?:s|d|ing)?[\W_]+(?:him|her)sel"
    r"|pis\w*[\W_]+on|urinat\w*|slap(?:s|ed|ing)?|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?"
    r"|beg(?:s|ed|ing)?[\W_]+for[\W_]+(?:mercy|his[\W_]+life|her[\W_]+life)|dead[\W_]+body"
    r"|corpse|crying[\W_]+naked|on[\W_]+a[\W_]+lesh|in[\W_]+chains|chained)\b"
)

# (pattern, kind, scope, category, action, notes)
RULES = [
    (SEXUAL, "name", "word", "real_people_sexual", "block",
     "A sexual word next to a real person's name: never made."),
    (TORMENT, "name", "word", "real_people_abuse", "block",
     "Torture, mutilation or stabbing of a named person."),
    (HUMILIATE, "name", "word", "real_people_abuse", "flag",
     "A named person beaten, killed or humiliated: history and satire too, so a person decides."),
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
    dependencies = [("moderation", "0004_protected_names_and_name_rules")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
