"""A default list of protected names: public figures often targeted by abusive fakes.

Compiled by hand for this project (issue 14) from public knowledge of who sexual and
humiliating deepfakes most often target: heads of state and government, prominent
politicians, royalty, religious leaders, business and tech figures, musicians,
actors, streamers and athletes. It is not derived from any evaluation file. Many
of these people have a first name on no common-names list ("Barack", "Elon") or
a surname that is also an everyday word ("Swift", "Musk", "Trump"), so the
built-in recogniser (moderation/names.py) misses them when written in lower case.

A protected name is only a name: it changes nothing until a name rule's context
(sexual, violent, humiliating) stands next to it. Staff edit the list in the admin
(Moderation -> Protected names); each row says it was shipped. Single surnames
are listed only where the word names one person in practice ("Obama", "Putin");
"Swift", "Musk" and "Bush" are everyday words, so only full names are listed.
"""

from django.db import migrations

NOTE = "Shipped default (migration 0008): a public figure often targeted by abusive fakes."

NAMES = [
    # Heads of state and government, politicians.
    "Donald Trump", "Trump", "Melania Trump", "Ivanka Trump", "Joe Biden", "Biden",
    "Jill Biden", "Hunter Biden", "Kamala Harris", "Barack Obama", "Obama", "Michelle Obama",
    "Hillary Clinton", "Bill Clinton", "George W. Bush", "George Bush", "Mike Pence",
    "JD Vance", "Nancy Pelosi", "Pelosi", "Alexandria Ocasio-Cortez", "Bernie Sanders",
    "Elizabeth Warren", "Ron DeSantis", "DeSantis", "Marjorie Taylor Greene", "Ted Cruz",
    "Mitch McConnell", "Nikki Haley", "Gavin Newsom", "Rishi Sunak", "Sunak", "Keir Starmer",
    "Starmer", "Boris Johnson", "Liz Truss", "Theresa May", "Nigel Farage", "Farage",
    "Emmanuel Macron", "Macron", "Brigitte Macron", "Marine Le Pen", "Angela Merkel", "Merkel",
    "Olaf Scholz", "Scholz", "Friedrich Merz", "Giorgia Meloni", "Meloni", "Vladimir Putin",
    "Putin", "Volodymyr Zelensky", "Zelensky", "Zelenskyy", "Zelenskiy", "Xi Jinping",
    "Jinping", "Kim Jong Un", "Narendra Modi", "Modi", "Recep Tayyip Erdogan", "Erdogan",
    "Benjamin Netanyahu", "Netanyahu", "Justin Trudeau", "Trudeau", "Jacinda Ardern", "Ardern",
    "Anthony Albanese", "Lula da Silva", "Jair Bolsonaro", "Bolsonaro", "Javier Milei",
    "Milei", "Viktor Orban", "Orban", "Ali Khamenei", "Khamenei", "Mohammed bin Salman",
    "Bashar al-Assad", "Shinzo Abe", "Fumio Kishida", "Claudia Sheinbaum",
    "Ursula von der Leyen", "Greta Thunberg", "Thunberg", "Malala Yousafzai", "Malala",
    # Royalty and religious leaders.
    "King Charles", "Queen Camilla", "Prince William", "Kate Middleton", "Prince Harry",
    "Meghan Markle", "Markle", "Queen Elizabeth", "Princess Diana", "Prince George",
    "Princess Charlotte", "Prince Louis", "Pope Francis", "Pope Leo", "Dalai Lama",
    # Business and tech.
    "Elon Musk", "Elon", "Mark Zuckerberg", "Zuckerberg", "Jeff Bezos", "Bezos", "Bill Gates",
    "Sam Altman", "Tim Cook", "Sundar Pichai", "Pichai", "Jensen Huang", "Warren Buffett",
    "Steve Jobs", "Jack Ma", "Satya Nadella",
    # Musicians.
    "Taylor Swift", "Beyonce", "Rihanna", "Ariana Grande", "Billie Eilish", "Selena Gomez",
    "Dua Lipa", "Lady Gaga", "Katy Perry", "Miley Cyrus", "Nicki Minaj", "Cardi B", "Doja Cat",
    "Olivia Rodrigo", "Sabrina Carpenter", "Adele", "Shakira", "Jennifer Lopez",
    "Britney Spears", "Kanye West", "Justin Bieber", "Harry Styles", "Ed Sheeran", "Eminem",
    "Jay-Z", "Snoop Dogg", "Travis Scott", "Bad Bunny", "Post Malone", "The Weeknd",
    "Jungkook", "Karol G", "Ice Spice", "Megan Thee Stallion", "Lizzo", "Chappell Roan",
    "Charli XCX",
    # Actors and television.
    "Scarlett Johansson", "Emma Watson", "Jennifer Lawrence", "Margot Robbie", "Zendaya",
    "Gal Gadot", "Natalie Portman", "Jennifer Aniston", "Angelina Jolie", "Brad Pitt",
    "Tom Cruise", "Tom Hanks", "Keanu Reeves", "Leonardo DiCaprio", "Johnny Depp",
    "Amber Heard", "Will Smith", "Chris Rock", "Dwayne Johnson", "Emma Stone",
    "Anne Hathaway", "Sydney Sweeney", "Jenna Ortega", "Millie Bobby Brown", "Florence Pugh",
    "Anya Taylor-Joy", "Ana de Armas", "Megan Fox", "Kristen Stewart", "Elizabeth Olsen",
    "Marilyn Monroe", "Kim Kardashian", "Kardashian", "Kylie Jenner", "Kendall Jenner",
    "Khloe Kardashian", "Kourtney Kardashian", "Paris Hilton", "Oprah Winfrey", "Oprah",
    "Ellen DeGeneres", "Joe Rogan", "Tucker Carlson", "Andrew Tate",
    # Streamers and creators.
    "MrBeast", "Mr Beast", "PewDiePie", "Pokimane", "Amouranth", "Kai Cenat", "IShowSpeed",
    "Logan Paul", "Jake Paul", "Addison Rae", "Charli D'Amelio", "Emma Chamberlain",
    "Belle Delphine",
    # Athletes.
    "Cristiano Ronaldo", "Lionel Messi", "Messi", "LeBron James", "Serena Williams",
    "Venus Williams", "Simone Biles", "Naomi Osaka", "Michael Jordan", "Tom Brady",
    "Travis Kelce", "Kylian Mbappe", "Mbappe", "Neymar", "Usain Bolt", "Roger Federer",
    "Rafael Nadal", "Novak Djokovic", "Conor McGregor", "Mike Tyson", "Caitlin Clark",
    "Megan Rapinoe", "Virat Kohli", "Shohei Ohtani", "Lewis Hamilton", "Erling Haaland",
    # Others whose images are abused.
    "Anne Frank",
]


def add_names(apps, schema_editor):
    ProtectedName = apps.get_model("moderation", "ProtectedName")
    ProtectedName.objects.bulk_create(
        (ProtectedName(name=n, notes=NOTE) for n in NAMES), ignore_conflicts=True
    )


def remove_names(apps, schema_editor):
    """Only the rows this migration made: a name staff added themselves stays."""
    ProtectedName = apps.get_model("moderation", "ProtectedName")
    ProtectedName.objects.filter(name__in=NAMES, notes=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0007_injury_and_person_rules")]

    operations = [migrations.RunPython(add_names, remove_names)]
