extension Catalogue {
    /// Words for the evaluation line: questionnaires and their answers.
    static let evaluationEntries: [String: Entry] = [
        "questionnaire_bad_code": .init(nl: "'%1' is geen geldige code: gebruik kleine letters, cijfers en _, beginnend met een letter, ten hoogste 40 tekens, elke code één keer.",
                                        en: "'%1' is not a valid code: use lowercase letters, digits and _, starting with a letter, at most 40 characters, each code once."),
        "questionnaire_bad_version": .init(nl: "Een versie is een geheel getal vanaf 1.", en: "A version is a whole number from 1."),
        "questionnaire_bad_answer_scale": .init(nl: "De antwoordschaal heeft 2 tot 11 punten (minimum kleiner dan maximum).", en: "The answer scale has 2 to 11 points (minimum below maximum)."),
        "questionnaire_bad_labels": .init(nl: "Geef een label voor elk van de %1 punten van de antwoordschaal, of geen.", en: "Give a label for each of the answer scale's %1 points, or none."),
        "questionnaire_bad_share": .init(nl: "Het minimale deel beantwoorde items ligt tussen 0 en 1 (bijvoorbeeld 0.5).", en: "The minimum share of answered items lies between 0 and 1 (for example 0.5)."),
        "questionnaire_no_items": .init(nl: "Een vragenlijst heeft ten minste één item.", en: "A questionnaire has at least one item."),
        "questionnaire_unknown_scale": .init(nl: "Het item hoort bij schaal '%1', maar die schaal staat niet in de lijst van schalen.", en: "The item belongs to scale '%1', which is not in the list of scales."),
        "questionnaire_bad_choices": .init(nl: "Een keuzevraag heeft twee of meer keuzes met elk een eigen code; andere items hebben geen keuzes.",
                                           en: "A choice item has two or more choices, each with its own code; other items have no choices."),
        "questionnaire_bad_tier": .init(nl: "Een punt van de zelfevaluatie hoort bij laag 1, 2 of 3.", en: "A self-assessment point belongs to tier 1, 2 or 3."),
        "questionnaire_reverse_scaled_only": .init(nl: "Alleen items op de antwoordschaal kunnen omgekeerd gescoord worden.", en: "Only items on the answer scale can be reverse-scored."),
        "answer_required": .init(nl: "Beantwoord deze vraag.", en: "Answer this question."),
        "answer_out_of_range": .init(nl: "Kies een antwoord van %1 tot en met %2.", en: "Choose an answer from %1 to %2."),
        "answer_bad_choice": .init(nl: "Kies een van de antwoorden.", en: "Choose one of the answers."),
    ]
}
