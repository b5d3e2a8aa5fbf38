"""More meaning rules: injuries described in plain words, and what is done to a named person.

Written from README "Where art ends" and "Real people" and iterated against the
development prompts in tests/data/ (never against moderation/eval/). Regular
expressions match the normalised text: lowercase ASCII, repeated letters
collapsed ("blod", "skul", "stabed", "of" for "off").

Gore (category gore):
- refused: the injury itself described, without the word gore: blood spurting
  from a wound or an artery, a vessel or a finger severed, bones or organs laid
  bare, a body decomposing or eaten by maggots, skin or flesh peeled, torn or
  burned off, a skull crushed or split, a blade or a bullet in an eye or a skull,
  a body in a pool of blood, torn to pieces, pushed into a grinder;
- held: violence done to a person with no wound described (strangling, drowning,
  beating with a weapon, kicking to death, burning at the stake, bleeding to
  death), as 0003 draws the line;
- allowed: war, horror monsters (a zombie's rotting flesh), surgery, anatomy,
  butchery and the kitchen (fish guts, meat through a grinder), sport, history.

Real people (kind "name"): the context rule of 0005 that holds a named person
beaten, killed or humiliated read sport and everyday words as violence
("Serena Williams beating her sister in the final", "Ronaldo kicking a ball",
a portrait "hung" in a gallery, "executed a perfect vault", "killing it on
stage"). It is replaced, when staff have not edited it, by one that asks for
the person to be on the receiving end, and that knows more humiliations (a
diaper, a cage, a leash, covered in filth, spat or urinated on).
"""

import importlib

from django.db import migrations

# The rules as 0003 shipped them (a migration is never edited, so this is stable).
MEANING_0003 = importlib.import_module("moderation.migrations.0003_meaning_rules")

W = r"[\W_]+"  # a separator between words
WORDS = rf"(?:\w+{W})"  # one word and the separator after it
# An article. A lone "4" is how leetspeak writes "a", and the normaliser only
# decodes digits inside words that hold a letter ("4 m4n" reads "4 man").
ART = r"(?:a|an|the|4)"

# ---------------------------------------------------------------- gore
S = r"[\W_]"  # one separator (a look-behind must have a fixed width)
FAKE = rf"(?<!fake{S})(?<!stage{S})(?<!prop{S})"
NOT_FAKE = "".join(rf"(?<!{w}{S})" for w in "fake prop toy plastic ruber foam latex wax".split())
WOUND_SITE = (
    r"(?:wounds?|gash\w*|neck|throat|artery|arteries|stump|stumps|head|skul|mouth|ears|eyes?"
    r"|eye[\W_]+sockets?|chest|stomach|bely|torso|body|face|chek|wrists?|veins?|side|scalp"
    r"|severed\w*|socket|sockets|hole|holes|cut|cuts|limbs?)"
)
BLOOD_VERB = (
    r"(?:spurt\w*|gush\w*|spray\w*|squirt\w*|pump\w*|jet\w*|spew\w*|fountain\w*|pour\w*"
    r"|stream\w*|runing|ran|flow\w*|drain\w*|ozing|pouring)"
)
# Parts of a body that, laid bare, make the injury the subject.
INNER = (
    r"(?<!dinosaur[\W_])(?<!fosil[\W_])(?<!fish[\W_])(?<!whale[\W_])(?<!animal[\W_])"
    r"(?:bones?|skul|brains?|organs|intestines|entrails|guts|spine|spinal[\W_]+cord|windpipe"
    r"|tendons|viscera|jawbone|bone[\W_]+marow)"
)
NOT_MEDICAL = (
    r"(?!.{0,60}\b(?:surg\w*|operat\w*|anatom\w*|x[\W_]*rays?|medical|textbok|fosil\w*"
    r"|dinosaur\w*|museum|skeleton|model|diagram)\b)"
)
# A dead body, written so that a zombie's, a log's or an animal carcass is not one.
DEAD_BODY = (
    r"(?:corpses?|cadavers?|dead[\W_]+(?:body|bodies|man|woman|men|women|person|child|boy"
    r"|girl|baby|people|soldiers?)|(?:a|4|the|his|her|their)[\W_]+(?:dead[\W_]+)?bod(?:y|ies)"
    r"|human[\W_]+remains|victims?|bodies)"
)
DECAY = (
    r"(?:magots?|rot(?:s|ing|en|ed)?|decompos\w*|decay\w*|putri\w*|putref\w*|bloated"
    r"|festering|(?:swarming|crawling)[\W_]+with|infested|eaten[\W_]+by|half[\W_]+eaten"
    r"|gnawed|picked[\W_]+(?:at|clean|apart)|devoured|scavenged|peck\w*"
    r"|(?:with|in|by|of)[\W_]+flies|worms|larvae)"
)
# "a head of lettuce", "the belly of a fish", "the neck of a bottle" are no body parts.
BODY_PART = (
    r"(?:skul|skuls|head|heads|face|faces|chest|ribcage|stomach|bely|abdomen|torso|spine"
    r"|neck|jaw|knecaps?|knes|legs?|arms?|fingers?|teth|ears?|tongue|throat|eyes?|eyebal\w*"
    r"|brain|artery)(?![\W_]+of\b)"
)
INJURE = (
    r"(?:cracked[\W_]+open|split[\W_]+open|sliced[\W_]+open|slit[\W_]+open|riped[\W_]+(?:open|of"
    r"|out)|torn[\W_]+(?:open|of|out)|blown[\W_]+(?:of|open|apart)|caved[\W_]+in|crushed"
    r"|smashed[\W_]+(?:in|open|apart)|shatered|mangled|severed|hacked[\W_]+of|choped[\W_]+of"
    r"|saw(?:n|ed)[\W_]+of|cut[\W_]+open|snaped|pulped|burst[\W_]+open|caved)"
)
INSIDES = (
    r"(?<!fish[\W_])(?<!chicken[\W_])(?<!pig[\W_])(?<!cow[\W_])(?<!animal[\W_])"
    r"(?:intestines?|entrails|viscera|bowels|inards|guts(?![\W_]+to\b)|brains?"
    r"|brain[\W_]+mater|organs|insides|eyebal\w*)"
)
STREWN = (
    r"(?:strewn|scatered|everywhere|hanging[\W_]+(?:out|of|from)|dangling|spil\w*"
    r"|faling[\W_]+out|spread[\W_]+(?:out|acros|around)|al[\W_]+over|wraped[\W_]+around"
    r"|(?:puled|yanked|riped|torn|riping|puling)[\W_]+out|coiled|piled|draped)"
)
HUMAN = (
    r"(?:m[ae]n|wom[ae]n|person|people|someone|somebody|guy|girl|boy|child|children|kids?"
    r"|tenagers?|tens?|victims?|prisoners?|hostages?|strangers?|civilians?|homeles|wife"
    r"|husband|him|her|them|students?|neighbou?rs?|family|baby|body|bodies|corpses?"
    r"|nurse|patient|worker|soldier|captive)"
)
# A bolt through Frankenstein's neck, a pirate's knife in his mouth and Cupid's
# arrow through a heart are left out on purpose.
WEAPON = (
    r"(?:knife|knives|blade|dager|axe|machete|hatchet|sword|spear|arow|screwdriver|glas"
    r"|shard|spike|pole|bulet|ice[\W_]+pick|scisors)"
)
PIERCED = (
    r"(?:eye|eyes|eyebal\w*|throat|neck|skul|face|chest|stomach|bely|gut|guts|groin|temple"
    r"|brain|spine|head)"
)
# People (no pronouns: "her dress torn to shreds" is no injury).
PEOPLE = (
    r"(?:m[ae]n|wom[ae]n|person|people|child|children|boy|girl|baby|victims?|body|bodies"
    r"|corpses?|soldiers?|prisoners?|swimers?|hikers?|strangers?|civilians?)"
)

GORE = [
    (rf"{FAKE}\b(?:blod|pus){W}{WORDS}?{BLOOD_VERB}{W}(?:from|out{W}of|out|down|of){W}{WORDS}{{0,3}}"
     rf"{WOUND_SITE}\b", "block",
     "Blood coming out of a wound or a body: 'blood spurting from a severed artery'."),
    (rf"{FAKE}\b(?:spurt\w*|gush\w*|spray\w*|squirt\w*|spew\w*|fountains?|geysers?|jets?)"
     rf"{W}(?:of{W})?blod\b|\barterial{W}(?:spray|blod|bleding|spurt\w*|gush\w*)\b"
     rf"|{FAKE}\bblod{W}(?:spurt\w*|gush\w*|squirt\w*|spew\w*)\b"
     rf"|{FAKE}\bblod{W}pump\w*{W}(?:out|from|onto|everywhere)\b", "block",
     "Blood spurting or gushing: words used only for an open wound ('a heart pumping "
     "blood' passes)."),
    (rf"\b(?:wounds?|gash\w*|stumps?|sockets?)\b{W}{WORDS}?(?:ozing|gushing|spurting|pouring"
     rf"|spewing|pumping|weping|leaking|driping|festering){W}{WORDS}?(?:blod|pus)\b", "block",
     "A wound oozing blood or pus."),
    (rf"\b(?:blod|bones?|brains?|flesh|guts|gore)\b{W}and{W}(?:blod|bones?|brains?|flesh|guts"
     rf"|gore)\b{W}{WORDS}?(?:everywhere|al{W}over|splatered|spatered|sprayed|scatered"
     rf"|on{W}the{W}(?:wal|wals|flor|ceiling))\b", "block",
     "Blood and bone everywhere ('flesh and blood' alone is an idiom)."),
    (rf"(?<!fake{S})(?<!prop{S})(?<!toy{S})(?<!plastic{S})(?<!ruber{S})\bsever(?:ed|ing|s)?"
     rf"{W}{WORDS}?(?:artery|arteries|jugular|carotid|aorta|veins?"
     rf"|spinal{W}cord|windpipe|tendons?|fingers?|toes?|ears?|tongue|nose|fet|fot|hand"
     rf"|penis|genitals|torso|neck)\b|\b(?:artery|arteries|jugular|carotid|aorta|windpipe"
     rf"|fingers?|toes?|ears?|tongue)\b{W}{WORDS}?(?:severed|sliced|slit|cut{W}of)\b",
     "block", "A vessel, a finger or an ear severed."),
    (rf"\b(?:exposed|protruding|juting|poking{W}(?:out|through)|sticking{W}out){W}{WORDS}?"
     rf"{INNER}\b{NOT_MEDICAL}|\b{INNER}{W}{WORDS}?(?:exposed|protruding|juting"
     rf"|poking{W}(?:out|through)|sticking{W}out|showing{W}through|pierc\w*{W}(?:the{W})?skin"
     rf"|through{W}the{W}skin)\b{NOT_MEDICAL}", "block",
     "Bones or organs laid bare: 'the bone poking through the skin'. Surgery, anatomy and "
     "fossils pass."),
    (rf"(?<!zombie{S})\b{DEAD_BODY}\b.{{0,40}}\b{DECAY}\b"
     rf"|\b(?:rot(?:ing|en)|decompos\w*|decay\w*|putri\w*|putref\w*|bloated|festering"
     rf"|magot{W}infested|half{W}eaten){W}{WORDS}?(?:corpses?|cadavers?|bodies|body"
     rf"|remains)\b", "block",
     "A dead body decomposing or eaten: 'a corpse eaten by maggots'. A zombie, a log or an "
     "animal's carcass is no dead body here."),
    (rf"\bmagots?{W}{WORDS}{{0,3}}(?:in|on|out{W}of|over|through|from|inside|into){W}"
     rf"{WORDS}{{0,2}}(?:flesh|wounds?|corpses?|body|bodies|eyes?|face|skul|mouth|leg|arm"
     rf"|remains)\b", "block", "Maggots in a wound or a body."),
    (rf"\b(?:rats?|dogs?|crows?|vultures?|pigs?|worms|insects|magots|wolves|animals|coyotes"
     rf"|jackals|hyenas|foxes|buzards|crabs|sharks)\b{W}"
     rf"{WORDS}?(?:eating|eat|ate|feasting{W}on|feding{W}on|gnawing{W}(?:on|at)|picking{W}at"
     rf"|devouring|chewing{W}on|tearing{W}at|peck\w*{W}(?:at|out)){W}"
     rf"(?:(?:a|an|the|4|his|her|their|its|dead|human){W}){{0,2}}"
     rf"(?:corpses?|dead|body|bodies|flesh|face|remains|m[ae]n|wom[ae]n|child|person|baby"
     rf"|eyes)\b", "block", "Animals eating a person or a body."),
    (rf"\b(?:skin|flesh|scalp)\b{W}{WORDS}?(?:peled|peling|torn|riped|sliced|flayed|melting"
     rf"|melted|sloughing|blistering|burned|burnt|chared|striped)(?:{W}\w+)?{W}(?:of|away"
     rf"|back|from|to{W}the{W}bones?)\b(?!.{{0,40}}sunburn)", "block",
     "Skin or flesh peeled, torn or burned off: 'the flesh peeled off his arm'."),
    (rf"\b{BODY_PART}\b{W}{WORDS}{{0,2}}{INJURE}\b{NOT_MEDICAL}"
     rf"|{NOT_FAKE}\b{INJURE}{W}{WORDS}{{0,3}}{BODY_PART}\b{NOT_MEDICAL}", "block",
     "A body part crushed, split, cracked or torn off: 'his skull cracked open'."),
    (rf"\b(?:body|bodies|torso|corpses?|victims?)\b{W}{WORDS}{{0,2}}(?:cut|sliced|sawn|sawed"
     rf"|torn|split|choped|severed|riped){W}in(?:to)?{W}(?:half|two|pieces)\b", "block",
     "A body cut in two (a magician sawing someone in half is not written this way)."),
    (rf"\bimpal\w*{W}{WORDS}{{0,4}}(?:through|in|into){W}(?:the{W}|his{W}|her{W}|their{W})?"
     rf"{PIERCED}\b|\b{WEAPON}s?{W}{WORDS}{{0,3}}(?:plunged|buried|lodged|embeded|stuck"
     rf"|sticking|driven|jamed|ramed|shoved|thrust|twisting|twisted|through|into|in){W}"
     rf"{WORDS}{{0,3}}"
     rf"{PIERCED}\b|\bstab(?:s|ed|ing)?{W}in{W}the{W}{PIERCED}\b", "block",
     "A blade, a spike or a bullet in an eye, a throat or a skull. 'Stabbed in the back' and "
     "an arrow through a heart pass."),
    (rf"\b(?:bulet|bulets|shot|round|gunshot)\w*{W}{WORDS}{{0,2}}(?:burst\w*|through|into"
     rf"|exploding|tearing|riping){W}{WORDS}{{0,3}}(?:skul|brain|eye|eyes|face|jaw|throat)\b",
     "block", "A bullet through a skull or a face."),
    (rf"\b(?:lying|lay|lies|slumped|sprawled|floating|face{W}down|body|bodies|corpses?|dead"
     rf"|victims?)\b{W}{WORDS}{{0,2}}in{W}(?:{ART}{W})?(?:pol|pols|pudle|pudles){W}of{W}"
     rf"(?:(?:his|her|their){W}own{W})?blod\b", "block", "A body in a pool of blood."),
    (rf"\b(?:blow\w*|blew|blown){W}{WORDS}?(?:brains?|head|face){W}(?:out|of|apart)\b"
     rf"|\bbrains?{W}(?:blown|blew)\w*{W}out\b|\bbrains?{W}(?:on|acros|over|al{W}over"
     rf"|splatered|splashed){W}{WORDS}?(?:the{W})?(?:wal|wals|flor|pavement|ground"
     rf"|windshield|car|stret|road|sidewalk|dashboard|ceiling)\b", "block",
     "Brains blown out or on the pavement."),
    (rf"\b{INSIDES}\b{W}{WORDS}{{0,2}}{STREWN}\b{NOT_MEDICAL}"
     rf"|\b{STREWN}{W}{WORDS}{{0,2}}{INSIDES}\b{NOT_MEDICAL}",
     "block", "Organs or brains strewn about ('fish guts' and a pig's are butchery)."),
    (rf"\b(?:torn|tore|riped|blown|hacked|cut|choped|shreded|riping|tearing)\w*{W}"
     rf"(?:(?:in)?to{W}(?:pieces|bits|shreds|ribons|chunks)|limb{W}from{W}limb)\b"
     rf".{{0,40}}\b{PEOPLE}\b|\b{PEOPLE}\b.{{0,40}}\b(?:torn|tore|riped|blown|hacked|cut"
     rf"|choped|shreded|riping|tearing)\w*{W}(?:(?:in)?to{W}(?:pieces|bits|shreds|ribons"
     rf"|chunks)|limb{W}from{W}limb)\b", "block",
     "A person torn to pieces or limb from limb ('a family torn apart' is no injury)."),
    (rf"\b(?:tearing|tore|riping|riped|torn){W}{ART}{W}{WORDS}?{PEOPLE}{W}apart\b"
     rf"|\b{PEOPLE}\b{W}{WORDS}?(?:torn|riped){W}apart{W}by{W}(?:{ART}{W})?(?:sharks?"
     rf"|wolves|dogs|lions?|bears?|zombies|animals|mob|explosion|bomb|blast|shel|grenade"
     rf"|machine)\b", "block", "A person torn apart by an animal, a mob or a blast."),
    (rf"\b(?:sawing|hacking|choping|cuting|slicing|tearing|riping|biting|chewing){W}of{W}"
     rf"(?:his|her|their|{ART}){W}(?:(?:victim|m[ae]n|wom[ae]n|person|prisoner|captive|hostage"
     rf"|boy|girl|child)\w*(?:{W}s)?{W})?{BODY_PART}\b", "block",
     "Sawing or cutting a part off a person ('cutting off the head of a fish' passes)."),
    (rf"\b(?:pieces|chunks|bits|lumps)\b{W}of{W}(?:{ART}{W})?(?:human{W})?(?:body"
     rf"|bodies|flesh|corpse|victim|skul|brain)\b|\bbody{W}parts{W}{WORDS}?(?:scatered|strewn"
     rf"|everywhere|al{W}over|lying)\b", "block", "Pieces of a body scattered."),
    (rf"\b(?:exploded|blown{W}up|chared|dismembered|decapitated|headles|limbles"
     rf"|disfigured|mutilated|burned|burnt|skined|flayed|mangled|guted)\b{W}"
     rf"(?:(?:human{W})?(?:body|bodies|corpses?|torso)|human{W}remains|remains{W}of{W}"
     rf"(?:{ART}{W})?(?:m[ae]n|wom[ae]n|person|child|victims?|soldiers?|pilot|driver))\b",
     "block",
     "A body described by what was done to it: 'a headless body', 'charred remains'."),
    (rf"\bacid\b{W}{WORDS}{{0,2}}(?:thrown|poured|splashed|flung|atack\w*)\b"
     rf"|\b(?:throw\w*|threw|pour\w*|splash\w*|fling\w*|flung){W}acid\b"
     rf"|\b(?:face|skin)\b{W}{WORDS}{{0,2}}(?:burned|melted|melting|disfigured|eaten){W}"
     rf"(?:away{W})?by{W}acid\b", "block",
     "An acid attack on a face."),
    (rf"\b(?:hand|arm|leg|fot|head|body|m[ae]n|wom[ae]n|person|child|him|her|victim)\b{W}"
     rf"{WORDS}{{0,3}}(?:into|in|through){W}{ART}{W}(?:meat{W}grinder|wod{W}chiper"
     rf"|grinder|chiper|blender|propeler|turbine|shreder|mincer)\b", "block",
     "A person pushed into a grinder or a wood chipper (beef through a grinder passes)."),
    (rf"\bblody{W}pulp\b|\b(?:face|head|skul|body|him|her)\b{W}{WORDS}{{0,3}}(?:smashed"
     rf"|beaten|bashed|pounded|crushed|stomped|kicked)\b{W}{WORDS}{{0,2}}(?:in)?to{W}(?:{ART}{W})?"
     rf"(?:pulp|mush)\b|\b(?:beaten|smashed|disfigured|mangled)\b{W}{WORDS}{{0,3}}"
     rf"(?:unrecogni[sz]able|beyond{W}recognition)\b", "block",
     "A face beaten to a pulp or beyond recognition."),
    (rf"\b(?:pul\w*|yank\w*|rip\w*|tear\w*){W}(?:out{W})?(?:his|her|their){W}(?:fingernails"
     rf"|nails|tongue|eyes)\b|\b(?:his|her|their){W}(?:fingernails|nails|tongue|eyes){W}"
     rf"(?:being{W})?(?:puled|yanked|riped|torn){W}out\b", "block",
     "Nails, a tongue or eyes torn out of a person (a dentist pulling teeth passes)."),
    (rf"\b(?:eyes?|eyebal\w*)\b{W}{WORDS}?(?:peck\w*|pluck\w*|gouged|scoped|torn|riped"
     rf"|hanging|dangling){W}out\b|\beyebal\w*{W}{WORDS}?(?:dangling|hanging)\b", "block",
     "An eye torn out or hanging from its socket."),
    # Violence done to a person, no wound described: held, as 0003 draws the line.
    (rf"\b(?:strangl\w*|chok(?:es|ed|ing)|sufocat\w*|smother\w*|drown(?:s|ed|ing))\b{W}"
     rf"(?:a|an|the|4|his|her|their|another|two|thre){W}{WORDS}?{HUMAN}\b", "flag",
     "Strangling or drowning a person ('a drowning child' being saved passes)."),
    (rf"\b(?:kick\w*|beat\w*|stomp\w*|clubed|clubing|bludgeon\w*|stab\w*|hack\w*|ston\w*"
     rf"|burn\w*|crush\w*|strangl\w*|chok\w*|starv\w*|tortur\w*){W}{WORDS}{{0,3}}to{W}death\b",
     "flag", "Killing someone by violence: 'kicking a homeless man to death'."),
    (rf"\b(?:beaten|clubed|bludgeoned|bashed){W}{WORDS}{{0,2}}with{W}(?:{ART}{W})?"
     rf"(?:basebal{W})?(?:bat|hamer|crowbar|pipe|brick|club|chain|tire{W}iron|golf{W}club"
     rf"|stick|fists|belt|whip|rifle{W}but)s?\b", "flag",
     "A person beaten with a weapon (no wound described)."),
    (rf"\b(?:stab(?:s|ed|ing)|slash(?:es|ed|ing)|executing|knifing|hacking{W}at"
     rf"|bludgeoning|mauling){W}{WORDS}{{0,2}}(?:{ART}{W})?(?:\w+{W})?(?:tenagers?|tens?"
     rf"|prisoners?|captives?|hostages?|victims?|nurse|patient|child|children|woman|man"
     rf"|girl|boy|stranger|civilians?)\b", "flag",
     "Stabbing, slashing or executing a person (no wound described)."),
    (rf"\b(?:bled|bleding|bleds){W}(?:out|to{W}death|dry)\b|\bbleding{W}(?:profusely|heavily)\b",
     "flag", "A person bleeding to death."),
    (rf"\b(?:burn\w*|roast\w*){W}(?:alive|at{W}the{W}stake)\b|\beaten{W}alive{W}by{W}"
     rf"(?:{ART}{W})?(?:wolves|sharks?|zombies|dogs|rats|lions?|bears?|tigers?|crocodiles?"
     rf"|aligators?|piranhas|canibals|animals|wild{W}\w+)\b", "flag",
     "Burned or eaten alive: history and horror have it, so a person decides."),
    (rf"\b(?:snap\w*|broke|breaking|broken){W}(?:his|her|their|{ART}{W}\w+{W}s){W}"
     rf"(?:neck|spine)\b|\b(?:his|her|their){W}(?:neck|spine){W}(?:snaped|broke|broken)\b",
     "flag",
     "A broken neck or spine."),
]

# A body-part word that names something else when the word before says so:
# a treasure chest, a clock face, a sugar skull, a guitar neck, chicken legs.
NOT_A_BODY = "".join(
    rf"(?<!{w}{S})(?<!{w}{S}s{S})"  # "chicken legs" and "a chicken's legs"
    for w in (
        "fake prop toy plastic ruber foam latex wax dol statue manequin robot zombie halowen "
        "chicken lamb pork bef turkey duck pig frog fish crab cow ram bul der sugar candy "
        "crystal treasure tea ice war hope clif clock rock stone watch coin mountain shower "
        "hamer drum bed nail pin arow axe spear comb gear saw zip chair sofa table botle "
        "guitar violin bok fruit mango"
    ).split()
)
GORE_PART = (
    rf"{NOT_A_BODY}\b(?:face|faces|head|heads|skul|skuls|eyes?|eyebal\w*|jaw|teth|tongue|throat"
    rf"|neck|chest|stomach|bely|guts|intestines|arms?|legs?|hands|fingers|fet|limbs|torso|spine"
    rf"|ribs|ribcage|flesh|bones?|scalp|ears|stumps?)\b(?!{W}of\b)"
)
# What was done to it, read after the part ("his arm ripped clean off") ...
HURT_AFTER = (
    rf"(?:severed|riped{W}(?:clean{W})?(?:of|out|open|apart)|torn{W}(?:clean{W})?(?:of|out"
    rf"|open|apart)|blown{W}(?:clean{W})?(?:of|apart|open|away)|(?:sliced|slit|cut|split"
    rf"|cracked){W}open|caved{W}in|gouged{W}out|impaled|mangled|mutilated|flayed|skined"
    rf"|smashed{W}(?:in|open)|shatered|chared|pulped|hacked{W}(?:of|apart)|choped{W}of"
    rf"|saw(?:n|ed){W}of|crushed)"
)
# ... or before it ("tore off his arm", "slicing open an eyeball"); "blown off his
# head" is left out (a hat in the wind), and so is a patient's chest.
HURT_BEFORE = (
    rf"(?:(?<!fake{S})(?<!prop{S})severed|(?:riped|riping|tore|tearing|torn){W}(?:of|out|open)"
    rf"|(?:sliced|slicing|slit|sliting|cut|cuting|split|spliting|cracked|cracking){W}open"
    rf"|caved{W}in|gouged{W}out|gouging{W}out|impaled|mangled|mutilated|flayed|skined"
    rf"|smashed{W}in|shatered|chared|(?:hacked|hacking|choped|choping|sawn|sawed|sawing){W}of)"
)
SPORT_AFTER = (
    rf"{W}(?:\w+{W}){{0,3}}(?:in|at){W}(?:the{W}|a{W})?(?:finals?|match|game|race|ches"
    rf"|tenis|poker|cards|semifinals?|tournament|championship|olympics|pols|election|set|round"
    rf"|cup|league|wimbledon)\b"
)

GORE += [
    (rf"{GORE_PART}{W}{WORDS}{{0,2}}{HURT_AFTER}\b{NOT_MEDICAL}"
     rf"|\b{HURT_BEFORE}{W}(?!{WORDS}{{0,2}}patient)(?:{WORDS}{{0,3}}){GORE_PART}{NOT_MEDICAL}",
     "block", "A part of a body torn, cut, crushed or burned, in either order: 'his arm "
     "ripped clean off', 'slicing open an eyeball'. A treasure chest, a clock face, a "
     "chicken's legs, a patient's chest and fake or prop limbs pass."),
    (rf"\b(?:his|her|their|human)\b{W}(?:\w+{W})?(?:skin|flesh)\b{W}{WORDS}?(?:bubling|blistering|charing"
     rf"|chared|melting|sloughing|blackened|peling|sliding|torn|riped)\b(?!.{{0,40}}\bsun)",
     "block",
     "A person's skin blistering, melting or peeling (a sunburn and roast pork pass)."),
    (rf"\b(?:jaw|face|skin|flesh|scalp|eyebal\w*|eye)\b{W}{WORDS}?(?:hanging|dangling){W}"
     rf"(?:of|lose|by{W}a{W}thread)\b|\bhalf{W}(?:of{W})?(?:his|her|their|the|its){W}"
     rf"(?:face|head|skul|jaw)\b{W}{WORDS}?(?:mising|gone|blown{W}away|torn{W}away)\b",
     "block", "A jaw hanging off, half a face missing."),
    (rf"\b(?:heads|limbs|body{W}parts|torsos|severed{W}\w+)\b{W}and{W}(?:heads|limbs|torsos"
     rf"|body{W}parts|guts|organs)\b", "block", "Heads and limbs together: a massacre's remains."),
    (rf"\b(?:pile|piles|heap|heaps|mound|mounds|stack|stacks){W}of{W}(?:human{W}|dead{W})?"
     rf"(?:heads|limbs|bodies|corpses|body{W}parts)\b|\b(?:pol|pols|pudle|pudles){W}of{W}"
     rf"(?:fresh{W})?blod\b", "flag",
     "A pile of bodies or a pool of blood with no body described: war and horror have them, so "
     "a person decides."),
    (rf"\b(?!saw\w*{W}(?:a|the|his){W}(?:\w+{W})?(?:wom[ae]n|lady|girl|asistant){W}in{W}half)"
     rf"(?:cut\w*|saw\w*|slic\w*|chop\w*|hack\w*|split\w*|torn|tore|riped|riping){W}"
     rf"(?:\w+{W}){{0,3}}?{PEOPLE}{W}(?:in|into){W}(?:half|two|pieces)\b", "block",
     "A person cut in two (a magician sawing his assistant in half is no injury)."),
    (rf"\b{HUMAN}\b{W}(?:\w+{W}){{0,2}}?(?:(?:being|was|is|gets|got|geting){W})?"
     rf"(?:drowned|hanged|strangled|lynched|executed(?!{W}(?:a|an|the|his|her|their|4"
     rf"|perfect\w*|flawles\w*)\b)|murdered|butchered|slaughtered|masacred|beaten{W}to{W}death"
     rf"|stabed|shot{W}dead|buried{W}alive|garoted)\b", "flag",
     "A person on the receiving end of a killing ('a hostage being executed', 'a prisoner "
     "hanged in his cell'); 'executed a perfect dive' passes."),
    (rf"\b(?:smash\w*|bash\w*|pound\w*|stomp\w*|stamp\w*|kick\w*){W}(?:(?:his|her|their|{ART})"
     rf"{W})?(?:\w+{W}(?:s{W})?)?(?:head|face|skul)\b{W}(?:\w+{W}){{0,2}}?(?:against|into|on|onto"
     rf"|in)\b", "flag", "A head smashed against a wall or stamped on."),
]

# Broader, by concept: an injury word next to the part of a body it is done to.
BLEEDING = (
    rf"{FAKE}(?:bleding|blody|blodied|blod{W}soaked|covered{W}in{W}blod|ful{W}of{W}blod"
    rf"|blod{W}(?:pouring|streaming|runing|gushing|spurting|driping))"
)
BLEEDING_PART = (
    rf"{NOT_A_BODY}\b(?:head|face|skul|eyes?|mouth|throat|neck|chest|stomach|stumps?|wounds?"
    rf"|limbs|torso|body|bodies|corpses?|jaw|ears|scalp|bathtub)\b(?!{W}of\b)"
)
TARGET = (
    rf"(?:{HUMAN[3:-1]}|protesters?|demonstrators?|rioters?|suspects?|inmates?|refuges?"
    rf"|migrants?|journalists?|rival|rivals|victim)"
)
GORE += [
    (rf"\b{BLEEDING}\b{W}{WORDS}{{0,3}}{BLEEDING_PART}|{BLEEDING_PART}{W}{WORDS}{{0,3}}"
     rf"{BLEEDING}\b", "block",
     "A bleeding or bloody part of a body: 'the bloody stump', 'a body in a bathtub full of "
     "blood' (fake blood and a bloody nose pass)."),
    (rf"\b(?:sewn|stitched|stapled|nailed|glued){W}shut\b|\b(?:brains?|guts|intestines|organs"
     rf"|entrails)\b{W}{WORDS}?(?:leaking|ozing|seping|pouring|driping)\b", "block",
     "Lips sewn shut, brains leaking out."),
    (rf"\b(?:slash\w*|slic(?:ing|ed)|slit\w*|gash\w*|slicing{W}through|cuting{W}through"
     rf"|hacking{W}through|choping{W}through|sawing{W}through){W}(?:(?:his|her|their|{ART}){W})?"
     rf"(?:\w+{W}(?:s{W})?)?(?:face|throat|neck|eyes?|eyebal\w*|chek|wrists?)\b"
     rf"(?!{W}of\b){NOT_MEDICAL}", "block",
     "A blade drawn across a face or a throat: 'a knife slicing a man's face'."),
    (rf"\b{PEOPLE}\b{W}{WORDS}{{0,2}}(?:impaled|skewered|decapitated|crushed{W}to{W}death"
     rf"|torn{W}to{W}pieces)\b|\b(?:tear\w*|rip\w*|blow\w*|blew|hack\w*|chop\w*|cut\w*"
     rf"|shred\w*){W}(?:\w+{W}){{0,3}}?{PEOPLE}\b{W}(?:in)?to{W}(?:pieces|bits|shreds|ribons"
     rf"|chunks)\b|\b(?:head|heads){W}rol(?:ing|ed|s)?{W}(?:away|acros|on|down|of)\b",
     "block", "A person impaled or torn to pieces; a head rolling away."),
    (rf"\b(?:hok|hoks|rebar|spike|spikes|pole){W}{WORDS}{{0,2}}(?:through|into){W}"
     rf"(?:(?:his|her|their|{ART}){W})?(?:\w+{W}(?:s{W})?)?(?:jaw|chek|chest|stomach|skul|eye)\b",
     "block", "A hook or a spike through a jaw or a chest."),
    (rf"\b(?:(?:being|was|is|gets|got|geting){W}(?:hacked|stoned|bludgeoned|clubed|whiped"
     rf"|floged|tortured|stabed|asaulted|atacked|beaten(?!{SPORT_AFTER}))|(?:stoning|whiping"
     rf"|floging|lynching|beheading|executing|strangling|beating(?!{SPORT_AFTER})|stabing"
     rf"|hacking{W}at|hacking|clubing|bludgeoning|kicking|torturing){W}(?:{ART}|his|her|their|two"
     rf"|thre){W}{WORDS}?{TARGET}\b(?!{SPORT_AFTER}))", "flag",
     "Violence done to a person, with no wound described: 'a crowd stoning a woman', 'a man "
     "being hacked with a machete', 'police beating a protester'."),
    (rf"\b(?:his|her|their){W}teth{W}{WORDS}?(?:knocked{W}out|smashed|kicked{W}in|puled{W}out"
     rf"|riped{W}out)\b", "flag", "Teeth knocked out."),
]

# A safety net under the rules above: any part of a body within about half a
# sentence of any injury word is held for a moderator, unless the prompt says
# it is fake, a prop, horror make-up, medicine, cooking or hunting. It only
# holds (never refuses), because it reads words, not what they describe.
NET_EXCEPT = (
    r"^(?!.*\b(?:fake|prop|props|costume|costumes|makeup|make[\W_]+up|halowen|zombies?|surg\w*"
    r"|operat\w*|doctor|nurse|medical|medic|patient|hospital|x[\W_]*rays?|anatom\w*|dentist"
    r"|vet|chef|kitchen|recipe|cok\w*|butcher\w*|steak|meat|fish|chicken|hunter|hunting|taxiderm\w*"
    r"|museum|statue|painting|manequin|dol|dols|toy|toys|blod[\W_]+(?:test|donation"
    r"|drive|bank|type|presure|sugar|vesels?|mon|orange|mary))\b)"
)
NET_PART = (
    r"(?:face|faces|head|heads|skul|skuls|eyes?|eyebal\w*|jaw|teth|tongue|lips|throat|neck"
    r"|chest|stomach|bely|abdomen|guts|intestines|entrails|organs|insides|brains?|arms?|legs?"
    r"|hands?|fingers?|fet|limbs|torso|spine|ribs|flesh|bones?|scalp|skin|wounds?|stumps?"
    r"|corpses?|cavity)(?![\W_]+of\b)"
)
# Words with everyday senses next to a body part are left out: ripped arms,
# crushed grapes, spilling one's guts, legs dangling, cracked lips, flesh and
# blood, a slit up the leg, an axe in his hands.
NET_HURT = (
    r"(?:blody|bleding|bled|gore|gory|stab\w*|slash\w*|impaled|severed|amputated|mangled"
    r"|mutilated|disfigured|shatered|torn|peled|flayed|skined|burned(?![\W_]+by[\W_]+the[\W_]+sun)"
    r"|chared|melted|melting|blistering|roting|roten|decay\w*|decompos\w*|magots|squezed"
    r"|gouged|hacked|choped|sawn|exploded|emptied|bruises|bruised|pus|ozing|gaping|festering)"
)
GORE += [
    (rf"{NET_EXCEPT}.*?(?:\b{NET_PART}\b.{{0,50}}\b{NET_HURT}\b|\b{NET_HURT}\b.{{0,50}}\b"
     rf"{NET_PART}\b)", "flag",
     "Safety net: a part of a body next to an injury word, held for a moderator (the match "
     "starts at the beginning of the prompt). Fake blood, props, zombies, medicine, cooking, "
     "hunting and museums are left to the rules above."),
]

# Mass violence: a vehicle driven into a crowd, in words 0003 did not list.
MASS = [
    (rf"\b(?:car|truck|van|lory|bus|suv|vehicle|tractor)s?\b{W}{WORDS}{{0,3}}(?:plough\w*"
     rf"|plow\w*|caren\w*|smash\w*|crash\w*|ram(?:s|ed|ing)?|driv\w*|sped|speding|mow\w*)"
     rf"{W}{WORDS}{{0,2}}(?:into|through|down){W}{WORDS}{{0,2}}(?:crowds?|people|pedestrians"
     rf"|shopers|protesters|marchers|children|students|tourists|spectators|worshipers)\b",
     "block", "A vehicle driven into people ('a truck ploughing into a crowd')."),
]

# ---------------------------------------------------------------- real people
SEXUAL_MORE = (
    rf"\b(?:having{W}sex|sex{W}with|fuck\w*|blowjob\w*|blow{W}job|handjob\w*|tits|tities|bobs"
    rf"|pusy|cock|horny|aroused|cum{W}(?:shot|on)|cumshot|spread(?:ing|s)?{W}(?:her|his|their)"
    rf"{W}legs|bent{W}over{W}naked|on{W}al{W}fours|strip{W}tease|striping|breasts?{W}exposed"
    rf"|exposed{W}breasts?|niples?|genitals?|penis|vagina|dick{W}pics?|leaked{W}nudes|nudes"
    rf"{W}leaked|grop(?:e|es|ed|ing)|fondl\w*|moaning|orgasm\w*|bare{W}(?:as|but|bum|botom)"
    rf"|but{W}naked|nip{W}slip|upskirt|wardrobe{W}malfunction)\b"
)
SUGGESTIVE = (
    rf"\b(?:(?:in|wearing){W}(?:only{W})?(?:her{W}|his{W}|their{W}|a{W})?(?:underwear|panties"
    rf"|thong|bra|briefs)|making{W}out)\b"
)
TORMENT_MORE = (
    rf"\b(?:waterboard\w*|burn(?:ed|ing|t)?{W}alive|skined{W}alive|flay\w*|impaled"
    rf"|electrocut\w*|pul(?:ed|ing){W}(?:out{W})?(?:his|her){W}(?:teth|fingernails|nails)"
    rf"|eyes{W}gouged|gouging|cut{W}(?:of{W})?(?:his|her){W}(?:fingers|ears|tongue|nose)"
    rf"|stabed{W}to{W}death|stab{W}wounds)\b"
)
# A named person on the receiving end of violence or humiliation: held.
VICTIM_VERB = (
    r"(?:beaten|beat[\W_]+up|punched|kicked|slaped|hit|atacked|asaulted|shot|stabed|choked"
    r"|strangled|kiled|murdered|executed|hanged|lynched|whiped|spanked|mocked|humiliated"
    r"|spat[\W_]+on|pe[\W_]+on|pised[\W_]+on|kidnaped|abducted|tortured|burned|drowned"
    r"|run[\W_]+over|slaughtered|butchered|asasinated|guilotined|beheaded|decapitated"
    r"|tied[\W_]+up|arested[\W_]+and[\W_]+beaten|lynched|bulied|degraded|crushed|bombed)"
)
HUMILIATE_V2 = (
    rf"\b(?:beat(?:s|en|ing)?{W}up|beaten{W}(?:to{W}death|blody|senseles\w*|unconscious"
    rf"|black{W}and{W}blue|with)|(?:being|geting|gets|got|get){W}{VICTIM_VERB}"
    rf"|beaten(?!{SPORT_AFTER})(?!{W}by{W}\w+{W}(?:in|at)\b)|bruised|batered|blodied"
    rf"|executed(?!{W}(?:a|an|the|his|her|their|4|perfect\w*|flawles\w*)\b)"
    rf"|(?:a|4|brutal){W}beating|beating{W}(?:him|her|them){W}(?:up|to{W}death|senseles\w*|unconscious|with)|kil(?:s|ed|ing)\b(?!{W}it\b)"
    rf"|murder(?:s|ed|ing)?|asasinat(?:ed|ing)|shot{W}(?:dead|to{W}death|in{W}the{W}(?:head"
    rf"|face|chest|back|heart|neck|stomach|gut|leg|arm)|by{W}{ART}{W}(?:sniper|gunman"
    rf"|police|soldier|firing))|gun(?:ed)?{W}down|{ART}{W}gun{W}(?:to|against|pointed{W}at){W}"
    rf"(?:his|her|their){W}(?:head|face|temple)|hanged|hanging{W}(?:from|by{W}the{W}neck"
    rf"|on{W}the{W}galows)|hung{W}(?:from{W}{ART}|by{W}the{W}neck)|nose{W}(?:around|round)|galows|executed{W}(?:by"
    rf"|in{W}public)|publicly{W}executed|firing{W}squad|electric{W}chair|guilotin\w*"
    rf"|humiliat\w*|degrading|spat{W}on|spit\w*{W}on|pe(?:s|d|ing)?{W}on"
    rf"|(?:pe(?:s|d|ing)?|pis\w*|shit\w*|shat|pop\w*|wet\w*|soil\w*){W}(?:him|her|them)sel\w*"
    rf"|pis\w*{W}on|urinat\w*|covered{W}in{W}(?:pop|po|feces|faeces|shit|vomit|garbage|trash"
    rf"|excrement|urine|pis|sewage|dung)|vomit\w*{W}(?:on|al{W}over)|slap(?:s|ed|ing)?"
    rf"|punched|punch(?:es|ing)?{W}(?:in{W}the|him|her|them)|kick(?:s|ed|ing)?{W}(?:in{W}the{W}"
    rf"(?:face|head|stomach|gut|groin|teth|ribs|bals)|him|her|them|to{W}death)"
    rf"|strangl\w*|chok(?:ed|ing){W}to{W}death|smothered|sufocat\w*|drown(?:ed|ing)"
    rf"|beg(?:s|ed|ing)?{W}for{W}(?:mercy|his{W}life|her{W}life|their{W}lives)"
    rf"|dead{W}body|corpse|(?:lying|lies|lay|found|fals|fel|droping|droped|is|was|as{W}{ART}){W}dead"
    rf"|crying{W}naked|on{W}{ART}{W}leash|in{W}chains|chained(?:{W}up)?|tied{W}up|bound{W}and{W}gaged"
    rf"|gaged|kidnap\w*|abducted|held{W}hostage|taken{W}hostage|in{W}{ART}{W}(?:cage|dog{W}colar)"
    rf"|caged|locked{W}(?:up{W})?in{W}{ART}{W}cage|(?:in|wearing){W}(?:{ART}{W})?diapers?|diapered"
    rf"|mocked|ridiculed|laughed{W}at|pelted{W}with|thrown{W}(?:of|from|out{W}of){W}{ART}"
    rf"{W}(?:building|rof|roftop|bridge|window|balcony|clif|tower|plane|helicopter)"
    rf"|pushed{W}(?:of|from){W}{ART}{W}(?:building|rof|roftop|bridge|window|balcony|clif)"
    rf"|hit{W}by{W}{ART}{W}(?:car|truck|bus|train|van)|run{W}over|blody{W}(?:face|nose"
    rf"|mouth)|blodied|covered{W}in{W}blod|bleding{W}(?:from|heavily|profusely|out|to{W}death)"
    rf"|atacked{W}(?:by|with)|asaulted|mauled|draged|whiped{W}(?:by|with|until)|flog\w*|caned"
    rf"|spank\w*|set{W}(?:on{W}fire|alight|ablaze)|burn(?:ed|ing|t){W}at{W}the{W}stake"
    rf"|car{W}bomb|behind{W}bars|beging{W}on{W}(?:his|her){W}knes|black{W}eye|broken{W}nose"
    rf"|teth{W}knocked{W}out|in{W}(?:a{W}|4{W}|his{W}|her{W})?cofin|handcufed|in{W}handcufs"
    rf"|arested|orange{W}jumpsuit|prison{W}(?:cel|jumpsuit)|mugshot|thrown{W}(?:in|into){W}"
    rf"(?:{ART}{W})?(?:dumpster|trash|garbage|bin|sewer|guter)|hit{W}(?:with|by){W}(?:{ART}{W})?"
    rf"(?:\w+{W})?(?:bat|brick|botle|chair|hamer|rock|pipe|stick)|bleding|injured|wounded"
    rf"|kneling{W}in{W}handcufs|forced{W}to{W}knel)\b"
)
# 0005's context, replaced where staff left it as shipped.
HUMILIATE_0005 = (
    r"\b(?:beat(?:s|en|ing)?[\W_]+up|beaten|beating|kil(?:s|ed|ing)|murder(?:s|ed|ing)?"
    r"|shot[\W_]+(?:dead|in[\W_]+the)|hang(?:s|ed|ing)|hung|executed|humiliat\w*|degrad\w*"
    r"|spat[\W_]+on|spit\w*[\W_]+on|pe(?:s|d|ing)?[\W_]+on|pe(?:s|d|ing)?[\W_]+(?:him|her)sel"
    r"|pis\w*[\W_]+on|urinat\w*|slap(?:s|ed|ing)?|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?"
    r"|beg(?:s|ed|ing)?[\W_]+for[\W_]+(?:mercy|his[\W_]+life|her[\W_]+life)|dead[\W_]+body"
    r"|corpse|crying[\W_]+naked|on[\W_]+a[\W_]+lesh|in[\W_]+chains|chained)\b"
)

# Rules of 0002 and 0003 that refused butchery and horror the policy allows:
# "a chef slicing open the belly of a fish", "a knight beheading a dragon",
# "beheading shrimp". Replaced only where staff left them as shipped.
NOT_A_PERSON = (
    rf"(?:fish|pig|cow|chicken|lamb|animal|salmon|tuna|turkey|duck|der|fruit|mango|melon"
    rf"|watermelon|tomato|pumpkin|guitar|violin|car|boat|ship|plane|bread|lof|cake)"
)
CUT_THROUGH_0003 = (
    rf"\b(?:cut\w*|slic\w*|saw\w*|rip\w*|tear\w*|tore|hack\w*|chop\w*|chainsaw\w*){W}"
    rf"(?:\w+{W}){{0,2}}(?:through|into|apart|open|of){W}(?:\w+{W}){{0,3}}"
    rf"(?:body|bodies|flesh|torso|stomach|bely|skul|corpse|corpses|limbs|spine)\b"
)
CUT_THROUGH = rf"{CUT_THROUGH_0003}(?!{W}of{W}(?:{ART}{W})?{NOT_A_PERSON}\b)"
BEHEAD_0002 = r"\b(?:behead\w*|decapitat\w*|dismember\w*|disembowel\w*|mutilat\w*|eviscerat\w*)"
BEHEAD = (
    rf"{BEHEAD_0002}\b(?!{W}(?:\w+{W})?(?:dragons?|monsters?|zombies?|hydra|medusa|gorgon|demons?"
    rf"|robots?|statues?|dols?|manequins?|scarecrows?|snowm[ae]n|dandelions?|flowers?|roses?"
    rf"|tulips?|fish|shrimp|prawns?|chickens?)\b)"
)
# 0003's held "beating" near a person read sport as violence ("Serena Williams
# beating her sister in the final").
VIOLENCE_0003 = next(p for p, *_ in MEANING_0003.RULES if "|beating|kick" in p)
VIOLENCE = VIOLENCE_0003.replace("|beating|", rf"|beating(?!{SPORT_AFTER})|")
# 0003's body part torn or crushed read "a head of lettuce split open", and its
# insides spilling read "fish guts everywhere".
_BODY_PART_0003 = rf"\b{MEANING_0003.BODY_PART}{W}"
CRUSH_0003 = next(p for p, *_ in MEANING_0003.RULES if p.startswith(_BODY_PART_0003))
CRUSH = CRUSH_0003.replace(_BODY_PART_0003, rf"\b{MEANING_0003.BODY_PART}(?!{W}of\b){W}", 1)
CRUSH = CRUSH.replace(  # "a prop severed head", "fake severed hands"
    rf"|\b{MEANING_0003.INJURE}", rf"|(?<!fake{S})(?<!prop{S})(?<!toy{S})\b{MEANING_0003.INJURE}", 1
)
SPILLED_0003 = MEANING_0003.near(MEANING_0003.INSIDES, MEANING_0003.SPILL)
_INSIDES = MEANING_0003.INSIDES.replace("|guts|", r"|guts(?![\W_]+to\b)|")  # "spilling his guts to"
SPILLED = SPILLED_0003.replace(
    MEANING_0003.INSIDES, rf"(?<!fish{S})(?<!chicken{S})(?<!pig{S}){_INSIDES}"
)
# 0002's severed limbs refused Halloween props ("fake severed hands").
SEVERED_0002 = rf"\bsevered{W}(?:limbs?|heads?|arms?|legs?|hands?|body|bodies)\b"
SEVERED = NOT_FAKE + SEVERED_0002
# (old, new) patterns of kind regex.
NARROWED = [
    (SEVERED_0002, SEVERED),
    (CUT_THROUGH_0003, CUT_THROUGH),
    (BEHEAD_0002, BEHEAD),
    (VIOLENCE_0003, VIOLENCE),
    (CRUSH_0003, CRUSH),
    (SPILLED_0003, SPILLED),
]

# (pattern, kind, scope, category, action, notes)
RULES = [
    *((p, "regex", "word", "gore", a, n) for p, a, n in GORE),
    *((p, "regex", "word", "mass_violence", a, n) for p, a, n in MASS),
    (SEXUAL_MORE, "name", "word", "real_people_sexual", "block",
     "Sex acts and body parts next to a real person's name: never made."),
    (SUGGESTIVE, "name", "word", "real_people_sexual", "flag",
     "A real person in underwear or making out: a person decides."),
    (TORMENT_MORE, "name", "word", "real_people_abuse", "block",
     "Torture or mutilation of a named person, in words 0005 did not list."),
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


def narrow_humiliation(apps, schema_editor):
    """0005's context, as shipped, becomes one that needs the person on the receiving end."""
    Rule = apps.get_model("moderation", "Rule")
    Rule.objects.filter(kind="name", pattern=HUMILIATE_0005).update(
        pattern=HUMILIATE_V2,
        notes="A named person beaten, killed or humiliated (on the receiving end: 'kicking a "
        "ball' and 'beating her sister in the final' pass). History and satire too, so a "
        "person decides.",
    )


def widen_humiliation(apps, schema_editor):
    Rule = apps.get_model("moderation", "Rule")
    Rule.objects.filter(kind="name", pattern=HUMILIATE_V2).update(
        pattern=HUMILIATE_0005,
        notes="A named person beaten, killed or humiliated: history and satire too, so a "
        "person decides.",
    )


def narrow_butchery(apps, schema_editor):
    Rule = apps.get_model("moderation", "Rule")
    for old, new in NARROWED:
        Rule.objects.filter(kind="regex", pattern=old).update(pattern=new)


def widen_butchery(apps, schema_editor):
    Rule = apps.get_model("moderation", "Rule")
    for old, new in NARROWED:
        Rule.objects.filter(kind="regex", pattern=new).update(pattern=old)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0006_appeals")]

    operations = [
        migrations.RunPython(add_rules, remove_rules),
        migrations.RunPython(narrow_humiliation, widen_humiliation),
        migrations.RunPython(narrow_butchery, widen_butchery),
    ]
