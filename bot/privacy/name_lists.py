"""Word lists for finding names and street addresses without a trained model.

Why lists: the redactor runs on every message and log line with `spacy.blank("en")` (no model
download, no NER), and residents of three London boroughs write in every spelling and case.
A first-name list catches the names that appear without any cue ("Can Sarah ring me"); the
cue rules in `people.py` catch the rest. The lists were written for London's communities
(English, Irish, Scottish, Welsh, Caribbean, West and East African, Somali, Eritrean, Arabic,
Iranian, Afghan, Turkish, Kurdish, South Asian, Chinese, Filipino, Polish and other Eastern
European, Portuguese, Spanish, Italian, Brazilian...). They are not exhaustive and need not be:
an unknown name after "my name is", "I'm", a title or a relation ("my son") is still found.
"""

from __future__ import annotations

FIRST_NAMES = frozenset("""
aaliyah aaron abbas abbie abby abdi abdiaziz abdikarim abdirahman abdul abdullah abdullahi
abel abigail abimbola abu ada adaeze adam adamu adebayo adel adele adnan adrian adriana aga
agata agnes agnieszka ahmad ahmed ahmet aidan aiden aileen aisha aishah akash akosua akua
alan alana alberto aleksander aleksandra alex alexa alexander alexandra alexei alfie alfredo
ali alice alicia alina alison alistair aliyu allan alma amal amanda amara amardeep amber
amelia amina amir amira amit amna amos amy ana anastasia anderson andre andrea andreas andrei
andrew andrzej andy aneesa angela angelica angus anil anita anja anjali ann anna annabel
anne annette annie anoushka anthony antonio anya anwar aoife arash archie arif arjun arlene
arnold arthur aryan asad ashley ashok asif asma astrid aurelia austin ava ayaan ayesha ayman
ayo ayodele ayse aziz azra babajide bahar bakari balvinder barbara barry bartek bartosz
basil beata beatrice becky belinda ben benedict benjamin bernadette bernard beth bethany
betty beverley bilal billie blessing bogdan bola boris brandon brenda brendan brian bridget
bronwen bruno bryony bukola busisiwe caitlin callum calvin cameron camila carl carla carlos
carmel carmen carol caroline carolyn casey cassandra catarina catherine cathy cecilia celia
chantelle charles charlie charlotte chelsea chen cheryl chiamaka chidi chinedu chioma chloe
chris christian christina christine christopher chukwuemeka ciara ciaran claire clara
clarissa claudia clement clifford clive colin conor connor constance cora craig cristina
cynthia dafydd daisy dale damian damilola dan dana daniel daniela daniele danielle danny
dariusz darren dave david dawit dean debbie deborah declan deepak deepika delroy demi denise
dennis derek desmond devon dewi dhruv diana diane dimitri dmitri dolores dominic dominika
donna doreen doris dorota dorothy douglas duncan dwayne dylan eamon eamonn ebony ed eddie
edith edmund edward edwin efua eileen ekaterina elaine eleanor elena eli elias elif elijah
elizabeth ella ellen ellie elliot eloise elsa emeka emily emilia emma emmanuel emre enrique
eric erica erin ernest esther ethan eugene eva evan eve evelyn ewa ezra fahad faisal faith
farah farhan farid farida farzana fatima fatma fatuma faye felicity felix femi fernando
filip filipa fiona fitzroy florence folasade francesca francesco francis frankie fraser
freddie frederick funmi gabriel gabriela gabriella gareth garfield gary gavin gemma geoffrey
george georgia georgina gerald geraldine gerard gianluca gillian gina giorgos giovanni gita
giulia gloria gordon graham gregory greta grzegorz gulshan gurpreet gustavo habiba hadiza
hafsa hakan halima hamid hamza hana hanna hannah harjit harold harpreet harriet harrison
harry haruki hassan hayley hazel heather hector heidi helen helena henry hiba hilary hina
hiroshi holly hossein hugh hugo hussain hussein ian ibrahim ibrahima idris ifeoma ifeanyi
ignacio igor ikram ilyas imogen imran ines inga ingrid iqbal irene irina iris isaac isabel
isabella isabelle isaiah ishaan ismail israel ivan iwona jack jackie jacob jacqueline jade
jagdeep jakub jamal james jamie jamila jan jane janet janice jasmine jason jaswinder javier
jay jayden jean jeanette jeff jelena jemima jennifer jenny jeremy jerome jess jessica jill
joan joanna joanne jodie joe joel johanna john johnny jon jonathan jordan jorge jose joseph
josephine josh joshua joy joyce juan judith judy julia julian juliet julie justin justyna
kadiatou kamal kamala kamil kamila karen karim karina karol karolina kasia kasim katarzyna
kate katharine katherine kathleen kathryn katie katy kayleigh keith kelechi kelly kemal ken
kenneth kerry kevin khadija khalid kiran kirsty kofi krishna krystyna krzysztof kuldip
kwabena kwame kwasi kyle lakshmi lamar lara laszlo laura lauren laurence layla leah leanne
lee leila lena leo leon leona leonard leroy lesley leslie lewis liam lila lilian lily linda
lindsay lisa lloyd lois lola lorna lorraine louis louise luca lucas lucia lucy luis luisa
lukas lukasz luke lydia lynn lynne madeleine magda magdalena mahmoud maisie majid maksim
malcolm malik mandeep manuel marcel marcin marco marcus margaret margarida maria mariam
marian marianne marie marina mario marion mariusz marjorie marta martha martin martina mary
maryam mateusz matilda matt matthew maureen max maxine maya megan mehmet mei melanie melissa
mercy mia michael michaela michal michelle miguel mihai mikael milan miles milly min minh
miriam mohamed mohammad mohammed mohamud moira molly monica monika morgan moses muhammad
muna murat mustafa nadia nadine naeem naomi nasir nasrin natalia natalie natasha nathan
nathaniel neil nelson ngozi niall nicholas nicola nicole nikhil nikola nikolai nimo nina
nisha noah noel noor nora norma norman nour nuala nur nuria obinna ola olamide olga olivia
olu oluwaseun oluwatobi omar omari orla oscar osman owen pablo padraig pamela paolo
parveen pat patience patricia patrick paul paula paulina pauline pavel pawel pedro peggy
penelope penny percy peter philip philippa phoebe pierre piotr pooja precious priscilla
priya priyanka przemek queenie rachael rachel radek radu rafael rahim rahul raj rajesh
ramon rana ranjit rashid ravi rebecca reggie rehana reza rhiannon rhys ricardo richard rita
rob robert roberto robin rohan roisin roman ronald ronan rosa rosalind rosemary rosie ross
roxanne roya ruby rukhsana rupert ruth ryan saad sabrina sadia sadiq saeed safiya sahra
said saira sajid sakina salim sally salma sam samantha samir samira samuel sana sandeep
sandra sanjay sara sarah sasha saskia scott sean sebastian selin selina serena sergei
shabana shahid shakira shamima shanice shannon sharon shauna shaun sheila shirin shirley
siddharth simon simone sinead siobhan sipho sofia sonia sophia sophie stacey stanislaw
stefan stefania stella stephanie stephen steve steven stewart stuart subhan suleiman sultan
sumaya sunil sunita susan suzanne sven sylvia szymon tamara tamsin tanisha tanya tara tariq
tatiana temitope teresa terence terry tess thabo thea theo theresa thomas tiago tim timothy
tina tobias toby tom tomasz tommy toni tony tracey tracy trevor tunde tyler tyrone umar usman
valentina valerie vanessa vera veronica vicky vikram vincent viola violet vivian vivienne
vladimir wanda warsame wayne wendy wiktoria william winston wojciech xavier xin yasmin
yasmine yetunde yolanda yousef yusuf yvonne zac zahra zainab zak zara zeynep zoe zofia zoltan
zuzanna
""".split())

# First names that are also everyday words or places, in English or in the residents' other
# languages (Somali "maya" = no, Spanish "ella" = she, Arabic "ana" = I): a name only with a
# cue or a surname after them ("Grace Adeyemi", not "Grace period"; "Bill Evans", not "Bill
# for my bins").
AMBIGUOUS_FIRST_NAMES = frozenset("""
amber angel art bill bishop bob brook chelsea crystal dawn don faith frank grace hope
ivy jack jordan joy june lance lily may mark miles norman paris pat patience pearl penny
rose ruby rusty sky summer sunny victoria will violet virginia said rob max eve jan min mercy
blessing precious hazel heather holly iris jade dean lee ross dale ken nur sana mei xin ola
maya mia ella alma bola rana leo milan roman ada ana
""".split())
# Names that are everyday words even with a capital after them ("Love Brenda" signs off a
# text): a name only after a strong cue, a title or "I'm" ("Mrs Love", "my name is Love Okafor").
WORD_NAMES = frozenset("love young will hope said bill rose joy".split())

TITLES = frozenset("mr mrs ms miss mx dr prof sir dame lady lord rev cllr".split())

# Kin and roles that introduce a name: "my son Kwame", "our carer Precious".
RELATIONS = frozenset("""
mum mom mother mam mummy dad father daddy son daughter husband wife partner boyfriend
girlfriend fiance fiancee brother sister nephew niece grandson granddaughter grandmother
grandfather grandma grandad granddad nan nana gran granny grandpa aunt auntie aunty uncle
cousin neighbour neighbor friend carer landlord landlady flatmate housemate lodger tenant
child kid baby stepson stepdaughter stepdad stepmum ex colleague boss employer caseworker
worker officer nurse doctor gp teacher
""".split())

# Words that end a name or are never one, whatever their case.
NOT_NAMES = frozenset("""
a about after again all also am an and any anyone anything are as at be because been before
but by can cannot cant can't could did do does doing dont don't each else even every for
from get got had has hasn't have haven't he her here hers him his how i i'd i'll i'm im i've
if in into is isn't it it's its just last let me mine more most much my need needs no nobody
none nor not now of off ok okay on once one only or our out over please pls really same she
should since so some someone something still such than thank thanks that that's the their
them then there these they this those though through thx to too under until up upon us very
via was wasn't we we're were what when where which while who whom whose why will with won't
would yes yet you you're your yours
sorry hello hi hey hiya dear morning afternoon evening good bye goodbye regards cheers
everyone everybody guys team council staff mate love hun sir madam all
calling writing speaking texting messaging asking emailing contacting
new old same other another next previous
help urgent asap today tomorrow tonight yesterday week weekend month year
worried scared afraid sure fine disabled pregnant homeless unemployed pensioner retired
deaf blind ill sick elderly alone single tenant resident carer
""".split())

# Capitalised words that are not names: days, months, places, organisations and services
# residents mention. A surname candidate after a first name is refused when it is one.
NOT_NAME_CAPITALISED = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december christmas easter ramadan eid diwali
london kensington chelsea hammersmith fulham westminster paddington marylebone mayfair soho
pimlico victoria notting kensal brompton earls shepherds acton ealing brent camden islington
lambeth wandsworth southwark hackney battersea britain england scotland wales ireland uk
council councils city borough town hall housing tax benefit benefits credit pension universal
library centre center station line bus tube overground underground road street avenue lane
school college university hospital surgery clinic gp nhs police fire ambulance ward
citizens advice action fraud age concern water gas electric energy british thames edf
octopus ovo microsoft apple google amazon hmrc dwp dvla jobcentre capita royal mail post
office bank barclays hsbc lloyds natwest santander monzo halifax nationwide whatsapp
facebook instagram twitter english polish arabic somali portuguese spanish french urdu
bengali farsi tigrinya amharic turkish romanian italian chinese st saint
bayswater belgravia knightsbridge fitzrovia westbourne kilburn harlesden willesden ladbroke
holland covent strand chinatown queensway wembley stratford brixton peckham lewisham croydon
tooting putney chiswick barnes richmond kingston harrow hounslow heathrow wormwood whitechapel
afghanistan ukraine syria iraq iran somalia somaliland eritrea ethiopia sudan nigeria ghana
poland portugal brazil spain philippines china bangladesh pakistan india lanka morocco
algeria egypt turkey romania bulgaria lithuania latvia albania kosovo yemen libya lebanon
palestine gaza jordan kenya uganda zimbabwe jamaica colombia venezuela ecuador peru russia
france germany italy america usa canada europe africa asia sylhet kabul lagos dublin
british irish scottish welsh european african asian caribbean muslim jewish hindu sikh
catholic deaf disabled blind autistic adult adults social care children's childrens family
services service team department support health safety environmental customer
flat flats apartment room block unit number
""".split())

# The last word of a street or building name.
STREET_SUFFIXES = frozenset("""
road rd street st avenue ave av lane ln gardens gdns garden place pl square sq terrace ter
terr crescent cres close cl court ct way drive dr grove gr gro mews walk row hill park rise
villas mansions house estate green parade yard embankment gate vale wharf tower towers
buildings passage broadway circus market quay reach path view heights lodge hall point
residences apartments hotel hostel harbour basin cottages grange common chase croft dene
drove end field
fields gardens hollow meadow mount orchard pavement promenade ride ridge side wood
hse twr est grv dwellings bldgs pde wlk precinct
""".split())

# Building and estate words: after "from" ("this is Kemi from Brindle House") they name a home.
HOME_SUFFIXES = frozenset("""
estate est house hse court ct tower twr towers mansions dwellings buildings bldgs lodge
cottages villas
""".split())

# Suffixes that are also everyday words: after them a number alone is not enough ("5 minutes
# walk", "3 kids in the house"); the street words must be capitalised or a flat named.
AMBIGUOUS_SUFFIXES = frozenset("""
park green hill court house hall gate view point market place way row walk close rise vale
lodge tower end field fields side wood mount path ride common chase reach yard passage
hotel hostel est
""".split())

# Everyday words that never start or sit inside a street name written after a number.
NOT_STREET_WORDS = frozenset("""
minutes minute mins hours hour hrs days day weeks week months month years year times time
people persons kids children adults bags bins boxes floors floor storeys stairs steps doors
rooms pounds quid percent pence calls emails letters texts visits cats dogs cars
bed beds bedroom bedrooms bedroomed storey min mins sec secs
""".split()) | (NOT_NAMES - {"new", "old", "next", "good", "morning"})


def _common_words() -> frozenset[str]:
    from pathlib import Path

    path = Path(__file__).with_name("common_words.txt")
    return frozenset(path.read_text(encoding="utf-8").split())


# Everyday words residents write (built by devtools/build_common_words.py from the training
# examples, the bot's replies and spaCy's stop words), so that a lower-case word that is not
# one of them, after "I'm" or in a street name after a number, can be taken as a name.
COMMON_WORDS = _common_words() | NOT_NAMES | frozenset("""
gutted desperate skint stuck fuming livid furious shocked stressed upset confused lost
housebound vulnerable diabetic epileptic asthmatic disabled pregnant sorry afraid ashamed
unwell poorly bedbound new moving leaving home back outside inside here there waiting
calling again still also just only always never upstairs downstairs opposite next door
mould damp leak leaks leaking rubbish noise rats mice pests water heating boiler lift lifts
""".split())
