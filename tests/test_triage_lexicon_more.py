"""Safety lexicons for more languages residents write in: German, Vietnamese, Albanian,
Hungarian, Latvian, Greek, Japanese, Korean, Swahili, Tamil, Nepali and Kurdish (Sorani and
Kurmanji). Each language: two hand-written disclosures per urgent category, caught with the right
category (with and without diacritics or tone marks, in script and romanised where residents
type both), and eight benign look-alikes that must not fire; every new entry must load, match
itself and stay silent on about fifty ordinary English council messages. Sentences are written
here, not copied from the files, and none comes from the evaluation sets."""

from __future__ import annotations

import pytest

from bot.triage import UrgentCategory, detect_risk_in_lexicons
from bot.triage.lexicon import LEXICON_DIR, find_lexicon_matches, load_lexicon, normalise
from tests.test_triage_lexicon import ENGLISH

C = UrgentCategory

NEW = ("de", "vi", "sq", "hu", "lv", "el", "ja", "ko", "sw", "ta", "ne", "ckb", "ku")
NEW_LEXICONS = [load_lexicon(LEXICON_DIR / f"{code}.yml") for code in NEW]
NEW_ENTRIES = [entry for lexicon in NEW_LEXICONS for entry in lexicon.phrases + lexicon.vetoes]

POSITIVES_A = [
    # German
    ("de", "Ich will sterben, ich halte das nicht mehr aus", C.SELF_HARM),
    ("de", "Meine Mutter hat alle ihre Tabletten auf einmal genommen", C.SELF_HARM),
    ("de", "Der Nachbar schlägt die Kinder jeden Abend", C.SAFEGUARDING),
    ("de", "Die Kinder sind allein zu Hause, die Mutter ist seit gestern weg", C.SAFEGUARDING),
    ("de", "Mein Mann schlägt mich wenn er trinkt", C.DOMESTIC_ABUSE),
    ("de", "Ich habe Angst vor meinem Mann, er hat mich gewürgt", C.DOMESTIC_ABUSE),
    ("de", "In der Küche riecht es stark, es riecht nach Gas", C.GAS_LEAK),
    ("de", "Der Kohlenmonoxidmelder piept seit einer Stunde", C.GAS_LEAK),
    ("de", "Ich weiß nicht wo ich heute Nacht schlafen soll", C.HOMELESS_TONIGHT),
    ("de", "Mein Vermieter hat uns rausgeworfen, wir sind obdachlos", C.HOMELESS_TONIGHT),
    ("de", "Im Bad ist die Decke eingestürzt", C.UNSAFE_HOME),
    ("de", "Es kommen Funken aus der Steckdose im Kinderzimmer", C.UNSAFE_HOME),
    ("de", "Wir haben keine Heizung und mein Baby ist krank", C.NO_HEATING_OR_WATER),
    ("de", "Seit drei Tagen ohne Heizung mit einem Baby, das Baby friert", C.NO_HEATING_OR_WATER),
    ("de", "Wir haben kein Geld für Essen bis nächste Woche", C.NO_MONEY_FOR_ESSENTIALS),
    ("de", "Die Kinder hungern, wir haben nichts zu essen", C.NO_MONEY_FOR_ESSENTIALS),
    ("de", "Die Pflegerin ist heute nicht gekommen und Oma liegt im Bett",
     C.MISSED_CARE_VISIT),
    ("de", "Der Pflegedienst kam nicht, mein Vater hat nichts gegessen", C.MISSED_CARE_VISIT),
    ("de", "Bitte rufen Sie einen Krankenwagen, er atmet nicht", C.GENERAL),
    ("de", "Hilfe, es brennt im Treppenhaus", C.GENERAL),
    # Vietnamese, with and without tone marks
    ("vi", "Tôi muốn chết, tôi không chịu nổi nữa", C.SELF_HARM),
    ("vi", "me toi vua uong het thuoc trong hop", C.SELF_HARM),
    ("vi", "Hàng xóm đánh đập con của họ mỗi đêm", C.SAFEGUARDING),
    ("vi", "ho de con o nha mot minh ca ngay", C.SAFEGUARDING),
    ("vi", "Chồng tôi đánh tôi mỗi khi say rượu", C.DOMESTIC_ABUSE),
    ("vi", "anh ta doa giet toi neu toi di", C.DOMESTIC_ABUSE),
    ("vi", "Trong bếp có mùi gas rất nặng", C.GAS_LEAK),
    ("vi", "hinh nhu bi ro ri gas o nha toi", C.GAS_LEAK),
    ("vi", "Tối nay tôi không có chỗ ngủ", C.HOMELESS_TONIGHT),
    ("vi", "chu nha vua duoi toi ra khoi nha hom nay", C.HOMELESS_TONIGHT),
    ("vi", "Trần nhà bị sập trong phòng ngủ", C.UNSAFE_HOME),
    ("vi", "o cam toe lua khi toi cam sac", C.UNSAFE_HOME),
    ("vi", "Nhà không có sưởi và em bé bị ốm", C.NO_HEATING_OR_WATER),
    ("vi", "em be bi lanh vi may suoi hong", C.NO_HEATING_OR_WATER),
    ("vi", "Tôi không có tiền mua đồ ăn cho các con", C.NO_MONEY_FOR_ESSENTIALS),
    ("vi", "ca nha khong co gi de an tu hom qua", C.NO_MONEY_FOR_ESSENTIALS),
    ("vi", "Người chăm sóc không đến hôm nay, mẹ tôi ở một mình", C.MISSED_CARE_VISIT),
    ("vi", "nguoi cham soc chua den tu sang", C.MISSED_CARE_VISIT),
    ("vi", "Làm ơn gọi cấp cứu, bố tôi bất tỉnh", C.GENERAL),
    ("vi", "cuu voi, nha ben canh bi chay", C.GENERAL),
    # Albanian, with and without ë/ç
    ("sq", "Nuk dua të jetoj më, jam shumë e lodhur", C.SELF_HARM),
    ("sq", "mendoj per vetevrasje cdo dite", C.SELF_HARM),
    ("sq", "Fqinji rreh fëmijët çdo natë", C.SAFEGUARDING),
    ("sq", "femijet vetem ne shtepi qe nga mengjesi", C.SAFEGUARDING),
    ("sq", "Burri më rreh kur pi alkool", C.DOMESTIC_ABUSE),
    ("sq", "ish burri me kercenon se do me vras", C.DOMESTIC_ABUSE),
    ("sq", "Në kuzhinë vjen erë gazi", C.GAS_LEAK),
    ("sq", "mendoj se ka rrjedhje gazi ne banese", C.GAS_LEAK),
    ("sq", "Sonte nuk kam ku të fle me fëmijët", C.HOMELESS_TONIGHT),
    ("sq", "pronari na nxoren nga shtepia sot", C.HOMELESS_TONIGHT),
    ("sq", "Në banjë ra tavani mbi lavaman", C.UNSAFE_HOME),
    ("sq", "plasi tubi dhe shtepia u permbyt", C.UNSAFE_HOME),
    ("sq", "Jemi pa ngrohje me bebe të vogël", C.NO_HEATING_OR_WATER),
    ("sq", "bebja ka ftohte gjithe naten", C.NO_HEATING_OR_WATER),
    ("sq", "Nuk kam para për ushqim deri të hënën", C.NO_MONEY_FOR_ESSENTIALS),
    ("sq", "femijet jane te uritur dhe nuk kemi asgje", C.NO_MONEY_FOR_ESSENTIALS),
    ("sq", "Kujdestarja nuk erdhi sot te nëna ime", C.MISSED_CARE_VISIT),
    ("sq", "sot nuk erdhi kujdestari per babain", C.MISSED_CARE_VISIT),
    ("sq", "Ju lutem thirrni ambulancën, nuk merr frymë", C.GENERAL),
    ("sq", "ka zjarr ne katin e dyte", C.GENERAL),
    # Hungarian, with and without accents
    ("hu", "Meg akarok halni, nem bírom tovább", C.SELF_HARM),
    ("hu", "bevettem az osszes gyogyszeremet", C.SELF_HARM),
    ("hu", "A szomszéd veri a gyereket minden este", C.SAFEGUARDING),
    ("hu", "a gyerekek egyedul otthon vannak reggel ota", C.SAFEGUARDING),
    ("hu", "A férjem ver engem, amikor iszik", C.DOMESTIC_ABUSE),
    ("hu", "felek a ferjemtol, tegnap megutott", C.DOMESTIC_ABUSE),
    ("hu", "Gázszagot érzek a konyhában", C.GAS_LEAK),
    ("hu", "azt hiszem szivarog a gaz a lakasban", C.GAS_LEAK),
    ("hu", "Ma éjjel nincs hol aludnom", C.HOMELESS_TONIGHT),
    ("hu", "a fobérlo kidobott a lakasbol ma reggel", C.HOMELESS_TONIGHT),
    ("hu", "A fürdőszobában leszakadt a plafon", C.UNSAFE_HOME),
    ("hu", "szikrazik a konnektor a nappaliban", C.UNSAFE_HOME),
    ("hu", "Nincs fűtés és a baba beteg", C.NO_HEATING_OR_WATER),
    ("hu", "fazik a baba egesz ejjel", C.NO_HEATING_OR_WATER),
    ("hu", "Nincs pénzem ételre a hét végéig", C.NO_MONEY_FOR_ESSENTIALS),
    ("hu", "ehesek a gyerekek es nincs mit ennunk", C.NO_MONEY_FOR_ESSENTIALS),
    ("hu", "A gondozó nem jött el ma anyámhoz", C.MISSED_CARE_VISIT),
    ("hu", "ma reggel nem jott a gondozo apamhoz", C.MISSED_CARE_VISIT),
    ("hu", "Kérem hívják a mentőt, nem lélegzik", C.GENERAL),
    ("hu", "tuz van a lepcsohazban", C.GENERAL),
    # Latvian, with and without diacritics
    ("lv", "Es gribu nomirt, vairs nevaru", C.SELF_HARM),
    ("lv", "mamma iedzera visas tabletes", C.SELF_HARM),
    ("lv", "Kaimiņš sit bērnus katru vakaru", C.SAFEGUARDING),
    ("lv", "berni vieni majas jau divas dienas", C.SAFEGUARDING),
    ("lv", "Mans vīrs mani sit, kad dzer", C.DOMESTIC_ABUSE),
    ("lv", "baidos no vira, vins draud mani nogalinat", C.DOMESTIC_ABUSE),
    ("lv", "Virtuvē ož pēc gāzes", C.GAS_LEAK),
    ("lv", "dzivokli ir gazes smaka jau no rita", C.GAS_LEAK),
    ("lv", "Man nav kur gulēt šonakt", C.HOMELESS_TONIGHT),
    ("lv", "saimnieks mus izmeta no dzivokla", C.HOMELESS_TONIGHT),
    ("lv", "Vannas istabā iebruka griesti", C.UNSAFE_HOME),
    ("lv", "kontaktligzda dzirkstelo viesistaba", C.UNSAFE_HOME),
    ("lv", "Nav apkures un mazulis ir slims", C.NO_HEATING_OR_WATER),
    ("lv", "mazulim ir auksti visu nakti", C.NO_HEATING_OR_WATER),
    ("lv", "Mums nav naudas ēdienam līdz pirmdienai", C.NO_MONEY_FOR_ESSENTIALS),
    ("lv", "berniem nav ko est majas", C.NO_MONEY_FOR_ESSENTIALS),
    ("lv", "Aprūpētāja šodien neatnāca pie mammas", C.MISSED_CARE_VISIT),
    ("lv", "tetim aprupetajs nav atnacis no rita", C.MISSED_CARE_VISIT),
    ("lv", "Lūdzu izsauciet ātro palīdzību, viņš neelpo", C.GENERAL),
    ("lv", "kaimina dzivoklis deg", C.GENERAL),
]

POSITIVES_B = [
    # Greek, in Greek letters with accents and in Greeklish
    ("el", "Θέλω να πεθάνω, δεν αντέχω άλλο", C.SELF_HARM),
    ("el", "h mitera mou ipia ola ta xapia tis", C.SELF_HARM),
    ("el", "Ο γείτονας χτυπάει τα παιδιά κάθε βράδυ", C.SAFEGUARDING),
    ("el", "to paidi se kindyno, o pateras pinei", C.SAFEGUARDING),
    ("el", "Ο άντρας μου με χτυπάει όταν πίνει", C.DOMESTIC_ABUSE),
    ("el", "o prwhn mou me xtypaei kai me apeilei", C.DOMESTIC_ABUSE),
    ("el", "Στην κουζίνα μυρίζει γκάζι", C.GAS_LEAK),
    ("el", "sto spiti mirizei gkazi poli", C.GAS_LEAK),
    ("el", "Απόψε δεν έχω πού να κοιμηθώ", C.HOMELESS_TONIGHT),
    ("el", "apopse den exo pou na koimitho me ta paidia", C.HOMELESS_TONIGHT),
    ("el", "Στο μπάνιο έπεσε το ταβάνι", C.UNSAFE_HOME),
    ("el", "Η πρίζα βγάζει σπίθες στο σαλόνι", C.UNSAFE_HOME),
    ("el", "Δεν έχουμε θέρμανση και το μωρό είναι άρρωστο", C.NO_HEATING_OR_WATER),
    ("el", "to moro kryonei olh nyxta", C.NO_HEATING_OR_WATER),
    ("el", "Δεν έχουμε να φάμε από χθες", C.NO_MONEY_FOR_ESSENTIALS),
    ("el", "den exo lefta gia fagito mexri th deftera", C.NO_MONEY_FOR_ESSENTIALS),
    ("el", "Η φροντίστρια δεν ήρθε σήμερα στη μητέρα μου", C.MISSED_CARE_VISIT),
    ("el", "simera den irthe o frontistis, h frontistria den irthe", C.MISSED_CARE_VISIT),
    ("el", "Καλέστε ασθενοφόρο, δεν αναπνέει", C.GENERAL),
    ("el", "voitheia eimai se kindyno", C.GENERAL),
    # Japanese
    ("ja", "もう死にたいです", C.SELF_HARM),
    ("ja", "母が薬を全部飲んでしまいました", C.SELF_HARM),
    ("ja", "隣の人が子供を殴っています", C.SAFEGUARDING),
    ("ja", "子どもだけで家に二日間いる", C.SAFEGUARDING),
    ("ja", "夫に殴られています", C.DOMESTIC_ABUSE),
    ("ja", "彼が殺すと脅してきます", C.DOMESTIC_ABUSE),
    ("ja", "台所がガス臭いです", C.GAS_LEAK),
    ("ja", "家でｶﾞｽ漏れがあるかもしれません", C.GAS_LEAK),
    ("ja", "今夜寝る場所がないです", C.HOMELESS_TONIGHT),
    ("ja", "大家に家を追い出されました", C.HOMELESS_TONIGHT),
    ("ja", "お風呂の天井が落ちてきました", C.UNSAFE_HOME),
    ("ja", "コンセントから火花が出ています", C.UNSAFE_HOME),
    ("ja", "暖房がなくて、赤ちゃんが病気です", C.NO_HEATING_OR_WATER),
    ("ja", "部屋が寒すぎて凍えそうです", C.NO_HEATING_OR_WATER),
    ("ja", "子供たちに食べるものがないです", C.NO_MONEY_FOR_ESSENTIALS),
    ("ja", "食べ物を買うお金がないんです", C.NO_MONEY_FOR_ESSENTIALS),
    ("ja", "今朝ヘルパーさんが来なかったです", C.MISSED_CARE_VISIT),
    ("ja", "父の介護士が来ないまま夜になった", C.MISSED_CARE_VISIT),
    ("ja", "救急車を呼んでください、息をしていないです", C.GENERAL),
    ("ja", "隣の家が火事です", C.GENERAL),
    # Korean
    ("ko", "너무 힘들어서 죽고 싶어요", C.SELF_HARM),
    ("ko", "엄마가 약을 다 먹었어요", C.SELF_HARM),
    ("ko", "옆집 사람이 아이를 때려요", C.SAFEGUARDING),
    ("ko", "아이들만 집에 이틀째 있어요", C.SAFEGUARDING),
    ("ko", "남편이 술 마시면 저를 때려요", C.DOMESTIC_ABUSE),
    ("ko", "가정폭력 때문에 도움이 필요해요", C.DOMESTIC_ABUSE),
    ("ko", "부엌에서 가스 냄새가 나요", C.GAS_LEAK),
    ("ko", "집에 가스가 새는 것 같아요", C.GAS_LEAK),
    ("ko", "오늘 밤 잘 곳이 없어요", C.HOMELESS_TONIGHT),
    ("ko", "집주인한테 쫓겨났어요", C.HOMELESS_TONIGHT),
    ("ko", "화장실 천장이 무너졌어요", C.UNSAFE_HOME),
    ("ko", "콘센트에서 불꽃이 튀어요", C.UNSAFE_HOME),
    ("ko", "난방이 안 되고 아기가 아파요", C.NO_HEATING_OR_WATER),
    ("ko", "밤새 아기가 추워해요", C.NO_HEATING_OR_WATER),
    ("ko", "아이들이 먹을 것이 없어요", C.NO_MONEY_FOR_ESSENTIALS),
    ("ko", "며칠째 굶고 있어요", C.NO_MONEY_FOR_ESSENTIALS),
    ("ko", "오늘 요양보호사가 안 왔어요", C.MISSED_CARE_VISIT),
    ("ko", "아버지 간병인이 오지 않았어요", C.MISSED_CARE_VISIT),
    ("ko", "구급차를 불러 주세요, 숨을 안 쉬어요", C.GENERAL),
    ("ko", "옆집에 불이 났어요", C.GENERAL),
    # Swahili
    ("sw", "Nataka kufa, siwezi tena", C.SELF_HARM),
    ("sw", "mama amemeza vidonge vyote leo", C.SELF_HARM),
    ("sw", "Jirani anawapiga watoto kila usiku", C.SAFEGUARDING),
    ("sw", "watoto wako peke yao nyumbani tangu jana", C.SAFEGUARDING),
    ("sw", "Mume wangu ananipiga akilewa", C.DOMESTIC_ABUSE),
    ("sw", "alinipiga jana na anatishia kuniua", C.DOMESTIC_ABUSE),
    ("sw", "Kuna harufu ya gesi jikoni", C.GAS_LEAK),
    ("sw", "nadhani gesi inavuja nyumbani", C.GAS_LEAK),
    ("sw", "Leo usiku sina mahali pa kulala", C.HOMELESS_TONIGHT),
    ("sw", "tumefukuzwa nyumbani na mwenye nyumba", C.HOMELESS_TONIGHT),
    ("sw", "Dari imeanguka bafuni", C.UNSAFE_HOME),
    ("sw", "bomba limepasuka na nyumba imejaa maji", C.UNSAFE_HOME),
    ("sw", "Hakuna joto na mtoto anaumwa", C.NO_HEATING_OR_WATER),
    ("sw", "mtoto ana baridi usiku mzima", C.NO_HEATING_OR_WATER),
    ("sw", "Sina pesa ya chakula mpaka Jumatatu", C.NO_MONEY_FOR_ESSENTIALS),
    ("sw", "watoto wana njaa na hatuna chakula", C.NO_MONEY_FOR_ESSENTIALS),
    ("sw", "Mhudumu hakuja leo kwa mama yangu", C.MISSED_CARE_VISIT),
    ("sw", "baba yangu mlezi hakuja asubuhi", C.MISSED_CARE_VISIT),
    ("sw", "Tafadhali iteni ambulensi, hapumui", C.GENERAL),
    ("sw", "kuna moto kwenye ngazi", C.GENERAL),
    # Tamil, in Tamil script and romanised
    ("ta", "எனக்கு தற்கொலை செய்ய தோணுது", C.SELF_HARM),
    ("ta", "enakku saaganum pola irukku", C.SELF_HARM),
    ("ta", "பக்கத்து வீட்டுக்காரர் குழந்தையை அடிக்கிறார்", C.SAFEGUARDING),
    ("ta", "kuzhanthai aabathil irukku udhavunga", C.SAFEGUARDING),
    ("ta", "என் கணவர் என்னை அடிக்கிறார்", C.DOMESTIC_ABUSE),
    ("ta", "en purushan ennai adikkiraan daily", C.DOMESTIC_ABUSE),
    ("ta", "சமையலறையில் கேஸ் வாசனை வருது", C.GAS_LEAK),
    ("ta", "veetla gas vasanai adikuthu", C.GAS_LEAK),
    ("ta", "இன்று இரவு தூங்க இடம் இல்லை", C.HOMELESS_TONIGHT),
    ("ta", "indru iravu thoonga idam illai", C.HOMELESS_TONIGHT),
    ("ta", "பாத்ரூமில் கூரை இடிந்து விழுந்தது", C.UNSAFE_HOME),
    ("ta", "veettil vellam vanthuduchu", C.UNSAFE_HOME),
    ("ta", "ஹீட்டிங் இல்லை குழந்தைக்கு காய்ச்சல்", C.NO_HEATING_OR_WATER),
    ("ta", "heating illa kuzhanthaiku udambu sari illa", C.NO_HEATING_OR_WATER),
    ("ta", "சாப்பிட எதுவும் இல்லை வீட்டில்", C.NO_MONEY_FOR_ESSENTIALS),
    ("ta", "pasangalukku saapida onnum illa", C.NO_MONEY_FOR_ESSENTIALS),
    ("ta", "அம்மாவுக்கு கேரர் வரவில்லை இன்று", C.MISSED_CARE_VISIT),
    ("ta", "appavukku carer varala inniku", C.MISSED_CARE_VISIT),
    ("ta", "அவர் மூச்சு விடவில்லை ஆம்புலன்ஸ் கூப்பிடுங்க", C.GENERAL),
    ("ta", "kaapaathunga naan aabathil irukken", C.GENERAL),
    # Nepali, in Devanagari and romanised
    ("ne", "मलाई मर्न मन लाग्छ", C.SELF_HARM),
    ("ne", "aama le sabai aushadhi khaye jasto chha", C.SELF_HARM),
    ("ne", "छिमेकीले बच्चालाई कुट्छ", C.SAFEGUARDING),
    ("ne", "unko bachha khatara ma chha", C.SAFEGUARDING),
    ("ne", "मेरो श्रीमानले कुट्छ हरेक दिन", C.DOMESTIC_ABUSE),
    ("ne", "mero shriman le malai kutchha", C.DOMESTIC_ABUSE),
    ("ne", "भान्सामा ग्यासको गन्ध आइरहेको छ", C.GAS_LEAK),
    ("ne", "ghar ma gas ganhaayo dherai", C.GAS_LEAK),
    ("ne", "आज राति सुत्ने ठाउँ छैन", C.HOMELESS_TONIGHT),
    ("ne", "aaja rati sutne thau chaina", C.HOMELESS_TONIGHT),
    ("ne", "बाथरुमको छत खस्यो", C.UNSAFE_HOME),
    ("ne", "pipe phutyo ani ghar ma pani pasyo", C.UNSAFE_HOME),
    ("ne", "बच्चालाई जाडो भयो हिटर छैन", C.NO_HEATING_OR_WATER),
    ("ne", "heating chaina ra bachha birami chha", C.NO_HEATING_OR_WATER),
    ("ne", "घरमा खाने केही छैन", C.NO_MONEY_FOR_ESSENTIALS),
    ("ne", "hami bhokai chhau du din dekhi", C.NO_MONEY_FOR_ESSENTIALS),
    ("ne", "आज आमाको केयरर आएन", C.MISSED_CARE_VISIT),
    ("ne", "buwa ko carer aayena aaja", C.MISSED_CARE_VISIT),
    ("ne", "उहाँ सास फेर्दैन, एम्बुलेन्स बोलाउनुहोस्", C.GENERAL),
    ("ne", "chhimeki ko ghar ma aago lagyo", C.GENERAL),
    # Kurdish: Sorani (ckb) and Kurmanji (ku)
    ("ckb", "من دەمەوێت بمرم، ئیتر ناتوانم", C.SELF_HARM),
    ("ckb", "بیر لە خۆکوشتن دەکەمەوە", C.SELF_HARM),
    ("ckb", "دراوسێکەمان لە منداڵەکان دەدات", C.SAFEGUARDING),
    ("ckb", "منداڵەکان بە تەنها لە ماڵن", C.SAFEGUARDING),
    ("ckb", "مێردەکەم لێم دەدات هەموو شەوێک", C.DOMESTIC_ABUSE),
    ("ckb", "من لە مێردەکەم دەترسم", C.DOMESTIC_ABUSE),
    ("ckb", "لە چێشتخانە بۆنی گاز دێت", C.GAS_LEAK),
    ("ckb", "پێم وایە گاز دەچۆڕێت لە ماڵەکەم", C.GAS_LEAK),
    ("ckb", "ئەمشەو شوێنم نییە بۆ خەوتن", C.HOMELESS_TONIGHT),
    ("ckb", "خاوەن ماڵ لە ماڵ دەریان کردین", C.HOMELESS_TONIGHT),
    ("ckb", "بنمیچەکە کەوت لە حەمامەکە", C.UNSAFE_HOME),
    ("ckb", "بۆرییەکە تەقی و ئاو هەموو شوێنێکی گرت", C.UNSAFE_HOME),
    ("ckb", "منداڵەکەم سەرمایەتی و گەرمی نییە", C.NO_HEATING_OR_WATER),
    ("ckb", "هەموومان لە سەرمادا دەلەرزین", C.NO_HEATING_OR_WATER),
    ("ckb", "پارەم نییە بۆ خواردن تا دووشەممە", C.NO_MONEY_FOR_ESSENTIALS),
    ("ckb", "منداڵەکان برسین و هیچمان نییە", C.NO_MONEY_FOR_ESSENTIALS),
    ("ckb", "ئەمڕۆ چاودێرەکە نەهات بۆ دایکم", C.MISSED_CARE_VISIT),
    ("ckb", "بۆ باوکم چاودێر نەهات", C.MISSED_CARE_VISIT),
    ("ckb", "تکایە ئەمبولانس بانگ بکەن، هەناسە نادات", C.GENERAL),
    ("ckb", "فریام بکەون تکایە", C.GENERAL),
    ("ku", "Ez dixwazim bimirim, êdî nikarim", C.SELF_HARM),
    ("ku", "ez li ser xwekuşiyê difikirim", C.SELF_HARM),
    ("ku", "Cîran li zarokan dixe her şev", C.SAFEGUARDING),
    ("ku", "zarok bi tene li mal in ji duh ve", C.SAFEGUARDING),
    ("ku", "Mêrê min li min dixe dema vedixwe", C.DOMESTIC_ABUSE),
    ("ku", "ez ji mere xwe ditirsim", C.DOMESTIC_ABUSE),
    ("ku", "Li mitbaxê bêhna gazê tê", C.GAS_LEAK),
    ("ku", "ez difikirim gaz diherike li male", C.GAS_LEAK),
    ("ku", "Îşev cihê min tune ku razêm", C.HOMELESS_TONIGHT),
    ("ku", "xwediye xani me ji male derxistin", C.HOMELESS_TONIGHT),
    ("ku", "Li serşokê tavan ket", C.UNSAFE_HOME),
    ("ku", "boriya ave teqiya u xani av girt", C.UNSAFE_HOME),
    ("ku", "Germahî tune û zarok nexweş e", C.NO_HEATING_OR_WATER),
    ("ku", "zaroke min sar e hemu sev", C.NO_HEATING_OR_WATER),
    ("ku", "Pere ji bo xwarinê tune heta duşemê", C.NO_MONEY_FOR_ESSENTIALS),
    ("ku", "zarok birci ne u tistek tune", C.NO_MONEY_FOR_ESSENTIALS),
    ("ku", "Îro alîkar nehat ji bo diya min", C.MISSED_CARE_VISIT),
    ("ku", "karmenda lenerine nehat ji bo bavê min", C.MISSED_CARE_VISIT),
    ("ku", "Ji kerema xwe ambulans gazi bikin", C.GENERAL),
    ("ku", "agir ket li avahiye", C.GENERAL),
]

POSITIVES = POSITIVES_A + POSITIVES_B

NEGATIVES = [
    ("de", "Wie kann ich meine Gasrechnung bezahlen?"),
    ("de", "Die Brandschutztür wird nächste Woche geprüft"),
    ("de", "Ich möchte eine Reparatur der Heizung für nächste Woche beantragen"),
    ("de", "Ich bin nicht in Gefahr, ich habe nur eine Frage"),
    ("de", "Wann wird der Müll in unserer Straße abgeholt?"),
    ("de", "Ich sterbe vor Neugier, wann öffnet die Bibliothek?"),
    ("de", "Mein Sohn braucht einen Platz in der Kita"),
    ("de", "Es brennt mir unter den Nägeln: wann kommt der Bescheid?"),  # idiom: it's pressing
    ("de", "Kann ich die Miete noch per Lastschrift zahlen?"),
    ("vi", "Làm sao để trả hóa đơn gas?"),
    ("vi", "từ từ thôi, tôi chỉ muốn hỏi về thuế hội đồng"),
    ("vi", "tu tu roi toi gui giay to sau"),
    ("vi", "Tôi không gặp nguy hiểm, chỉ muốn hỏi thôi"),
    ("vi", "Khi nào thư viện mở cửa lại?"),
    ("vi", "Tôi muốn hẹn lịch sửa máy sưởi tuần sau"),
    ("vi", "danh sach cho o xa hoi cua toi the nao roi"),
    ("vi", "con toi sap vao truong tieu hoc"),
    ("vi", "Tôi muốn hỏi về hỗ trợ cho người vô gia cư"),  # asking about homeless support
    ("vi", "gia dinh toi co dao Phat"),  # my family is Buddhist ("có đạo")
    ("sq", "Si ta paguaj faturën e gazit?"),
    ("sq", "Nuk jam në rrezik, kam vetëm një pyetje"),
    ("sq", "Kur mblidhen mbeturinat në rrugën tonë?"),
    ("sq", "Dua të rregulloj ngrohjen javën tjetër"),
    ("sq", "A është e hapur biblioteka të shtunën?"),
    ("sq", "Kam nevojë për leje parkimi të re"),
    ("sq", "Djali im fillon shkollën në shtator"),
    ("sq", "dua te paguaj taksen e keshillit me karte"),
    ("sq", "A ka ndihmë për njerëzit pa strehë?"),  # is there help for people without shelter
    ("hu", "Hogyan fizethetem ki a gázszámlát?"),
    ("hu", "Nem vagyok veszélyben, csak kérdezni szeretnék"),
    ("hu", "Mikor viszik el a szemetet az utcánkban?"),
    ("hu", "Szeretnék fűtésjavítást kérni jövő hétre"),
    ("hu", "Nyitva van a könyvtár szombaton?"),
    ("hu", "Új parkolási engedélyre van szükségem"),
    ("hu", "A fiam szeptemberben kezdi az iskolát"),
    ("hu", "meg tudom fizetni a lakbert atutalassal?"),
    ("lv", "Kā samaksāt gāzes rēķinu?"),
    ("lv", "Es neesmu briesmās, man ir tikai jautājums"),
    ("lv", "Kad tiks izvesti atkritumi mūsu ielā?"),
    ("lv", "Gribu pieteikt apkures remontu nākamnedēļ"),
    ("lv", "Vai bibliotēka sestdien ir atvērta?"),
    ("lv", "Man vajag jaunu stāvvietas atļauju"),
    ("lv", "Mans dēls septembrī sāk iet skolā"),
    ("lv", "ugunsgreka trauksmes parbaude bus rit"),
    ("el", "Πώς πληρώνω τον λογαριασμό αερίου;"),
    ("el", "Δεν είμαι σε κίνδυνο, απλώς ρωτάω"),
    ("el", "Πότε μαζεύουν τα σκουπίδια στον δρόμο μας;"),
    ("el", "Θέλω να κλείσω ραντεβού για επισκευή θέρμανσης"),
    ("el", "Είναι ανοιχτή η βιβλιοθήκη το Σάββατο;"),
    ("el", "den eimai se kindyno, thelo mono plirofories"),
    ("el", "pos plirono ton logariasmo gkaziou"),
    ("el", "O gios mou paei sxoleio ton septemvrio"),
    ("ja", "ガス料金はどうやって払いますか"),
    ("ja", "危険ではないですが、質問があります"),
    ("ja", "来週暖房の修理をお願いしたいです"),
    ("ja", "図書館は土曜日に開いていますか"),
    ("ja", "火災保険について聞きたいです"),
    ("ja", "ゴミの収集日はいつですか"),
    ("ja", "駐車許可証を更新したいです"),
    ("ja", "税金のことで助けてください"),
    ("ja", "ホームレス支援について知りたいです"),  # about support for homeless people
    ("ja", "火事の時の避難経路を教えてください"),  # the escape route in case of fire
    ("ko", "가스 요금은 어떻게 내나요?"),
    ("ko", "위험하지 않아요, 그냥 질문이 있어요"),
    ("ko", "다음 주에 난방 수리를 신청하고 싶어요"),
    ("ko", "도서관이 토요일에 열어요?"),
    ("ko", "쓰레기 수거일이 언제예요?"),
    ("ko", "그 영화 너무 웃겨 죽는 줄 알았어요"),
    ("ko", "주차 허가증을 새로 받고 싶어요"),
    ("ko", "아이 학교 입학 때문에 문의드려요"),
    ("ko", "노숙자 지원 프로그램이 있나요?"),  # is there a programme for homeless people
    ("ko", "성폭력 예방 교육은 언제 있어요?"),  # when is the prevention training
    ("sw", "Nalipaje bili ya gesi?"),
    ("sw", "Siko hatarini, nina swali tu"),
    ("sw", "Takataka zitakusanywa lini mtaani kwetu?"),
    ("sw", "Nataka kuomba matengenezo ya hita wiki ijayo"),
    ("sw", "Je, maktaba iko wazi Jumamosi?"),
    ("sw", "Nahitaji kibali kipya cha kuegesha gari"),
    ("sw", "Mwanangu anaanza shule mwezi Septemba"),
    ("sw", "nilicheka hadi nusura kufa kwa kicheko"),
    ("ta", "கேஸ் பில் எப்படி கட்டுவது?"),
    ("ta", "நான் ஆபத்தில் இல்லை, ஒரு கேள்வி மட்டும்"),
    ("ta", "குப்பை எப்போது எடுப்பார்கள்?"),
    ("ta", "அடுத்த வாரம் ஹீட்டிங் பழுது பார்க்க வேண்டும்"),
    ("ta", "naan aabathil illai, oru kelvi mattum"),
    ("ta", "gas bill eppadi kattuvathu"),
    ("ta", "library saturday thirandhu irukka"),
    ("ta", "en magan september la school poraan"),
    ("ne", "ग्यासको बिल कसरी तिर्ने?"),
    ("ne", "म खतरामा छैन, एउटा प्रश्न मात्र"),
    ("ne", "फोहोर कहिले उठाउँछन्?"),
    ("ne", "अर्को हप्ता हिटिङ मर्मत गर्न चाहन्छु"),
    ("ne", "ma khatara ma chaina, euta prashna matra"),
    ("ne", "gas ko bill kasari tirne"),
    ("ne", "library shanibar khulla chha?"),
    ("ne", "mero chhora september ma school jancha"),
    ("ckb", "چۆن پسوولەی گاز بدەم؟"),
    ("ckb", "من لە مەترسیدا نیم، تەنها پرسیارێکم هەیە"),
    ("ckb", "کەی زبڵەکان کۆدەکەنەوە؟"),
    ("ckb", "دەمەوێت هەفتەی داهاتوو گەرمکەرەوە چاک بکرێت"),
    ("ckb", "کتێبخانە شەممە کراوەیە؟"),
    ("ckb", "مۆڵەتی پارککردنی نوێم دەوێت"),
    ("ckb", "کوڕەکەم لە سێپتەمبەر دەچێتە قوتابخانە"),
    ("ckb", "پارەی گاز چەندە؟"),
    ("ku", "Ez çawa fatûraya gazê bidim?"),
    ("ku", "Ez ne di xeterê de me, tenê pirsek min heye"),
    ("ku", "Gemar kengî tê komkirin?"),
    ("ku", "Ez dixwazim hefteya bê germahiyê tamîr bikim"),
    ("ku", "Pirtûkxane roja şemiyê vekirî ye?"),
    ("ku", "Destûra parkkirinê ya nû divê"),
    ("ku", "Kurê min di îlonê de dest bi dibistanê dike"),
    ("ku", "zarok li mal in, ez dixwazim bacê bidim"),
]

# Ordinary council messages, with the words that sit next to an emergency in the lexicons
# ("gas", "fire", "heating", "carer", "dying", "danger") used in their everyday sense.
BENIGN_ENGLISH = ENGLISH + [
    "how do I pay my gas bill",
    "my gas bill is higher than usual this month",
    "when is the fire door inspection in our block",
    "the fire alarm test is on Monday morning",
    "I want to book a heating repair request for next week",
    "my heating engineer is coming on Thursday",
    "I'm dying to know when the library reopens",
    "is my personal data in danger after the attack",
    "the carer's allowance form is not loading",
    "can my carer park outside on the double yellow lines",
    "I need a replacement smoke alarm, no rush",
    "do you collect garden waste in December",
    "my mum has a care assessment next month",
    "where do I send the form for school meals",
    "how long does a housing transfer take",
    "can I pay the parking fine in instalments",
    "my son lost his bus pass",
    "the street light outside number 12 is out",
    "we had a leak last year and it was fixed",
    "is the food bank open on Sundays",
    "I would like a paper copy of my council tax bill",
    "who do I ask about a dropped kerb",
    "our estate needs more bins",
    "the water was off for an hour this morning but it is back",
    "can I still use the tip this weekend",
    "nobody is in danger, I just want information",
]


def test_every_new_language_has_a_file() -> None:
    assert {path.stem for path in LEXICON_DIR.glob("*.yml")} >= set(NEW)
    assert all(not lexicon.reviewed for lexicon in NEW_LEXICONS)


def test_examples_cover_every_new_language_and_category() -> None:
    for code in NEW:
        for category in UrgentCategory:
            found = [t for lang, t, cat in POSITIVES if lang == code and cat is category]
            assert len(found) >= 2, (code, category)
        assert len([t for lang, t in NEGATIVES if lang == code]) >= 8, code


@pytest.mark.parametrize(("language", "text", "category"), POSITIVES,
                         ids=[f"{lang}-{i}" for i, (lang, _, _) in enumerate(POSITIVES)])
def test_disclosures_are_caught(language: str, text: str, category: UrgentCategory) -> None:
    found = detect_risk_in_lexicons(text)
    assert found is not None, text
    assert found.category is category, (text, found)
    assert normalise(text) != " ".join(normalise(found.phrase.removesuffix("*")).split())


@pytest.mark.parametrize(("language", "text"), NEGATIVES,
                         ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(NEGATIVES)])
def test_benign_look_alikes_are_not(language: str, text: str) -> None:
    assert detect_risk_in_lexicons(text) is None, find_lexicon_matches(text)


@pytest.mark.parametrize("entry", NEW_ENTRIES, ids=lambda e: f"{e.language}:{e.phrase}")
def test_every_new_entry_compiles_and_phrases_match_themselves(entry) -> None:  # type: ignore[no-untyped-def]
    assert entry.words and all(entry.words)
    if entry.category is not None:
        text = " ".join(entry.words)
        assert entry in [hit.entry for hit in find_lexicon_matches(text)], "vetoed or unmatched"


def test_benign_english_corpus_is_about_fifty_messages() -> None:
    assert len(set(BENIGN_ENGLISH)) >= 50


@pytest.mark.parametrize("text", BENIGN_ENGLISH)
def test_no_lexicon_fires_on_ordinary_english(text: str) -> None:
    assert find_lexicon_matches(text) == []
    assert detect_risk_in_lexicons(text) is None


def test_japanese_phrase_matches_inside_a_run_of_kana() -> None:
    # kana are words of their own, so a phrase need not start where a run of kana starts
    assert normalise("でガス漏れ").split() == ["て", "カ", "ス", "漏", "れ"]
    found = detect_risk_in_lexicons("台所でガス漏れがあります")
    assert found is not None and found.category is C.GAS_LEAK


def test_vietnamese_slowly_is_not_suicide_without_tone_marks() -> None:
    # "từ từ" (slowly) and "tự tử" (suicide) are both "tu tu" once the marks are gone
    assert detect_risk_in_lexicons("tu tu thoi, khong sao") is None
    found = detect_risk_in_lexicons("toi muon tu tu")
    assert found is not None and found.category is C.SELF_HARM
