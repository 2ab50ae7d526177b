"""The spelling correspondences check-terms knows, written down to be checked.

Names of Ukraine, Russia and Belarus reach French and English through several
romanisation systems, and Korean names through two. Each rule below says that
two letter sequences are the same sound written by two systems, what it costs
(0 = identical, 1 = a plain typo), where in a word it applies, and why.

Sources of the correspondences:
  UK2010  Ukrainian national romanisation, Cabinet of Ministers resolution 55
          (27 January 2010), adopted by BGN/PCGN in 2019: г h, ґ g, и y, і i,
          ї yi (initial) / i, є ye / ie, й y / i, х kh, ж zh, ч ch, ш sh,
          щ shch, ю yu / iu, я ya / ia, ь and ' omitted.
  BGN-RU  BGN/PCGN 1947 romanisation of Russian: г g, е e / ye, ё ë / yë,
          ж zh, и i, й y, ы y, х kh, ц ts, ч ch, ш sh, щ shch, ь ʹ, ю yu,
          я ya; the -iy/-yy adjective endings are written -y in the press.
  BE2007  Belarusian national romanisation (2007) and BGN/PCGN Belarusian:
          г h, ў w/u, akanye (unstressed о written a), ц for Russian т before
          soft vowels (tsekanye).
  FR      the usual French transcription of Russian and Ukrainian (French
          press, AFP and Le Monde style): у ou, ш ch, ч tch, ж j, щ chtch,
          х kh, й ï after a vowel, е ie/ïe after a vowel, я ia, ю iou,
          г gu before e/i, с ss between vowels, -ин -ine (mute e).
  EN      English press usage (AP, Reuters, BBC): -sky/-ski/-skiy/-skyi,
          -ov/-off in older texts.
  RR      Revised Romanization of Korean (2000): eo, eu, g/d/b/j initial.
  MR      McCune-Reischauer (1939) and the DPRK's variant: ŏ, ŭ, k/t/p/ch.
  KCNA    North Korean English house style: given names as two capitalised
          syllables without hyphen (Kim Jong Un); the South and the French
          press hyphenate (Kim Jong-un).

The comparison (align.terms.compare) works on a key: unidecode, lower case,
letters only, words separated by one space (hyphens are spaces, apostrophes
and soft signs vanish). Anchors: "^" the rule applies at the start of a
word, "$" at its end, "-" anywhere but at the end (a vowel swap at the end
of a word is grammar, Parme/Parmi, not transliteration), "" anywhere.
Rules of a family starting with "ko " apply only to words that split into
romanised Korean syllables (:data:`KOREAN_SYLLABLE`): Busan/Pusan, never
Bravo/Pravo. ``not_after`` lists letters that must not
precede the rule's first letter (h/g must not touch the digraphs kh, sh, ch,
zh, th).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    a: str
    b: str
    cost: float
    anchor: str  # "", "^" (word start) or "$" (word end)
    family: str
    source: str
    example: str
    not_after: str = ""


# (a, b, cost, anchor, family, source, example[, not_after]); every rule works both ways.
_TABLE: list[tuple] = [
    # ---- French vs English transcription of Russian and Ukrainian
    ("ou", "u", 0.1, "", "fr/en ou/u", "FR vs BGN-RU/UK2010", "Marioupol/Mariupol, Koursk/Kursk"),
    ("ch", "sh", 0.1, "", "fr/en ch/sh", "FR vs BGN-RU/UK2010", "Choïgou/Shoigu"),
    ("tch", "ch", 0.1, "", "fr/en tch/ch", "FR vs BGN-RU/UK2010", "Tchernobyl/Chernobyl"),
    ("chtch", "shch", 0.1, "", "fr/en chtch/shch", "FR vs BGN-RU/UK2010", "Khrouchtchev/Khrushchev"),
    ("j", "zh", 0.1, "", "fr/en j/zh", "FR vs BGN-RU/UK2010", "Prigojine/Prigozhin, Jytomyr/Zhytomyr"),
    ("dj", "dzh", 0.1, "", "fr/en dj/dzh", "FR vs BGN-RU/UK2010", "Djankoï/Dzhankoi"),
    ("gue", "ge", 0.1, "", "fr/en gu/g", "FR (gu before e, i)", "Sergueï/Sergei, Guerassimov/Gerasimov"),
    ("gui", "gi", 0.1, "", "fr/en gu/g", "FR (gu before e, i)", "Guirkine/Girkin"),
    ("gu", "g", 0.15, "", "fr/en gu/g", "FR (gu before e, i)", "Pologui/Pology"),
    ("h", "gu", 0.2, "", "uk/fr h/gu", "UK2010 г h vs FR gu before e, i", "Polohy/Pologui, Henichesk/Guenitchesk", "kszct"),
    ("gh", "g", 0.1, "", "fr/en gh/g", "older French transcription", "Daghestan/Dagestan"),
    ("ou", "ow", 0.2, "$", "fr/en -ou/-ow", "French and English exonyms", "Moscou/Moscow"),
    ("ine", "in", 0.1, "$", "fr/en -ine/-in", "FR (mute final e)", "Poutine/Putin, Prigojine/Prigozhin"),
    ("ne", "n", 0.15, "$", "fr/en -ne/-n", "FR (mute final e)", "Oumane/Uman, Eltsine/Yeltsin"),
    ("off", "ov", 0.1, "$", "fr/en -ov/-off", "older French and English press", "Rachmaninoff/Rachmaninov"),
    ("eff", "ev", 0.1, "$", "fr/en -ov/-off", "older French and English press", "Medvedeff/Medvedev"),
    ("iou", "yu", 0.1, "", "fr/en iou/yu", "FR vs BGN-RU", "Ziouganov/Zyuganov, Iouri/Yuri"),
    ("ks", "x", 0.15, "", "fr/en x/ks", "FR vs BGN-RU", "Axionov/Aksyonov, Alexeï/Aleksei"),
    ("kh", "h", 0.3, "", "kh/h", "FR/EN vs other European usage", "Arkhangelsk/Arhangelsk"),
    # ---- y / i / ï (и, і, ї, й and the adjective endings)
    ("y", "i", 0.1, "", "y/i/ï", "UK2010 и y vs BGN-RU и i; FR ï", "Mykola/Mikola, Zaporizhia; Choïgou/Shoigu"),
    ("yi", "i", 0.1, "", "y/i/ï", "UK2010 ї yi vs i", "Kryvyi/Kryvi, Mykolayiv/Mykolaiv"),
    ("iy", "i", 0.1, "$", "y/i/ï endings", "UK2010 -ий/-ій vs press -y/-i", "Serhiy/Serhi"),
    ("yi", "y", 0.1, "$", "y/i/ï endings", "UK2010 -yi vs press -y", "Syrskyi/Syrsky"),
    ("yi", "oi", 0.2, "$", "uk/ru adjective ending", "UK2010 -yi vs BGN-RU -oy/-oi (FR -oï)", "Kryvyi Rih/Krivoï Rog"),
    ("yy", "y", 0.1, "$", "y/i/ï endings", "UK2010 -yy/-yi vs press -y", "Zelenskyy/Zelensky"),
    # ---- Ukrainian-based vs Russian-based romanisation
    ("h", "g", 0.15, "", "uk/ru h/g", "UK2010 г h vs BGN-RU г g", "Hlukhiv/Glukhov, Horlivka/Gorlovka", "kszct"),
    ("i", "o", 0.2, "-", "uk/ru i/o", "UK2010 і (from o in a closed syllable) vs BGN-RU o", "Kharkiv/Kharkov, Lviv/Lvov, Rivne/Rovno"),
    ("i", "e", 0.2, "-", "uk/ru i/e", "UK2010 і (from e/ě) vs BGN-RU e", "Kyiv/Kiev, Starobilsk/Starobelsk"),
    ("ie", "e", 0.15, "", "uk/ru ie/e", "UK2010 є ie vs BGN-RU е e", "Sievierodonetsk/Severodonetsk"),
    ("i", "ye", 0.2, "", "uk/ru i/ye", "UK2010 ії ii vs BGN-RU ие iye", "Kadiivka/Kadiyevka, Andriivka/Andreyevka"),
    ("myk", "nik", 0.2, "^", "uk/ru Myk-/Nik-", "Ukrainian Микола- vs Russian Никола-", "Mykolaiv/Nikolayev"),
    ("pro", "pr", 0.2, "$", "uk/ru Dnipro/Dnepr", "Ukrainian Дніпро vs Russian Днепр", "Dnipro/Dniepr"),
    ("vovch", "volch", 0.2, "", "uk/ru vovk/volk", "Ukrainian вовк vs Russian волк", "Vovchansk/Volchansk"),
    ("ye", "e", 0.15, "^", "ie/ye/e initial", "UK2010/BGN-RU ye vs FR ie, e", "Yevhen/Evgueni, Yenakiieve/Enakievo"),
    ("i", "ie", 0.2, "", "uk/ru ie/e", "FR ïe after a vowel vs i", "Avdiïvka/Avdeïevka"),
    ("ia", "e", 0.25, "", "uk/ru ia/e", "UK2010 я (from ę) vs BGN-RU е", "Kamianske/Kamenskoye, Kamianets/Kamenets"),
    ("yo", "e", 0.2, "", "ru ё/e", "BGN-RU ё yo vs e (ë written e)", "Oryol/Orel, Kiselyov/Kisselev"),
    ("io", "e", 0.2, "", "ru ё/e", "FR ё io vs e", "Artiomovsk/Artemovsk"),
    ("chorn", "chern", 0.15, "", "uk/ru chorn/chern", "UK2010 чорн vs BGN-RU черн", "Chornobyl/Chernobyl"),
    ("e", "oe", 0.2, "$", "uk/ru neuter -e/-oye", "UK2010 -е vs BGN-RU -ое", "Zolote/Zolotoye, Hirske/Gorskoye"),
    ("e", "oye", 0.2, "$", "uk/ru neuter -e/-oye", "UK2010 -е vs BGN-RU -ое", "Rubizhne/Rubezhnoye"),
    ("e", "oie", 0.2, "$", "uk/ru neuter -e/-oye", "UK2010 -е vs FR -oïe", "Zolote/Zolotoïe"),
    ("ve", "vo", 0.2, "$", "uk/ru -e/-o", "UK2010 neuter -ве vs BGN-RU -во", "Svatove/Svatovo, Mukacheve/Mukachevo"),
    ("ne", "no", 0.2, "$", "uk/ru -e/-o", "UK2010 neuter -не vs BGN-RU -но", "Rivne/Rovno, Robotyne/Rabotino"),
    ("a", "aia", 0.2, "$", "uk/ru -a/-aya", "UK2010 -а vs BGN-RU -ая (FR -aïa)", "Popasna/Popasnaya, Nova/Novaya"),
    ("a", "aya", 0.2, "$", "uk/ru -a/-aya", "UK2010 -а vs BGN-RU -ая", "Kreminna/Kremennaya"),
    ("ia", "iya", 0.1, "$", "ia/iya", "UK2010 -ія vs BGN-RU -ия", "Feodosia/Feodosiya"),
    ("ia", "ye", 0.2, "$", "uk/ru -ia/-ye", "UK2010 -я vs BGN-RU -ье", "Zaporizhzhia/Zaporozhye, Shchastia/Shchastye"),
    ("ia", "ie", 0.2, "$", "uk/ru -ia/-ie", "FR -ie vs -ia", "Zaporojie/Zaporijia"),
    ("zhzh", "zh", 0.1, "", "doubled consonant", "UK2010 жж zhzh vs FR j, BGN-RU zh", "Zaporizhzhia/Zaporizhia"),
    ("na", "no", 0.2, "$", "be/ru akanye", "BE2007 final -a vs BGN-RU -o", "Hrodna/Grodno, Maladzyechna/Molodechno"),
    ("ka", "ko", 0.2, "$", "be/ru akanye", "BE2007 final -a vs BGN-RU -o", "Lukashenka/Lukashenko, Latushka/Latouchko"),
    ("a", "o", 0.2, "-", "be/ru akanye, uk/ru a/o", "BE2007 a (akanye) vs BGN-RU o", "Hrodna/Grodno, Polatsk/Polotsk"),
    ("ts", "t", 0.25, "", "be/ru ts/t", "BE2007 ц (tsekanye) vs BGN-RU т", "Tsikhanouskaya/Tikhanovskaya"),
    ("ou", "ov", 0.2, "", "be/ru u/v", "BE2007 ў vs BGN-RU в", "Tsikhanouski/Tikhanovski, Mahiliou/Mogilev"),
    ("w", "v", 0.15, "", "w/v", "BE2007 ў w; German/Polish w", "Barysaw/Borisov, Lwów/Lvov"),
    ("iou", "ev", 0.2, "$", "be/ru -iou/-ev", "BE2007 -ёў vs BGN-RU -ев", "Mahiliou/Mogilev"),
    # ---- Korean: Revised Romanization vs McCune-Reischauer
    ("eo", "o", 0.1, "", "ko eo/ŏ", "RR eo vs MR ŏ (o without the breve)", "Panmunjeom/Panmunjom"),
    ("eu", "u", 0.1, "", "ko eu/ŭ", "RR eu vs MR ŭ", "Geumgang/Kumgang, Hamheung/Hamhung"),
    ("g", "k", 0.2, "^", "ko initial g/k", "RR g vs MR k", "Gaeseong/Kaesong, Gwangju/Kwangju"),
    ("d", "t", 0.2, "^", "ko initial d/t", "RR d vs MR t", "Daegu/Taegu, Dongchang-ri/Tongchang-ri"),
    ("b", "p", 0.2, "^", "ko initial b/p", "RR b vs MR p", "Busan/Pusan, Baekdu/Paektu"),
    ("j", "ch", 0.2, "^", "ko initial j/ch", "RR j vs MR ch", "Jeju/Cheju, Jagang/Chagang"),
    ("g", "k", 0.2, "", "ko g/k", "RR g vs MR k inside a word", "Malligyong/Mallikyong, Baekdu/Paektu"),
    ("d", "t", 0.2, "", "ko d/t", "RR d vs MR t inside a word", "Baekdu/Paektu"),
    ("eu", "o", 0.2, "", "ko eu/ŏ", "RR vs press", "Geun/Gon"),
]

RULES: tuple[Rule, ...] = tuple(Rule(*row) for row in _TABLE)

#: one romanised Korean syllable (RR or MR, breves removed): optional initial,
#: vowel, optional final. A word made only of these may take the "ko" rules.
KOREAN_SYLLABLE = (r"(?:kk|tt|pp|ss|jj|ch|ph|th|kh|[gkndtrlmbpsjh])?"
                   r"(?:yeo|yae|wae|ae|ya|eo|ye|wa|oe|yo|wo|we|wi|yu|eu|ui|[aeiou])"
                   r"(?:ng|[kntlmpgdb](?![aeiouwy]))?")

#: Given names that are one name in Ukrainian, Russian, Belarusian and French forms
#: (Володимир / Владимир / Уладзімір; Микола / Николай). Two of them count as one word
#: of a name at the cost of a rule; two given names of different sets are two people.
GIVEN_NAMES: tuple[frozenset[str], ...] = tuple(frozenset(group.split()) for group in (
    "volodymyr vladimir uladzimir wladimir wolodymyr",
    "oleksandr aleksandr alexander alexandre alyaksandr aliaksandr olexandr",
    "oleksiy oleksii oleksiï aleksei alexei alexeï alexey aliaksei",
    "mykola nikolai nikolaï nikolay mikalai",
    "mykhailo mykhaïlo mikhail mikhaïl mikhaïlo mikhailo",
    "dmytro dmitri dmitry dmitriy dzmitry",
    "serhiy serhii serhiï sergei sergueï sergey siarhei serguei",
    "andriy andrii andriï andrei andreï andrey andrej",
    "yuriy yurii iouri yuri youri yury",
    "heorhiy heorhii gueorgui georgy georgi",
    "hryhoriy hryhorii grigori grigory",
    "yevhen ievhen yevgeny evgueni evgeny ievgueni yevgeni yauhen",
    "kyrylo kirill kiril",
    "petro piotr pyotr petr",
    "pavlo pavel paul",
    "fedir fiodor fyodor fedor",
    "yakiv iakov yakov",
    "vasyl vassili vasily vasili",
    "viktor viktar victor",
    "roman raman",
    "olena elena yelena ielena alena",
    "olha olga volha",
    "tetiana tatiana tatyana",
    "yulia ioulia yuliya iouliia",
    "kateryna ekaterina yekaterina iekaterina katsiaryna",
    "sviatlana svetlana",
    "maria maryia mariya",
    "ales alès",
    "stsiapan stepan",
    "ihar igor ihor",
    "kostiantyn konstantin kanstantsin",
    "vitaliy vitalii vitali vitaly",
    "valeriy valerii valeri valery",
    "arseniy arsenii arseni arseny",
    "ruslan rouslan",
    "denys denis",
    "oleh oleg",
    "anatoliy anatolii anatoli anatoly",
    "leonid", "boris", "ivan", "taras", "ramzan", "akhmad", "arkadi arkady arkadiy", "raisa raissa",
    "hennadiy hennadii guennadi gennady gennadi",
    "nataliya natalia natalya",
    "iryna irina",
))

#: Pairs of word endings that make another word, not another spelling: a
#: surname's feminine form (another person: Navalny / Navalnaya, Zelensky /
#: Zelenska) and endings that make another place (Pokrovsk town / Pokrovske
#: village, Mykolaiv / Mykolaivka, Kupiansk / Kupiansk-Vuzlovyi is handled by
#: the word count). Compared on keys; "" is the bare stem.
DISTINCT_ENDINGS: tuple[tuple[str, str, str], ...] = (
    ("ov", "ova", "masculine and feminine surname (Gorbachev/Gorbacheva)"),
    ("ev", "eva", "masculine and feminine surname"),
    ("in", "ina", "masculine and feminine surname"),
    ("y", "aya", "masculine and feminine surname (Navalny/Navalnaya)"),
    ("y", "aia", "masculine and feminine surname (French: Navalny/Navalnaïa)"),
    ("i", "aia", "masculine and feminine surname (French: Tikhanovski/Tikhanovskaïa)"),
    ("sky", "skaya", "masculine and feminine surname (Tikhanovsky/Tikhanovskaya)"),
    ("ski", "skaia", "masculine and feminine surname"),
    ("sky", "ska", "masculine and feminine Ukrainian surname (Zelensky/Zelenska)"),
    ("skyi", "ska", "masculine and feminine Ukrainian surname"),
    ("ski", "ska", "masculine and feminine surname"),
    ("sk", "ske", "town and village (Pokrovsk/Pokrovske)"),
    ("sk", "skoe", "town and village"),
    ("sk", "skoye", "town and village"),
    ("", "ka", "place and the village named after it (Mykolaiv/Mykolaivka)"),
    ("", "ivka", "place and the village named after it"),
    ("", "ske", "place and the village named after it (Bakhmut/Bakhmutske)"),
)
