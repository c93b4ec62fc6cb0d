"""FAQ search benchmark: the public FAQ's search over 5,000 articles, French and English.

    .venv/bin/python bench/faq_search.py [--runs 3] [--articles 5000] [--queries 300] [--json PATH]

Generates the articles from templates (20 subjects, such as bulbs, warranty or delivery,
times 125 products, each topic in French and English, in 6 categories) into a fresh SQLite
database, then builds the search index from scratch (timed: the sentence encoder over every
article, BM25) and runs a few hundred varied queries: paraphrased questions, keywords, the
other language, single generic words, long questions and queries about nothing the FAQ
covers. Each query is timed twice: `search_articles()` (what the page calls: the index's
freshness check, the engine, the rows) and the whole page through Django's test client
(`GET /faq/<language>/?q=…`), the database connection closed after each request, untimed,
as Django does with CONN_MAX_AGE 0. Wall clock, and beside it the process's CPU time (less
sensitive to whatever else runs on the machine). The measurement runs --runs times in one
process; each run also times the index rebuild after one article is edited. Prints p50, p95
and p99 per run and the median over runs, and how often the intended article comes first.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

GOAL_P95_MS = 50.0

MODELS = [
    "Orsay", "Tulum", "Nara", "Bergen", "Lisboa", "Kyoto", "Alba", "Sienne", "Oslo", "Dakar",
    "Lima", "Porto", "Quito", "Riga", "Varna", "Yukon", "Zermatt", "Cordoue", "Malmö",
    "Tampere", "Gdansk", "Hanoï", "Arles", "Tromsø", "Bastia",
]  # fmt: skip
ITEMS = [
    ("lampe", "f", "lamp"),
    ("lampe murale", "f", "wall light"),
    ("suspension", "f", "pendant"),
    ("lampadaire", "m", "floor lamp"),
    ("lampe de bureau", "f", "desk lamp"),
]
SOCKETS = ["E27", "E14", "GU10", "G9"]

# subject, category, (fr title, question, answer, paraphrase, keyword),
# (en title, question, answer, paraphrase, keyword). {p} the product, {m} its model; the
# numbers come from the product.
SUBJECTS: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("bulb", "bulbs-and-power",
     ("Ampoule {de} {p}", "Quelle ampoule mettre dans {le} {p} ?",
      "{Le} {p} prend une ampoule à culot {socket} de {watts} W au plus. Nous conseillons une "
      "LED blanc chaud de 2 700 K. L'ampoule n'est pas fournie avec le modèle {m}.",
      "quel culot pour {le} {p}", "ampoule"),
     ("Bulb for the {p}", "Which bulb does the {p} take?",
      "The {p} takes a {socket} bulb of up to {watts} W. We recommend a warm white 2,700 K LED. "
      "The bulb is not included with the {m} model.",
      "what socket does the {p} use", "bulb")),
    ("dimmer", "bulbs-and-power",
     ("Variateur et {p}", "{Le} {p} fonctionne-t-{il} avec un variateur ?",
      "Oui, {le} {p} est compatible avec les variateurs à coupure de phase, à condition d'y "
      "mettre une ampoule LED dimmable. Le modèle {m} n'a pas de variateur intégré.",
      "peut-on varier l'intensité {du} {p}", "variateur"),
     ("Dimmer and the {p}", "Does the {p} work with a dimmer?",
      "Yes, the {p} works with trailing-edge dimmers, as long as the LED bulb is dimmable. The "
      "{m} has no built-in dimmer.",
      "can I dim the {p}", "dimmer")),
    ("energy", "bulbs-and-power",
     ("Consommation {du} {p}", "Combien consomme {le} {p} ?",
      "Avec une ampoule LED de 8 W, {le} {p} consomme environ 10 kWh par an pour trois heures "
      "par jour. Le modèle {m} n'a pas de veille.",
      "consommation électrique {du} {p}", "consommation"),
     ("{p} energy use", "How much electricity does the {p} use?",
      "With an 8 W LED bulb, the {p} uses about 10 kWh a year at three hours a day. The {m} "
      "draws no standby power.",
      "power consumption of the {p}", "energy")),
    ("smart", "bulbs-and-power",
     ("{P} connecté{e}", "Peut-on commander {le} {p} depuis son téléphone ?",
      "{Le} {p} fonctionne avec une ampoule connectée Zigbee ou Wi-Fi. L'application Lumio "
      "pilote le modèle {m} et les assistants vocaux.",
      "piloter {le} {p} avec un assistant vocal", "connecté"),
     ("Smart {p}", "Can I control the {p} from my phone?",
      "The {p} works with a Zigbee or Wi-Fi smart bulb. The Lumio app controls the {m} and "
      "voice assistants.",
      "control the {p} with a voice assistant", "smart")),
    ("dimensions", "sizes-and-finishes",
     ("Dimensions {du} {p}", "Quelle est la hauteur {du} {p} ?",
      "{Le} {p} mesure {height} cm de haut pour {width} cm de diamètre et pèse {weight} kg. "
      "Le modèle {m} est livré avec 2 m de câble.",
      "taille {du} {p} en cm", "dimensions"),
     ("{p} dimensions", "How tall is the {p}?",
      "The {p} is {height} cm tall, {width} cm across and weighs {weight} kg. The {m} comes "
      "with a 2 m cable.",
      "size of the {p} in cm", "dimensions")),
    ("colours", "sizes-and-finishes",
     ("Coloris {du} {p}", "En quelles couleurs existe {le} {p} ?",
      "{Le} {p} existe en {colours}. Les finitions du modèle {m} sont peintes à la main, "
      "chaque pièce est donc légèrement différente.",
      "{le} {p} existe-t-{il} en noir", "couleur"),
     ("{p} colours", "Which colours does the {p} come in?",
      "The {p} comes in {colours_en}. The {m} finishes are hand painted, so each piece is a "
      "little different.",
      "is the {p} available in black", "colour")),
    ("shade", "sizes-and-finishes",
     ("Abat-jour {du} {p}", "Peut-on changer l'abat-jour {du} {p} ?",
      "Oui, l'abat-jour {du} {p} se dévisse et se remplace. Nous vendons des abat-jour de "
      "rechange pour le modèle {m} en lin et en papier.",
      "remplacer l'abat-jour {du} {p}", "abat-jour"),
     ("{p} shade", "Can I change the shade of the {p}?",
      "Yes, the shade of the {p} unscrews and can be replaced. We sell spare linen and paper "
      "shades for the {m}.",
      "replacement shade for the {p}", "shade")),
    ("cable", "sizes-and-finishes",
     ("Câble {du} {p}", "Quelle est la longueur du câble {du} {p} ?",
      "Le câble textile {du} {p} mesure 2 m et se raccourcit chez un électricien. Le modèle "
      "{m} a un interrupteur sur le câble.",
      "rallonger le fil {du} {p}", "câble"),
     ("{p} cable", "How long is the cable of the {p}?",
      "The fabric cable of the {p} is 2 m long and an electrician can shorten it. The {m} has "
      "an in-line switch.",
      "extend the cord of the {p}", "cable")),
    ("cleaning", "care-and-safety",
     ("Entretien {du} {p}", "Comment nettoyer {le} {p} ?",
      "Débranchez {le} {p} et laissez refroidir l'ampoule. Essuyez le modèle {m} avec un "
      "chiffon doux et sec, sans produit ménager.",
      "produit pour laver {le} {p}", "nettoyage"),
     ("Cleaning the {p}", "How do I clean the {p}?",
      "Unplug the {p} and let the bulb cool down. Wipe the {m} with a soft dry cloth, without "
      "household cleaners.",
      "what to clean the {p} with", "cleaning")),
    ("outdoor", "care-and-safety",
     ("{P} en extérieur", "Peut-on installer {le} {p} dehors ?",
      "{Le} {p} est classé{e} IP{ip}. En dessous de IP44, le modèle {m} doit rester à "
      "l'intérieur, à l'abri de l'humidité.",
      "{le} {p} sur une terrasse", "extérieur"),
     ("{p} outdoors", "Can the {p} be used outdoors?",
      "The {p} is rated IP{ip}. Below IP44, the {m} must stay indoors, away from damp.",
      "the {p} on a patio", "outdoor")),
    ("bathroom", "care-and-safety",
     ("{P} dans une salle de bain", "Peut-on mettre {le} {p} dans une salle de bain ?",
      "Dans une salle de bain, {le} {p} doit être à plus de 60 cm de la douche ou de la "
      "baignoire. Le modèle {m} est classé IP{ip}.",
      "{le} {p} près de la douche", "salle de bain"),
     ("{p} in a bathroom", "Can the {p} go in a bathroom?",
      "In a bathroom, the {p} must be more than 60 cm from the shower or bath. The {m} is "
      "rated IP{ip}.",
      "the {p} near the shower", "bathroom")),
    ("child-safety", "care-and-safety",
     ("{P} et enfants", "{Le} {p} est-{il} sans danger dans une chambre d'enfant ?",
      "{Le} {p} est stable et son ampoule reste peu chaude avec une LED. Pour le modèle {m}, "
      "fixez le câble au mur pour éviter qu'un enfant ne le tire.",
      "{le} {p} dans une chambre de bébé", "enfant"),
     ("The {p} and children", "Is the {p} safe in a child's room?",
      "The {p} is stable and its bulb stays cool with an LED. For the {m}, fix the cable to "
      "the wall so that a child cannot pull it.",
      "the {p} in a nursery", "child")),
    ("warranty", "warranty-and-repairs",
     ("Garantie {du} {p}", "Combien de temps {le} {p} est-{il} garanti{e} ?",
      "{Le} {p} est garanti{e} {years} ans, pièces et main-d'œuvre. La garantie du modèle {m} "
      "couvre l'électricité et la finition, pas l'ampoule.",
      "{le} {p} est tombé{e} en panne, est-ce sous garantie", "garantie"),
     ("{p} warranty", "How long is the {p} under warranty?",
      "The {p} has a {years}-year warranty on parts and labour. The {m} warranty covers the "
      "wiring and the finish, not the bulb.",
      "my {p} stopped working, is it under warranty", "warranty")),
    ("spare-parts", "warranty-and-repairs",
     ("Pièces détachées {du} {p}", "Où trouver des pièces détachées pour {le} {p} ?",
      "Douille, interrupteur, câble et vis {du} {p} sont vendus à l'unité pendant dix ans. "
      "Donnez-nous la référence {m}-{ref} inscrite sous le pied.",
      "remplacer l'interrupteur {du} {p}", "pièce"),
     ("{p} spare parts", "Where can I get spare parts for the {p}?",
      "The socket, switch, cable and screws of the {p} are sold separately for ten years. "
      "Give us the reference {m}-{ref} printed under the base.",
      "replace the switch of the {p}", "spare part")),
    ("recycling", "warranty-and-repairs",
     ("Recycler {le} {p}", "Comment recycler {le} {p} ?",
      "Rapportez {le} {p} en magasin ou en déchèterie : c'est un équipement électrique. "
      "Nous reprenons le modèle {m} gratuitement à la livraison d'un nouveau.",
      "jeter {le} {p} usagé{e}", "recyclage"),
     ("Recycling the {p}", "How do I recycle the {p}?",
      "Bring the {p} back to a shop or a recycling centre: it is electrical equipment. We "
      "take the {m} back for free when we deliver a new one.",
      "throw away an old {p}", "recycling")),
    ("delivery", "orders-and-delivery",
     ("Livraison {du} {p}", "Sous combien de jours {le} {p} est-{il} livré{e} ?",
      "{Le} {p} est expédié{e} sous {days} jours ouvrés, puis livré{e} en 2 à 4 jours en "
      "France. Le modèle {m} part de notre entrepôt de Lyon.",
      "quand vais-je recevoir {le} {p}", "livraison"),
     ("{p} delivery", "How soon is the {p} delivered?",
      "The {p} ships within {days} working days, then takes 2 to 4 days in France. The {m} "
      "leaves our Lyon warehouse.",
      "when will I get the {p}", "delivery")),
    ("stock", "orders-and-delivery",
     ("Disponibilité {du} {p}", "{Le} {p} est-{il} en stock ?",
      "Le stock {du} {p} est mis à jour toutes les heures sur la fiche produit. Quand le "
      "modèle {m} est épuisé, inscrivez-vous pour être prévenu de son retour.",
      "retour en stock {du} {p}", "stock"),
     ("{p} availability", "Is the {p} in stock?",
      "Stock of the {p} is updated hourly on the product page. When the {m} is sold out, sign "
      "up to hear when it is back.",
      "when is the {p} back in stock", "stock")),
    ("price", "orders-and-delivery",
     ("Prix {du} {p}", "Combien coûte {le} {p} ?",
      "{Le} {p} coûte {price} € TTC. Les professionnels ont 15 % de remise sur le modèle {m} "
      "dès cinq pièces.",
      "tarif professionnel pour {le} {p}", "prix"),
     ("{p} price", "How much is the {p}?",
      "The {p} costs €{price} including VAT. Businesses get 15% off the {m} from five pieces.",
      "trade price for the {p}", "price")),
    ("return", "orders-and-delivery",
     ("Retourner {le} {p}", "Puis-je renvoyer {le} {p} ?",
      "Vous avez 30 jours pour renvoyer {le} {p} dans son emballage d'origine. Le retour du "
      "modèle {m} est gratuit depuis la France.",
      "rembourser {le} {p} qui ne me plaît pas", "retour"),
     ("Returning the {p}", "Can I send the {p} back?",
      "You have 30 days to return the {p} in its original packaging. Returning the {m} is "
      "free from France.",
      "refund for a {p} I do not like", "return")),
    ("assembly", "assembly",
     ("Montage {du} {p}", "Comment monter {le} {p} ?",
      "{Le} {p} se monte en {minutes} minutes avec le tournevis fourni ; la notice du modèle "
      "{m} est dans le carton et en ligne. Un branchement au plafond demande un électricien.",
      "notice de montage {du} {p}", "montage"),
     ("Assembling the {p}", "How do I put the {p} together?",
      "The {p} takes {minutes} minutes to assemble with the screwdriver supplied; the {m} "
      "instructions are in the box and online. Ceiling wiring needs an electrician.",
      "assembly instructions for the {p}", "assembly")),
]  # fmt: skip
CATEGORIES = {
    "bulbs-and-power": ("Ampoules et électricité", "Bulbs and power"),
    "sizes-and-finishes": ("Dimensions et finitions", "Sizes and finishes"),
    "care-and-safety": ("Entretien et sécurité", "Care and safety"),
    "warranty-and-repairs": ("Garantie et réparations", "Warranty and repairs"),
    "orders-and-delivery": ("Commandes et livraison", "Orders and delivery"),
    "assembly": ("Montage", "Assembly"),
}
NOTHING = [
    "recette de la tarte aux pommes", "horaires du match de football", "météo à Lyon demain",
    "prix du billet de train Paris Lyon", "comment réparer un vélo", "cours de guitare",
    "quantum physics lecture notes", "best pizza in Naples", "how to train a puppy",
    "stock market news today", "football world cup results", "learn Spanish fast",
]  # fmt: skip
FILLER = {
    "fr": "Bonjour, j'ai acheté ce modèle le mois dernier pour notre salon et je voudrais "
    "savoir : ",
    "en": "Hello, I bought this model last month for our living room and I would like to know: ",
}


@dataclass(frozen=True, slots=True)
class Product:
    model: str
    item: int
    values: dict[str, str]

    def words(self, language: str) -> dict[str, str]:
        """The product's name and the French articles and agreements that go with it."""
        fr, gender, en = ITEMS[self.item]
        if language == "en":
            return {"p": f"{self.model} {en}", "P": f"{self.model} {en}", "m": self.model}
        feminine = gender == "f"
        return {
            "p": f"{fr} {self.model}",
            "P": f"{fr.capitalize()} {self.model}",
            "m": self.model,
            "le": "la" if feminine else "le",
            "Le": "La" if feminine else "Le",
            "de": "de la" if feminine else "du",
            "du": "de la" if feminine else "du",
            "il": "elle" if feminine else "il",
            "e": "e" if feminine else "",
        }


def products(rng: random.Random) -> list[Product]:
    made = []
    for model in MODELS:
        for item in range(len(ITEMS)):
            values = {
                "socket": rng.choice(SOCKETS),
                "watts": str(rng.choice([25, 40, 60, 75])),
                "height": str(rng.randint(18, 190)),
                "width": str(rng.randint(12, 60)),
                "weight": f"{rng.uniform(0.4, 9):.1f}".replace(".", ","),
                "years": str(rng.choice([2, 3, 5])),
                "days": str(rng.randint(1, 10)),
                "price": str(rng.randint(39, 890)),
                "ip": rng.choice(["20", "44", "65"]),
                "minutes": str(rng.choice([5, 10, 15, 20, 30])),
                "ref": f"{rng.randint(100, 999)}",
                "colours": ", ".join(rng.sample(["noir", "blanc", "laiton", "vert sauge"], 2)),
                "colours_en": ", ".join(rng.sample(["black", "white", "brass", "sage"], 2)),
            }
            made.append(Product(model, item, values))
    return made


def fill(template: str, product: Product, language: str) -> str:
    return template.format(**product.words(language), **product.values)


# --- database ------------------------------------------------------------------------------


def _setup_django(data_dir: Path) -> None:
    os.environ["ANSWERDESK_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "answerdesk.settings"
    os.environ["ANSWERDESK_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()


def seed(count: int, rng: random.Random) -> dict[tuple[str, str], int]:
    """`count` articles (half French, half English); returns (topic, language) → id."""
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from answerdesk.knowledge.models import Article, Category

    categories = {
        slug: Category.objects.create(slug=slug, name_fr=fr, name_en=en, position=n)
        for n, (slug, (fr, en)) in enumerate(CATEGORIES.items())
    }
    rows, now = [], timezone.now()
    for product in products(rng):
        for subject, category, fr, en in SUBJECTS:
            topic = f"{subject}-{slugify(product.model)}-{product.item}"
            for language, texts in (("fr", fr), ("en", en)):
                title = fill(texts[0], product, language)
                rows.append(
                    Article(
                        slug=slugify(title)[:120],
                        topic=topic,
                        language=language,
                        title=title,
                        question=fill(texts[1], product, language),
                        answer=fill(texts[2], product, language),
                        category=categories[category],
                        updated_at=now,
                    )
                )
    rows = rows[:count]
    with transaction.atomic():
        Article.objects.bulk_create(rows, batch_size=500)
    return {(a.topic, a.language): a.pk for a in Article.objects.all()}


# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    kind: str
    language: str  # the FAQ page it is asked on
    text: str
    topic: str | None  # the topic it asks about; None for generic or off-topic queries


def queries(count: int, rng: random.Random, topics: set[str]) -> list[Query]:
    """Paraphrases 40%, keywords 20%, the other language 10%, long 10%, generic 10%,
    nothing the FAQ covers 10%."""
    from django.utils.text import slugify

    made: list[Query] = []
    catalogue = products(random.Random(1))
    plan = ["paraphrase"] * 4 + ["keywords"] * 2 + ["other language", "long", "generic", "none"]
    while len(made) < count:
        kind = plan[len(made) % len(plan)]
        product = rng.choice(catalogue)
        subject, _category, fr, en = rng.choice(SUBJECTS)
        topic = f"{subject}-{slugify(product.model)}-{product.item}"
        if topic not in topics:  # --articles below the full catalogue
            continue
        language = rng.choice(["fr", "en"])
        texts = fr if language == "fr" else en
        if kind == "paraphrase":
            made.append(Query(kind, language, fill(texts[3], product, language), topic))
        elif kind == "keywords":
            name = product.words(language)["p"]
            made.append(Query(kind, language, f"{texts[4]} {name}", topic))
        elif kind == "other language":
            page = "en" if language == "fr" else "fr"
            made.append(Query(kind, page, fill(texts[3], product, language), topic))
        elif kind == "long":
            text = FILLER[language] + fill(texts[1], product, language)
            made.append(Query(kind, language, text[:200], topic))
        elif kind == "generic":
            made.append(Query(kind, language, texts[4], None))
        else:
            made.append(Query(kind, language, rng.choice(NOTHING), None))
    return made


# --- measuring -----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def stats(values: list[float]) -> dict[str, float]:
    return {
        "p50": statistics.median(values),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": max(values),
    }


def one_run(asked: list[Query], ids: dict[tuple[str, str], int]) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from answerdesk.knowledge.actions import search_articles
    from answerdesk.knowledge.models import Article

    engine, page, engine_cpu, page_cpu = [], [], [], []
    # kind -> [queries about one article, found first, found in the first three]
    hits: dict[str, list[int]] = {}
    client = Client()
    # Each query through the engine, then as a page: this VM's noise falls on both alike.
    for query in asked:
        started, cpu = time.perf_counter(), time.process_time()
        found = search_articles(query.text, query.language)
        engine.append((time.perf_counter() - started) * 1000)
        engine_cpu.append((time.process_time() - cpu) * 1000)
        url = f"/faq/{query.language}/?" + urlencode({"q": query.text})
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        page.append((time.perf_counter() - started) * 1000)
        page_cpu.append((time.process_time() - cpu) * 1000)
        connection.close()
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        if query.topic:
            wanted = ids.get((query.topic, query.language))
            ranked = [a.pk for a in found]
            counts = hits.setdefault(query.kind, [0, 0, 0])
            counts[0] += 1
            counts[1] += bool(ranked) and ranked[0] == wanted
            counts[2] += wanted in ranked[:3]
        elif query.kind == "none":
            counts = hits.setdefault("none: nothing found", [0, 0, 0])
            counts[0] += 1
            counts[1] += not found
    # One edit, then the first search after it rebuilds the index (re-encoding that article).
    article = Article.objects.order_by("?").first()
    assert article is not None
    article.answer += " Mise à jour."
    article.save()
    started = time.perf_counter()
    search_articles("ampoule", "fr")
    rebuild = time.perf_counter() - started
    return {
        "engine": stats(engine),
        "page": stats(page),
        "engine CPU": stats(engine_cpu),
        "page CPU": stats(page_cpu),
        "rebuild_s": rebuild,
        "hits": hits,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="answerdesk-faq-search-"))
    try:
        _setup_django(data_dir)
        report = run(args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command

    from answerdesk.knowledge import index
    from answerdesk.nlp.suggest import bundled_embedder

    call_command("migrate", verbosity=0)
    ids = seed(args.articles, random.Random(1))
    asked = queries(args.queries, random.Random(2), {topic for topic, _lang in ids})
    started = time.perf_counter()
    bundled_embedder().encode(["Bonjour"])
    load = time.perf_counter() - started
    index.forget()
    started = time.perf_counter()
    built = index.current_index()
    build = time.perf_counter() - started
    pieces = built.index._piece_vectors.shape[0]
    print(
        f"{len(ids):,} articles, {pieces:,} indexed pieces; encoder loaded in {load:.1f} s;"
        f" index built from scratch in {build:.1f} s",
        file=sys.stderr,
    )
    runs = []
    for number in range(args.runs):
        runs.append(one_run(asked, ids))
        figures = runs[-1]
        print(
            f"run {number + 1}: engine p50 {figures['engine']['p50']:.1f} p95"
            f" {figures['engine']['p95']:.1f} p99 {figures['engine']['p99']:.1f} ms; page p50"
            f" {figures['page']['p50']:.1f} p95 {figures['page']['p95']:.1f} p99"
            f" {figures['page']['p99']:.1f} ms; rebuild after an edit"
            f" {figures['rebuild_s'] * 1000:.0f} ms",
            file=sys.stderr,
        )
    median = {
        part: {s: statistics.median(r[part][s] for r in runs) for s in runs[0][part]}
        for part in ("engine", "page", "engine CPU", "page CPU")
    }
    rebuild = statistics.median(r["rebuild_s"] for r in runs)
    kinds = {q.kind for q in asked}
    print(
        f"\nanswerdesk FAQ search: {len(ids):,} articles (French and English), {len(asked)}"
        f" queries ({', '.join(sorted(kinds))}); Python {sys.version.split()[0]},"
        f" {os.cpu_count()} cores; median of {args.runs} runs\n"
    )
    print(f"{'':<36}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}  goal (p95)")
    for part, label in (
        ("engine", "search_articles()"),
        ("page", "GET /faq/<lang>/?q= (page)"),
        ("engine CPU", "  CPU time of search_articles()"),
        ("page CPU", "  CPU time of the page"),
    ):
        s = median[part]
        verdict = "met" if s["p95"] <= GOAL_P95_MS else "MISSED"
        print(
            f"{label:<36}{s['p50']:>9.1f}{s['p95']:>9.1f}{s['p99']:>9.1f}{s['max']:>9.1f}"
            + ("" if "CPU" in part else f"  ≤ {GOAL_P95_MS:.0f} ms {verdict}")
        )
    print(
        f"\nindex: encoder loaded in {load:.1f} s, built from scratch in {build:.1f} s,"
        f" rebuilt after one edit in {rebuild * 1000:.0f} ms (median)"
    )
    # The same queries and articles every run: the first run's hits are every run's.
    print("\nthe article asked about, in the page's language:")
    for kind, (n, first, top3) in sorted(runs[0]["hits"].items()):
        if kind.startswith("none"):
            print(f"  {kind}: {first} of {n}")
        else:
            print(f"  {kind}: first {first} of {n}, in the first three {top3} of {n}")
    return {"articles": len(ids), "load_s": load, "build_s": build, "runs": runs, "median": median}


if __name__ == "__main__":
    main()
