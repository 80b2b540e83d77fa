#!/usr/bin/env python3
"""Generate corpora/sv/fokusgrupp2_allmanlakare.docx (fictional sample data).

All content is invented for the qualcode project; no real persons appear.
Run from anywhere:

    /work/venv/bin/python corpora/tools/make_fokusgrupp2_docx.py

The output is byte-for-byte deterministic: core properties use a fixed
datetime and the zip entries are rewritten with a fixed timestamp.
"""
import datetime
import io
import zipfile
from pathlib import Path

from docx import Document

OUT = Path(__file__).resolve().parent.parent / "sv" / "fokusgrupp2_allmanlakare.docx"
FIXED_DT = datetime.datetime(2019, 4, 10, 9, 0, 0)
ZIP_DT = (2019, 4, 10, 9, 0, 0)

HEADING = "Fokusgrupp 2 – allmänläkare, Balintgrupp B"
META = [
    ("Datum", "2019-04-02"),
    ("Plats", "Vårdcentralen Lerum"),
    ("Deltagare", "5 allmänläkare"),
]

TURNS = [
    ("M", "Då sätter vi igång. Som ni vet spelar vi in, och inspelningen kommer bara att användas av forskargruppen. Allt avidentifieras, dvs. namn, orter och sånt som kan peka ut en patient tas bort. Min första fråga är ganska öppen. Hur har det varit att vara med i Balintgruppen?"),
    ("Läkare 2", "Jag kan börja. Det har varit, ja, omvälvande är kanske ett för starkt ord, men inte så långt ifrån. Jag har jobbat som allmänläkare i femton år och trodde att jag hade sett det mesta. Men i gruppen har jag fått syn på hur mycket jag har stängt av under åren för att klara mig. Man bygger upp ett skal, och det skalet har både skyddat mig och gjort mig lite kall, tror jag."),
    ("Läkare 4", "För min del har det varit ganska blandat, om jag ska vara ärlig. Jag gick med för att min chef tyckte att det var en bra idé, och jag har haft svårt att komma in i det. Jag förstår vad det går ut på, men jag känner mig ofta utanför när de andra pratar om känslor som jag inte riktigt kan relatera till. Jag är nog mer en praktisk person."),
    ("Läkare 1", "Jag tycker att det har varit roligt, faktiskt, vilket kanske låter konstigt. Vi skrattar ganska mycket i vår grupp. Det är inte bara tungt. Och det var en överraskning för mig, jag trodde att det skulle vara väldigt allvarligt hela tiden, nästan som en terapisession."),
    ("Läkare 5", "Ja, jag håller med om det. Och för mig har det varit viktigt att vi kommer från olika vårdcentraler. Jag hade inte velat sitta med mina närmaste kollegor, tror jag. Det hade varit svårare att vara öppen om man ska äta lunch med varandra dagen efter."),
    ("Läkare 3", "Det är intressant, för jag tänkte tvärtom när vi startade. Jag ville gärna att vi skulle vara från samma ställe, så att vi kunde stötta varandra i vardagen också. Men nu i efterhand tror jag att du har rätt. Det finns en frihet i att inte känna varandra utanför gruppen."),
    ("M", "Om vi går vidare. Vad har varit bra med gruppen?"),
    ("Läkare 3", "Att man får tid att stanna i ett patientmöte. Jag hade en patient förra hösten, en kvinna med långvarig smärta som jag hade träffat ca femton gånger utan att vi kom nånstans. Hon var sjukskriven, Försäkringskassan ville ha nya intyg hela tiden, och jag kände mig som en intygsmaskin. När jag tog upp henne i gruppen var det nån som sa att det lät som att vi båda satt fast i samma rum. Det var en väldigt träffande bild. Jag gick tillbaka till henne och pratade om just det, att vi satt fast, och det var första gången vi hade ett riktigt samtal."),
    ("Läkare 2", "Det jag tycker är bra är att man blir påmind om att patienten är en människa och inte ett ärende. Det låter självklart, men i vardagen med alla s.k. produktionsmål, besök per dag, telefontider osv., så glöms det bort. Gruppen blir som en motvikt till allt det där."),
    ("Läkare 1", "Och att man får träna på att förstå andra. Jag menar inte bara patienter utan också kollegor. När man hör hur en annan läkare har kämpat med en patient som man själv kanske hade avfärdat, då får man en annan respekt. Det har gjort mig mer empatisk, tror jag, både mot patienter och kollegor. Och mot mig själv, faktiskt."),
    ("Läkare 5", "Ledarna har varit viktiga för mig. Vi har en psykolog som leder gruppen tillsammans med en allmänläkare, och jag tycker att den kombinationen är väldigt bra. Psykologen ser saker som vi läkare missar, bl.a. hur vi pratar om patienterna, vilka ord vi använder. Och allmänläkaren förstår verkligheten på vårdcentralen, dvs. att vi inte kan ha hur långa besök som helst."),
    ("M", "Du som sa att du hade svårt att komma in i det, finns det ändå nåt som har varit bra för dig?"),
    ("Läkare 4", "Ja, det gör det väl. Jag tycker att det är bra att höra hur andra gör rent praktiskt, även om det inte är meningen med gruppen. Och en gång tog jag upp en patient som hade hotat mig, en ung man som ville ha narkotikaklassade läkemedel. Jag hade inte pratat med nån om det, och när jag berättade det märkte jag att jag fortfarande var rädd. Det var skönt att få säga det. Så visst, det finns stunder."),
    ("M", "Ni har nämnt trygghet några gånger. Vad är det som gör att gruppen känns trygg, eller inte trygg?"),
    ("Läkare 5", "Vi gjorde en överenskommelse redan första gången om att ingenting som sägs i gruppen förs vidare, inte ens hemma till ens partner. Vi använder inte patienternas namn heller, och vi pratar inte om fallen i fikarummet efteråt. Det låter kanske överdrivet, men jag tror att det är därför vi vågar. Jag har berättat saker i gruppen som jag aldrig har sagt till min chef."),
    ("Läkare 2", "Och ledarna skyddar den som presenterar. Om vi börjar ställa för många faktafrågor, t.ex. vilka prover som togs eller vad det stod i journalen, så bromsar de oss. Det kändes lite stelt i början, men nu förstår jag att det handlar om att den som berättar inte ska behöva försvara sig."),
    ("Läkare 4", "Jag tycker att det är tryggt på det sättet, att ingen sprider nåt. Men jag kan ibland känna en sorts förväntan på att man ska visa känslor, att det är finare att bli berörd än att tycka att en patient bara var ett medicinskt problem. Det gör att jag ibland håller tyst, för att jag inte har den där stora känslan att komma med."),
    ("Läkare 1", "Jag var rädd i början att det skulle bli som fallgenomgångarna på vårdcentralen, där man sitter och blir granskad och alla letar efter vad man gjorde fel. Men det är ett helt annat klimat. Och det har gjort att jag har kunnat ta upp de patienter som jag verkligen har svårt för. Jag hade t.ex. en äldre man som jag bara träffade med tolk, och jag blev så irriterad på hela situationen, på att allt tog dubbelt så lång tid och att jag aldrig visste vad som gick förlorat i översättningen. Sen skämdes jag över irritationen. I gruppen kunde jag säga det rakt ut, och det var nån som frågade hur det kändes för honom att aldrig kunna prata direkt med sin läkare. Det hade jag inte ens tänkt på."),
    ("M", "Då går vi över till det som har varit sämre eller svårt."),
    ("Läkare 4", "Ja, där har jag en del att säga. För mig har det ibland känts som att vi pratar och pratar utan att nånting händer. Man lägger två timmar varannan vecka, och sen går man hem utan att ha fått nåt konkret med sig. Jag vet att det är själva poängen, att man inte ska få råd, men jag är inte säker på att metoden passar alla. Jag har funderat på att sluta flera gånger. Det som har hållit mig kvar är nog mest att jag tycker om människorna i gruppen, inte själva metoden."),
    ("Läkare 2", "Jag förstår det, och jag tycker att det är viktigt att det får sägas. Det finns ju en risk att gruppen blir lite frälst, att alla ska tycka att det är fantastiskt hela tiden. Jag har själv haft perioder när jag har gått dit mest av plikt, och det måste också få finnas plats för det."),
    ("Läkare 1", "Det svåraste för mig har varit tiden. Vi träffas kl. 17.00 på tisdagar, efter arbetstid, och det är ingen som betalar för det. Jag har tre barn och min sambo jobbar skift, så varje gång måste vi pussla. Det har hänt att jag har fått ställa in för att det inte gick ihop. Och då får man dåligt samvete mot gruppen också."),
    ("Läkare 3", "Och resvägen. Jag kör ca fyrtio minuter från min vårdcentral, och på vintern när det är halt och mörkt är det inte så lockande. Vi pratade om att ha vissa träffar via länk, men ledarna var tveksamma. De menade att det är svårt att få till samma närhet på en skärm."),
    ("Läkare 5", "Jag har haft en svår upplevelse i gruppen som jag kanske kan nämna. Jag tog upp ett fall där jag hade missat en cancer, eller det var i alla fall så jag upplevde det. Patienten hade sökt tre gånger och jag tolkade det som stress. När jag berättade det kände jag att nån i gruppen blev lite dömande, det var en kommentar om att man ju alltid ska tänka på det värsta. Jag vet inte om det var menat så, men jag sov dåligt efter det. Ledarna tog upp det gången efter, och det var bra, men det satt kvar ett tag."),
    ("Läkare 2", "Det minns jag, och jag tror att vi alla lärde oss nåt av det. Att det är lätt att falla tillbaka i det där medicinska granskandet, t.ex. att man börjar fråga om blodprover och röntgen, när det egentligen handlar om skuld."),
    ("Läkare 4", "Fast det är ju också relevanta frågor ibland. Jag menar, vi är läkare. Man kan inte låtsas att det medicinska inte finns."),
    ("Läkare 3", "Nej, men jag tror att det handlar om när frågorna kommer. Om man börjar med att granska journalen så blir det ett förhör, och då stänger den som berättar. Om man först har stannat i det som hände mellan läkaren och patienten, så kan man prata om det medicinska efteråt utan att det blir en dom. Det har vi blivit bättre på, tycker jag."),
    ("M", "Har nåt förändrats över tid, i ert arbete eller i gruppen?"),
    ("Läkare 2", "Jag har blivit mjukare. Min fru säger det också, att jag är mindre stressad när jag kommer hem. Jag vet inte om det bara är gruppen, men jag tror att den har en del i det. Jag tar inte med mig patienterna hem på samma sätt längre. Jag har liksom ett ställe där de får finnas."),
    ("Läkare 3", "I mitt arbete har jag börjat lägga märke till mina egna reaktioner under själva besöket. Förut kom det i efterhand, när jag satt i bilen. Nu kan jag märka redan i rummet att jag blir otålig, och då kan jag välja att göra nåt annat, t.ex. fråga vad patienten själv tror. Det är en ganska stor skillnad."),
    ("Läkare 1", "Gruppen har förändrats mycket. Vi började som åtta och nu är vi sex, varav fem är här idag. Två slutade första terminen, bl.a. en som tyckte att det tog för mycket tid. Det var lite jobbigt när de slutade, man undrade om man hade gjort nåt fel. Men nu har vi en stabil kärna och det känns tryggt."),
    ("Läkare 5", "Jag tror att jag har blivit bättre på att stå kvar i osäkerheten. Efter det där med cancerfallet var jag nära att börja remittera alla till allt, s.k. defensiv medicin. Men i gruppen har vi pratat om den rädslan, och jag har förstått att jag inte kan skydda mig från alla misstag. Jag kan bara försöka vara närvarande och ärlig."),
    ("Läkare 4", "För mig har inte så mycket förändrats, ärligt talat. Men jag har kanske blivit lite mer medveten om att mina kollegor kämpar med samma saker som jag. Det var inte självklart för mig innan. Jag trodde att jag var den enda som tyckte att vissa patienter var omöjliga."),
    ("M", "Hur tänker ni kring att orka i yrket på lång sikt? Har gruppen spelat nån roll där?"),
    ("Läkare 1", "Absolut. Jag har flera kollegor i min ålder som har gått ner i tid eller slutat helt, och jag tror att en del av det handlar om att man aldrig får bearbeta nåt. Man bara matar på. I gruppen får jag en paus där det är tillåtet att inte vara effektiv."),
    ("Läkare 3", "Ja, och jag tror att det skyddar mot cynism. Det är ju det som är farligt, när man börjar se patienterna som problem som ska bort från listan. Jag märker att jag hamnar där ibland, och gruppen drar mig tillbaka."),
    ("Läkare 5", "Jag har varit sjukskriven för utmattning en gång, för ca sex år sen, innan jag började i gruppen. Jag tror inte att Balint hade förhindrat det helt, men jag tror att jag hade märkt varningstecknen tidigare. Nu har jag ett sammanhang där nån faktiskt frågar hur jag mår."),
    ("M", "Är det nåt mer ni vill lägga till innan vi avslutar?"),
    ("Läkare 1", "Bara att jag tycker att det borde ligga på arbetstid, gärna kl. 14.30 eller så i stället för på kvällen. Om regionen menar allvar med att vi ska orka ett helt yrkesliv, så är det här en billig investering."),
    ("Läkare 3", "Håller med. Och att man borde få prova en termin utan att binda sig."),
    ("Läkare 4", "Och att det ska vara frivilligt. Det blev fel för mig att det kändes som ett krav från chefen. Hade jag valt det själv hade jag kanske gått in i det på ett annat sätt."),
    ("Läkare 5", "Jag vill bara säga tack till gruppen. Det låter kanske fånigt i en inspelning, men det är sant."),
    ("Läkare 2", "Det är inte fånigt alls."),
    ("M", "Tack allihop, det här var väldigt givande."),
]


def build() -> bytes:
    doc = Document()
    doc.add_heading(HEADING, level=1)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for key, value in META:
        cells = table.add_row().cells
        cells[0].text = key
        cells[1].text = value
    for speaker, text in TURNS:
        doc.add_paragraph(f"{speaker}: {text}")

    cp = doc.core_properties
    cp.title = HEADING
    cp.author = "qualcode (fiktivt material)"
    cp.last_modified_by = "qualcode"
    cp.comments = "Fiktivt exempelmaterial. Inga verkliga personer."
    cp.created = FIXED_DT
    cp.modified = FIXED_DT
    cp.last_printed = FIXED_DT
    cp.revision = 1

    raw = io.BytesIO()
    doc.save(raw)

    # Rewrite the zip with fixed timestamps and order so output is reproducible.
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DT)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(build())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
