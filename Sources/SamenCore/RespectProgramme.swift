import Foundation

/// The programmes Samen ships in its library.
public enum ProgrammeLibrary {
    /// The Respect programme of the seeds' design line, written for Samen: a kick-off that forms
    /// the teacher–youth-care pairs, seven meetings, and a behaviour-expectations matrix made with students.
    public static let respect = ProgrammeDefinition(
        title: BilingualText(nl: "Respect", en: "Respect"),
        summary: BilingualText(
            nl: "Een programma voor de hele school (Tier I), gegeven door koppels van een leerkracht en een jeugdhulpverlener. Samen met de leerlingen maakt de school in zeven bijeenkomsten haar gedragsverwachtingen: wat respectvol, veilig en verantwoordelijk gedrag is in de klas, op de gang, op het plein en online. Het resultaat hangt als poster in de school en wordt de taal van Tier I.",
            en: "A programme for the whole school (Tier I), delivered by pairs of a teacher and a youth-care worker. Over seven meetings the school makes its behaviour expectations together with its students: what respectful, safe and responsible behaviour looks like in the classroom, the corridor, the playground and online. The result hangs in the school as a poster and becomes the language of Tier I."),
        sessions: [
            ProgrammeSession(
                number: 0,
                title: BilingualText(nl: "Kick-off: koppels vormen", en: "Kick-off: forming the pairs"),
                goal: BilingualText(nl: "Elke leerkracht heeft een vaste partner uit de jeugdhulp; samen kennen ze elkaars werk en plannen ze de zeven bijeenkomsten.",
                                    en: "Every teacher has a steady partner from youth care; they know each other's work and plan the seven meetings."),
                activities: BilingualText(nl: "Opening door de schoolleider over waarom respect het thema is. Koppels vormen (leerkracht en jeugdhulpverlener), per koppel een groep kiezen. Elk koppel vertelt over het eigen vak: wat doe ik op een dag, waar loop ik tegenaan. Data plannen; afspreken wie wat voorbereidt.",
                                          en: "Opening by the school leader on why respect is the theme. Form pairs (teacher and youth-care worker) and choose a group per pair. Each partner tells about their own work: what my day looks like, what I run into. Plan the dates; agree who prepares what."),
                materials: BilingualText(nl: "Lijst van groepen; planning van het schooljaar; een korte presentatie van de jeugdhulporganisatie.",
                                         en: "List of groups; the school year's calendar; a short presentation of the youth-care organisation."),
                fidelity: [
                    FidelityItem(code: "k1", text: BilingualText(nl: "Elke deelnemende leerkracht heeft een partner uit de jeugdhulp", en: "Every taking part teacher has a youth-care partner")),
                    FidelityItem(code: "k2", text: BilingualText(nl: "Elk koppel heeft een groep gekozen", en: "Every pair has chosen a group")),
                    FidelityItem(code: "k3", text: BilingualText(nl: "De data van de zeven bijeenkomsten staan vast", en: "The dates of the seven meetings are set")),
                    FidelityItem(code: "k4", text: BilingualText(nl: "Toestemming van ouders voor deelname is nagevraagd", en: "Guardians' consent to take part has been checked")),
                ]),
            ProgrammeSession(
                number: 1,
                title: BilingualText(nl: "Wat betekent respect voor jou?", en: "What does respect mean to you?"),
                goal: BilingualText(nl: "Leerlingen en volwassenen zeggen in eigen woorden wat respect voor hen is, en horen dat anderen het anders kunnen bedoelen.",
                                    en: "Students and adults say in their own words what respect is to them, and hear that others may mean something else by it."),
                activities: BilingualText(nl: "Kringgesprek: een moment waarop je je gerespecteerd voelde, en een moment waarop niet. Woordweb op het bord. Beide partners vertellen zelf ook een voorbeeld. Afsluiten met: wat bedoelen wij in deze groep met respect?",
                                          en: "Circle talk: a moment you felt respected, and a moment you did not. Word web on the board. Both partners tell an example of their own too. Close with: what do we in this group mean by respect?"),
                materials: BilingualText(nl: "Bord of flap-over; kaartjes voor het woordweb.", en: "Board or flip chart; cards for the word web."),
                fidelity: [
                    FidelityItem(code: "m1a", text: BilingualText(nl: "Beide partners waren aanwezig en hadden een rol", en: "Both partners were present and had a part")),
                    FidelityItem(code: "m1b", text: BilingualText(nl: "Elke leerling kon iets inbrengen", en: "Every student could contribute")),
                    FidelityItem(code: "m1c", text: BilingualText(nl: "Het woordweb is bewaard voor de volgende bijeenkomst", en: "The word web was kept for the next meeting")),
                ]),
            ProgrammeSession(
                number: 2,
                title: BilingualText(nl: "Waar in school?", en: "Where in school?"),
                goal: BilingualText(nl: "De groep benoemt de plekken in en rond school waar respect onder druk staat.",
                                    en: "The group names the places in and around school where respect comes under pressure."),
                activities: BilingualText(nl: "Plattegrond van de school: leerlingen plakken groene en rode stippen (hier gaat het goed / hier niet). Bespreken waarom. De plekken worden de kolommen van de matrix: klas, gang, plein, online, en wat de groep zelf toevoegt.",
                                          en: "Map of the school: students stick green and red dots (it goes well here / it does not). Discuss why. The places become the matrix's columns: classroom, corridor, playground, online, and what the group adds."),
                materials: BilingualText(nl: "Plattegrond op A2; groene en rode stippen.", en: "Map on A2; green and red dots."),
                fidelity: [
                    FidelityItem(code: "m2a", text: BilingualText(nl: "Alle plekken van de school kwamen aan bod", en: "Every place of the school was discussed")),
                    FidelityItem(code: "m2b", text: BilingualText(nl: "De plekken zijn als kolommen in de matrix gezet", en: "The places were put in the matrix as columns")),
                    FidelityItem(code: "m2c", text: BilingualText(nl: "Het gesprek ging over plekken, niet over personen", en: "The talk was about places, not about people")),
                ]),
            ProgrammeSession(
                number: 3,
                title: BilingualText(nl: "Van waarde naar gedrag", en: "From value to behaviour"),
                goal: BilingualText(nl: "Leerlingen maken respectvol, veilig en verantwoordelijk zichtbaar: wat zie je iemand doen?",
                                    en: "Students make respectful, safe and responsible visible: what do you see someone do?"),
                activities: BilingualText(nl: "In groepjes per plek: beschrijf gedrag dat je kunt zien of horen, positief geformuleerd ('we lopen op de gang' in plaats van 'niet rennen'). Leerlingen sturen hun ideeën in via de anonieme link; het koppel leest ze voor de volgende keer.",
                                          en: "In small groups per place: describe behaviour you can see or hear, put positively ('we walk in the corridor' rather than 'no running'). Students send their ideas through the anonymous link; the pair reads them before next time."),
                materials: BilingualText(nl: "De anonieme link van de run (op het bord of als QR-code); tablets of telefoons.", en: "The run's anonymous link (on the board or as a QR code); tablets or phones."),
                fidelity: [
                    FidelityItem(code: "m3a", text: BilingualText(nl: "Elk gedrag is positief en zichtbaar beschreven", en: "Every behaviour was put positively and visibly")),
                    FidelityItem(code: "m3b", text: BilingualText(nl: "Leerlingen hebben ideeën ingestuurd via de link", en: "Students sent ideas through the link")),
                    FidelityItem(code: "m3c", text: BilingualText(nl: "Elke plek heeft ideeën bij elke verwachting", en: "Every place has ideas for every expectation")),
                ]),
            ProgrammeSession(
                number: 4,
                title: BilingualText(nl: "Online en buiten school", en: "Online and outside school"),
                goal: BilingualText(nl: "Respect geldt ook in de groepsapp en op straat; leerlingen weten wat ze doen als het misgaat.",
                                    en: "Respect holds in the group chat and in the street too; students know what to do when it goes wrong."),
                activities: BilingualText(nl: "Casussen uit de praktijk van de jeugdhulpverlener (geanonimiseerd): een filmpje dat rondgaat, een buitensluitende groepsapp. Wat doe je als omstander? Bij wie kun je terecht?",
                                          en: "Cases from the youth-care worker's practice (made anonymous): a clip going round, a group chat that shuts someone out. What do you do as a bystander? Who can you go to?"),
                materials: BilingualText(nl: "Drie korte casussen; de namen van de vertrouwenspersonen van de school.", en: "Three short cases; the names of the school's confidential advisers."),
                fidelity: [
                    FidelityItem(code: "m4a", text: BilingualText(nl: "De jeugdhulpverlener bracht de casussen in", en: "The youth-care worker brought the cases")),
                    FidelityItem(code: "m4b", text: BilingualText(nl: "Leerlingen weten bij wie ze terechtkunnen", en: "Students know who they can go to")),
                    FidelityItem(code: "m4c", text: BilingualText(nl: "De kolom online in de matrix is aangevuld", en: "The online column of the matrix was filled in")),
                ]),
            ProgrammeSession(
                number: 5,
                title: BilingualText(nl: "Als het misgaat: herstellen", en: "When it goes wrong: putting it right"),
                goal: BilingualText(nl: "De groep weet hoe je na een conflict het contact herstelt, en wat de school dan doet.",
                                    en: "The group knows how to restore contact after a conflict, and what the school then does."),
                activities: BilingualText(nl: "Herstelgesprek oefenen in drietallen (wat gebeurde er, wie is geraakt, wat is nodig om het goed te maken). Uitleg van de leerkracht over hoe de school met incidenten omgaat.",
                                          en: "Practise a restorative talk in threes (what happened, who was affected, what is needed to put it right). The teacher explains how the school handles incidents."),
                materials: BilingualText(nl: "Kaartjes met de drie herstelvragen.", en: "Cards with the three restorative questions."),
                fidelity: [
                    FidelityItem(code: "m5a", text: BilingualText(nl: "Elke leerling heeft een herstelgesprek geoefend", en: "Every student practised a restorative talk")),
                    FidelityItem(code: "m5b", text: BilingualText(nl: "De aanpak van de school bij incidenten is uitgelegd", en: "The school's way with incidents was explained")),
                ]),
            ProgrammeSession(
                number: 6,
                title: BilingualText(nl: "De matrix samen afmaken", en: "Finishing the matrix together"),
                goal: BilingualText(nl: "De concept-matrix is met leerlingen (en waar het kan met ouders) gelezen en aangepast tot iedereen zich erin herkent.",
                                    en: "The draft matrix has been read and adjusted with students (and where possible with parents) until everyone recognises themselves in it."),
                activities: BilingualText(nl: "Het koppel toont de concept-matrix met de ingestuurde ideeën. Per vak: klopt dit, is het te zien, is het positief? Stemmen over twijfelgevallen. Ouders krijgen de concept-versie mee naar huis.",
                                          en: "The pair shows the draft matrix with the ideas sent in. Per cell: is this right, can you see it, is it positive? Vote on doubtful ones. Parents get the draft to take home."),
                materials: BilingualText(nl: "De concept-matrix (afgedrukt); stemkaartjes.", en: "The draft matrix (printed); voting cards."),
                fidelity: [
                    FidelityItem(code: "m6a", text: BilingualText(nl: "Elk vak van de matrix is met leerlingen besproken", en: "Every cell of the matrix was discussed with students")),
                    FidelityItem(code: "m6b", text: BilingualText(nl: "Ouders hebben de concept-versie kunnen lezen", en: "Parents could read the draft")),
                    FidelityItem(code: "m6c", text: BilingualText(nl: "Elk vak heeft ten minste één gedrag", en: "Every cell has at least one behaviour")),
                ]),
            ProgrammeSession(
                number: 7,
                title: BilingualText(nl: "Presenteren en aanleren", en: "Presenting and teaching"),
                goal: BilingualText(nl: "De matrix is gepubliceerd, hangt als poster in school en wordt aangeleerd en beloond; de run wordt geëvalueerd.",
                                    en: "The matrix is published, hangs in school as a poster, and is taught and acknowledged; the run is evaluated."),
                activities: BilingualText(nl: "Leerlingen presenteren de matrix aan een andere groep. Afspraken over aanleren (eerste weken van elke periode) en erkennen (complimenten en punten). Beide partners schrijven hun reflectie; het team evalueert de run.",
                                          en: "Students present the matrix to another group. Agreements on teaching (first weeks of each term) and acknowledging (praise and points). Both partners write their reflection; the team evaluates the run."),
                materials: BilingualText(nl: "De poster (afdrukken vanuit Samen); een plan voor aanleren.", en: "The poster (printed from Samen); a teaching plan."),
                fidelity: [
                    FidelityItem(code: "m7a", text: BilingualText(nl: "Leerlingen hebben de matrix zelf gepresenteerd", en: "Students presented the matrix themselves")),
                    FidelityItem(code: "m7b", text: BilingualText(nl: "De poster hangt op elke plek uit de matrix", en: "The poster hangs in every place of the matrix")),
                    FidelityItem(code: "m7c", text: BilingualText(nl: "Er is een plan om de verwachtingen aan te leren", en: "There is a plan to teach the expectations")),
                ]),
        ],
        expectations: [BilingualText(nl: "Respectvol", en: "Respectful"), BilingualText(nl: "Veilig", en: "Safe"),
                       BilingualText(nl: "Verantwoordelijk", en: "Responsible")],
        settings: [BilingualText(nl: "In de klas", en: "Classroom"), BilingualText(nl: "Op de gang", en: "Corridor"),
                   BilingualText(nl: "Op het plein", en: "Playground"), BilingualText(nl: "Online", en: "Online")])
}
