import Foundation

/// The questionnaires Samen ships for the evaluation line, written for Samen
/// (not copied from a published instrument). Researchers copy and adapt them
/// or load their own in the same JSON.
public enum EvaluationInstruments {
    static func t(_ nl: String, _ en: String) -> BilingualText { BilingualText(nl: nl, en: en) }
    static func item(_ code: String, _ scale: String, _ nl: String, _ en: String, reverse: Bool = false) -> QuestionItem {
        QuestionItem(code: code, text: t(nl, en), kind: .scaled, scale: scale, reverse: reverse)
    }

    /// How teachers and youth-care workers experience working together, on the five dimensions of interdisciplinary
    /// collaboration: interdependence, newly created professional activities, flexibility, collective ownership of goals,
    /// reflection on process. Four items each, one reverse-scored.
    public static let collaborationScan = Questionnaire(
        code: "collaboration_scan",
        title: t("Samenwerkingsscan school en jeugdhulp", "Collaboration scan school and youth care"),
        instructions: t("Denk aan de samenwerking tussen school en jeugdhulp in het afgelopen half jaar. Geef bij elke uitspraak aan in hoeverre u het ermee eens bent. Er zijn geen goede of foute antwoorden.",
                        "Think of the collaboration between school and youth care over the past six months. For each statement, say how far you agree. There are no right or wrong answers."),
        scales: [
            QuestionScale(code: "interdependence", name: t("Onderlinge afhankelijkheid", "Interdependence")),
            QuestionScale(code: "new_activities", name: t("Nieuwe professionele activiteiten", "Newly created professional activities")),
            QuestionScale(code: "flexibility", name: t("Flexibiliteit", "Flexibility")),
            QuestionScale(code: "ownership", name: t("Gezamenlijk eigenaarschap van doelen", "Collective ownership of goals")),
            QuestionScale(code: "reflection", name: t("Reflectie op het proces", "Reflection on process")),
        ],
        items: [
            item("int1", "interdependence", "Ik heb de jeugdhulp nodig om leerlingen goed te kunnen helpen.", "I need youth care to help students well."),
            item("int2", "interdependence", "Ik weet wat de jeugdhulpverlener bij ons op school doet.", "I know what the youth-care worker does at our school."),
            item("int3", "interdependence", "Als ik een zorg over een leerling heb, weet ik bij wie van de jeugdhulp ik terechtkan.", "When I worry about a student, I know who in youth care to turn to."),
            item("int4", "interdependence", "Wat de jeugdhulp doet, staat los van mijn werk in de klas.", "What youth care does is separate from my work in class.", reverse: true),
            item("new1", "new_activities", "School en jeugdhulp doen dingen samen die geen van beide alleen zou doen.", "School and youth care do things together that neither would do alone."),
            item("new2", "new_activities", "We hebben samen een aanpak ontwikkeld die nu op school gebruikt wordt.", "Together we developed an approach that is now used at school."),
            item("new3", "new_activities", "Door de samenwerking is mijn manier van werken veranderd.", "My way of working has changed through the collaboration."),
            item("new4", "new_activities", "De samenwerking levert vooral extra overleg op, geen nieuwe aanpak.", "The collaboration mostly yields extra meetings, not a new approach.", reverse: true),
            item("fle1", "flexibility", "We passen onze rollen aan als een leerling daarom vraagt.", "We adapt our roles when a student needs it."),
            item("fle2", "flexibility", "Ik kan de jeugdhulpverlener ook buiten vaste overleggen aanspreken.", "I can approach the youth-care worker outside fixed meetings too."),
            item("fle3", "flexibility", "Als iets niet werkt, zoeken we samen snel een andere weg.", "When something does not work, we quickly find another way together."),
            item("fle4", "flexibility", "Afspraken tussen school en jeugdhulp liggen zo vast dat er weinig ruimte is.", "Agreements between school and youth care are so fixed there is little room.", reverse: true),
            item("own1", "ownership", "School en jeugdhulp werken aan dezelfde doelen voor een leerling.", "School and youth care work towards the same goals for a student."),
            item("own2", "ownership", "We stellen doelen voor een leerling samen op.", "We set a student's goals together."),
            item("own3", "ownership", "Ik voel me mede verantwoordelijk voor wat de jeugdhulp bereikt.", "I feel jointly responsible for what youth care achieves."),
            item("own4", "ownership", "Het resultaat van de hulp is vooral de zaak van de jeugdhulp.", "The outcome of the support is mainly youth care's business.", reverse: true),
            item("ref1", "reflection", "We bespreken regelmatig hoe onze samenwerking verloopt.", "We regularly discuss how our collaboration is going."),
            item("ref2", "reflection", "We gebruiken gegevens over leerlingen om te kijken of onze aanpak werkt.", "We use data on students to see whether our approach works."),
            item("ref3", "reflection", "Ik geef de jeugdhulpverlener feedback, en zij of hij mij.", "I give the youth-care worker feedback, and they give me theirs."),
            item("ref4", "reflection", "Over de samenwerking zelf praten we eigenlijk nooit.", "We hardly ever talk about the collaboration itself.", reverse: true),
        ])

    /// The competence scan: each item asked twice, how important the competence is to the respondent's work
    /// (desired) and how well they master it now (actual), so the gap per competence area can be reported.
    public static let competenceScan = Questionnaire(
        code: "competence_scan",
        title: t("Competentiescan samenwerken met jeugdhulp", "Competence scan working with youth care"),
        instructions: t("Geef bij elke vaardigheid twee antwoorden: hoe belangrijk die is voor uw werk (gewenst) en hoe goed u die nu beheerst (actueel).",
                        "For each skill give two answers: how important it is for your work (desired) and how well you master it now (actual)."),
        answerScale: AnswerScale(minimum: 1, maximum: 5, labels: [t("Helemaal niet", "Not at all"), t("Een beetje", "A little"), t("Redelijk", "Fairly"),
                                                                    t("Goed", "Well"), t("Heel goed", "Very well")]),
        scales: [
            QuestionScale(code: "signalling", name: t("Signaleren", "Signalling")),
            QuestionScale(code: "consulting", name: t("Overleggen en afstemmen", "Consulting and aligning")),
            QuestionScale(code: "acting", name: t("Samen handelen", "Acting together")),
        ],
        items: [
            item("sig1", "signalling", "Zorgen over het welzijn van een leerling vroeg opmerken", "Notice worries about a student's wellbeing early"),
            item("sig2", "signalling", "Een zorg onderbouwen met gegevens (incidenten, verzuim, scores)", "Support a worry with data (incidents, absence, scores)"),
            item("sig3", "signalling", "Met ouders in gesprek gaan over een zorg", "Talk with parents about a worry"),
            item("con1", "consulting", "Een leerling bespreken in het ondersteuningsteam", "Discuss a student in the support team"),
            item("con2", "consulting", "Weten wat de jeugdhulp wel en niet mag delen", "Know what youth care may and may not share"),
            item("con3", "consulting", "Afspraken met de jeugdhulp vastleggen en nakomen", "Record and keep agreements with youth care"),
            item("act1", "acting", "Samen met een jeugdhulpverlener een les of bijeenkomst geven", "Deliver a lesson or meeting together with a youth-care worker"),
            item("act2", "acting", "Een aanpak uit de jeugdhulp in de klas volhouden", "Keep up an approach from youth care in the classroom"),
            item("act3", "acting", "Samen evalueren of een interventie werkt", "Evaluate together whether an intervention works"),
        ],
        aspects: [QuestionChoice(code: "desired", text: t("Gewenst", "Desired")), QuestionChoice(code: "actual", text: t("Actueel", "Actual"))])

    /// The five working factors of school–youth-care collaboration, three items each.
    public static let workingFactorsScan = Questionnaire(
        code: "working_factors_scan",
        title: t("Scan werkzame factoren", "Working-factors scan"),
        instructions: t("Geef bij elke uitspraak aan in hoeverre die nu voor uw school geldt.", "For each statement, say how far it holds for your school now."),
        scales: [
            QuestionScale(code: "shared_vision", name: t("Gedeelde visie", "Shared vision")),
            QuestionScale(code: "mutual_trust", name: t("Vertrouwen in elkaar", "Mutual trust")),
            QuestionScale(code: "conditions", name: t("Goede randvoorwaarden", "Good conditions")),
            QuestionScale(code: "embedding", name: t("Verankering in beleid", "Embedding in policy and governance")),
            QuestionScale(code: "steering", name: t("Sturing op de samenwerking", "Steering on the collaboration")),
        ],
        items: [
            item("vis1", "shared_vision", "School en jeugdhulp hebben dezelfde doelen voor onze leerlingen.", "School and youth care have the same goals for our students."),
            item("vis2", "shared_vision", "Iedereen voelt de urgentie om samen te werken.", "Everyone feels the urgency to work together."),
            item("vis3", "shared_vision", "We zien de samenwerking verschillend.", "We see the collaboration differently.", reverse: true),
            item("tru1", "mutual_trust", "We kennen elkaar persoonlijk.", "We know each other personally."),
            item("tru2", "mutual_trust", "We weten hoe de ander werkt.", "We know how the other works."),
            item("tru3", "mutual_trust", "Wat we afspreken, doen we ook.", "What we agree, we do."),
            item("con1", "conditions", "Er is tijd om samen te werken.", "There is time to work together."),
            item("con2", "conditions", "De lijnen naar de jeugdhulp zijn kort.", "The lines to youth care are short."),
            item("con3", "conditions", "De juiste deskundigheid is beschikbaar als we die nodig hebben.", "The right expertise is there when we need it."),
            item("emb1", "embedding", "Afspraken over de samenwerking zijn vastgelegd.", "Agreements on the collaboration are recorded."),
            item("emb2", "embedding", "De financiering van de samenwerking is duidelijk.", "How the collaboration is funded is clear."),
            item("emb3", "embedding", "De samenwerking wordt gevolgd en geëvalueerd.", "The collaboration is monitored and evaluated."),
            item("ste1", "steering", "Iemand stuurt op de samenwerking.", "Someone steers the collaboration."),
            item("ste2", "steering", "Bij elke casus is duidelijk wie de regie heeft.", "In every case it is clear who leads it."),
            item("ste3", "steering", "Niemand voelt zich verantwoordelijk voor de samenwerking als geheel.", "Nobody feels responsible for the collaboration as a whole.", reverse: true),
        ])

    /// The model of collaboration the respondent recognises at their school, compared in the report with the national shares.
    public static let collaborationModel = Questionnaire(
        code: "collaboration_model",
        title: t("Model van samenwerking", "Model of collaboration"),
        instructions: t("Welke beschrijving past het best bij hoe school en jeugdhulp bij u samenwerken?", "Which description fits best how school and youth care work together at your school?"),
        scales: [],
        items: [QuestionItem(code: "model", text: t("Onze samenwerking lijkt het meest op:", "Our collaboration looks most like:"), kind: .choice, choices: [
            QuestionChoice(code: "separated", text: t("Gescheiden: school en jeugdhulp werken elk voor zich; we verwijzen door.",
                                                       "Separated: school and youth care each work on their own; we refer.")),
            QuestionChoice(code: "chain", text: t("Keten: we dragen een leerling over van de een naar de ander, met afspraken over de overdracht.",
                                                   "Chain: we hand a student over from one to the other, with agreements on the handover.")),
            QuestionChoice(code: "network", text: t("Netwerk: we kennen elkaar en stemmen per leerling af, ieder vanuit de eigen organisatie.",
                                                     "Network: we know each other and align per student, each from their own organisation.")),
            QuestionChoice(code: "integral", text: t("Integraal: school en jeugdhulp werken als één team, met één plan per leerling.",
                                                      "Integral: school and youth care work as one team, with one plan per student.")),
        ]), QuestionItem(code: "why", text: t("Waaraan ziet u dat? (mag leeg blijven)", "How can you tell? (may stay empty)"), kind: .text, optional: true)])

    /// The national shares of the four models (Oberon 2019), in percent, as the seeds report them.
    public static let nationalModelShares: [(code: String, percent: Double)] = [("separated", 15), ("chain", 40), ("network", 40), ("integral", 5)]

    static func point(_ code: String, _ tier: Int, _ nl: String, _ en: String) -> QuestionItem {
        QuestionItem(code: code, text: t(nl, en), kind: .fidelity, tier: tier)
    }

    /// The school's self-assessment of its tiers: each point 0 (not in place), 1 (partly), 2 (fully); a percentage per tier.
    public static let fidelitySelfAssessment = Questionnaire(
        code: "fidelity_self_assessment",
        title: t("Zelfevaluatie van de lagen (Tier I–III)", "Self-assessment of the tiers (Tier I–III)"),
        instructions: t("Beoordeel met het team per punt: 0 = niet aanwezig, 1 = deels, 2 = volledig aanwezig. Baseer u op wat aantoonbaar is (documenten, gegevens).",
                        "Score each point with the team: 0 = not in place, 1 = partly, 2 = fully in place. Go by what can be shown (documents, data)."),
        answerScale: AnswerScale(minimum: 0, maximum: 2, labels: [t("Niet", "Not"), t("Deels", "Partly"), t("Volledig", "Fully")]),
        scales: [],
        items: [
            point("t1_team", 1, "Er is een team dat de gedragsaanpak voor de hele school leidt en maandelijks bijeenkomt.", "A team leads the school-wide behaviour approach and meets monthly."),
            point("t1_expectations", 1, "Drie tot vijf positieve gedragsverwachtingen zijn vastgesteld en hangen zichtbaar in school.", "Three to five positive behaviour expectations are set and posted visibly."),
            point("t1_teaching", 1, "De verwachtingen worden aan het begin van elke periode aangeleerd.", "The expectations are taught at the start of every term."),
            point("t1_acknowledge", 1, "Gewenst gedrag wordt volgens afspraak erkend en beloond.", "Expected behaviour is acknowledged and rewarded as agreed."),
            point("t1_responses", 1, "Er is een vastgelegde aanpak voor ongewenst gedrag, van klein naar groot.", "There is a recorded approach to unwanted behaviour, from minor to major."),
            point("t1_data", 1, "Incidentgegevens worden minstens maandelijks besproken en leiden tot besluiten.", "Incident data are discussed at least monthly and lead to decisions."),
            point("t2_team", 2, "Een team met jeugdhulp beslist over extra ondersteuning op basis van gegevens.", "A team with youth care decides on extra support on the basis of data."),
            point("t2_interventions", 2, "Er zijn groepsinterventies (zoals Check-In/Check-Out) met een begeleider.", "There are group interventions (such as Check-In/Check-Out) with a facilitator."),
            point("t2_entry", 2, "Er zijn vaste regels wanneer een leerling in aanmerking komt.", "There are fixed rules for when a student qualifies."),
            point("t2_monitor", 2, "De voortgang wordt wekelijks gevolgd en besproken.", "Progress is followed and discussed weekly."),
            point("t3_plan", 3, "Leerlingen met intensieve ondersteuning hebben een individueel plan met ouders en jeugdhulp.", "Students with intensive support have an individual plan with parents and youth care."),
            point("t3_assessment", 3, "Het plan berust op een analyse van het gedrag (wanneer, waar, waarom).", "The plan rests on an analysis of the behaviour (when, where, why)."),
            point("t3_case_lead", 3, "Per leerling is één casusregisseur benoemd.", "One case lead is named per student."),
            point("t3_evaluation", 3, "Het plan wordt minstens elke zes weken geëvalueerd met gegevens.", "The plan is evaluated with data at least every six weeks."),
        ])

    public static let all: [Questionnaire] = [collaborationScan, competenceScan, workingFactorsScan, collaborationModel, fidelitySelfAssessment]
}
