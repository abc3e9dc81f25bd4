import Fluent
import Foundation
import SamenCore
import SQLKit

extension DemoLoader {
    /// The Respect programme at the demo school: last school year's run on the school's own copy,
    /// delivered, evaluated and its matrix published (the poster, and Tier I's expectations); the
    /// school adapted the programme after that evaluation (version 2), and this year's run on it is
    /// half-way: pairs formed at the kick-off, the first meetings delivered with attendance, fidelity
    /// and both partners' reflections, the draft matrix taking shape with ideas students sent in.
    static func storeProgrammes(_ demo: DemoRegion, today: LocalDate, on db: Database) async throws {
        let home = demo.schools[0].id
        func person(_ username: String) -> UUID? { demo.people.first { $0.username == username }?.id }
        guard let coordinator = person("coordinator"), let teacher = person("teacher"), let worker = person("youthworker") else { return }
        let service = ProgrammeService(db: db)
        let sql = db as! any SQLDatabase
        try await service.ensureLibrary()
        guard let shipped = try await service.find(ProgrammeService.respectFamily, language: .nl) else { return }
        let copyID = try await service.copy(shipped, schoolID: home, by: coordinator)
        let copy = try await service.find(copyID, language: .nl)!

        // Other teachers and youth-care workers of the school form the second pair.
        let otherTeacher = demo.people.first { $0.role == .teacher && $0.schoolIDs.contains(home) && $0.id != teacher }?.id
        let otherWorker = demo.people.first { $0.role == .youthworker && $0.schoolIDs.contains(home) && $0.id != worker }?.id
        let groups = demo.groups.filter { $0.schoolID == home }
        let group7a = groups.first { $0.name == "7a" }?.id ?? groups.first?.id
        let otherGroup = groups.first { $0.id != group7a }?.id

        func deliver(run: UUID, pair: PairJSON, definition: ProgrammeDefinition, session: Int, on date: LocalDate, present: Int, of expected: Int,
                     skip: Int, teacherNote: String, workerNote: String) async throws {
            guard let s = definition.session(session) else { return }
            let done = Set(s.fidelity.dropLast(skip).map(\.code))
            let id = try await service.logDelivery(DeliveryFields(date: date, present: present, expected: expected, done: done, reflection: teacherNote),
                                                   runID: run, pair: pair, session: s, byTeacherSide: true, by: pair.teacher_id)
            if !workerNote.isEmpty { try await service.reflect(deliveryID: id, teacherSide: false, text: workerNote) }
        }

        // Last year: one pair, all seven meetings, evaluated, matrix published.
        let lastStart = today.adding(days: -400)
        let last = try await service.start(programme: copy, schoolID: home, title: "Respect \(lastStart.year)", startsOn: lastStart, previous: nil,
                                           by: coordinator, language: .nl)
        let lastPairID = try await service.formPair(schoolID: home, teacherID: teacher, workerID: worker, groupID: group7a, runID: last, on: lastStart,
                                                    by: coordinator)
        let lastPair = try await service.pair(lastPairID)!
        try await deliver(run: last, pair: lastPair, definition: copy.definition, session: 0, on: lastStart, present: 0, of: 0, skip: 1,
                          teacherNote: "Goed om elkaars werk te leren kennen.", workerNote: "")
        for n in 1...7 {
            try await deliver(run: last, pair: lastPair, definition: copy.definition, session: n, on: lastStart.adding(days: 14 * n), present: 24 - n % 3, of: 26,
                              skip: n == 4 || n == 6 ? 1 : 0,
                              teacherNote: n == 4 ? "De casussen over de groepsapp raakten de groep; te weinig tijd voor de omstanders-vraag." : "Liep volgens plan.",
                              workerNote: n == 4 ? "Volgende keer één casus minder en meer tijd voor het gesprek." : "Leerlingen deden goed mee.")
        }
        try await service.saveDraft(ExpectationMatrix(
            expectations: ["Respectvol", "Veilig", "Verantwoordelijk"], settings: ["In de klas", "Op de gang", "Op het plein", "Online"],
            cells: [
                [["We laten elkaar uitpraten", "We zeggen gedag"], ["We houden de deur voor elkaar open"], ["Iedereen mag meedoen"], ["We vragen eerst of een foto gedeeld mag worden"]],
                [["We gebruiken spullen waarvoor ze bedoeld zijn"], ["We lopen rustig"], ["We blijven binnen de hekken"], ["We delen geen adres of wachtwoord"]],
                [["We ruimen onze plek op"], ["We hangen onze jas aan de kapstok"], ["We brengen het speelgoed terug"], ["We melden het als iemand wordt gepest"]],
            ]), runID: last)
        _ = try await service.publish(runID: last, schoolID: home, by: coordinator)
        try await sql.raw("UPDATE expectation_matrices SET published_at = \(bind: Self.noon(lastStart.adding(days: 100))) WHERE run_id = \(bind: last) AND version = 1").run()
        try await service.finish(runID: last, on: lastStart.adding(days: 110), evaluation: """
            Alle zeven bijeenkomsten gegeven; de programmatrouw was hoog, behalve bij bijeenkomst 4 (online), die te vol was. \
            De matrix hangt in elk lokaal en op het plein. Volgend jaar: bijeenkomst 4 met één casus minder, en twee koppels.
            """)
        try await service.endPair(lastPairID, on: lastStart.adding(days: 110))

        // After the evaluation the school adapted meeting 4 (version 2).
        var adapted = copy.definition
        if let i = adapted.sessions.firstIndex(where: { $0.number == 4 }) {
            adapted.sessions[i].materials = BilingualText(nl: "Twee korte casussen (niet drie: meer tijd voor het gesprek); de namen van de vertrouwenspersonen van de school.",
                                                          en: "Two short cases (not three: more time for the talk); the names of the school's confidential advisers.")
        }
        let v2 = try await service.adapt(copy, definition: adapted, by: coordinator)
        let version2 = try await service.find(v2, language: .nl)!

        // This year: run again on version 2, half-way.
        let start = today.adding(days: -42)
        let lastRun = try await service.run(last, language: .nl)!
        let run = try await service.start(programme: version2, schoolID: home, title: "Respect \(start.year)", startsOn: start, previous: lastRun,
                                          by: coordinator, language: .nl)
        let pair1 = try await service.pair(try await service.formPair(schoolID: home, teacherID: teacher, workerID: worker, groupID: group7a, runID: run,
                                                                       on: start, by: coordinator))!
        try await deliver(run: run, pair: pair1, definition: adapted, session: 0, on: start, present: 0, of: 0, skip: 0,
                          teacherNote: "Nu met twee koppels; de planning staat.", workerNote: "Fijn dat we weer samen in 7a zitten.")
        try await deliver(run: run, pair: pair1, definition: adapted, session: 1, on: start.adding(days: 7), present: 25, of: 27, skip: 0,
                          teacherNote: "Het woordweb werd groot; de leerlingen noemden vooral 'luisteren'.", workerNote: "Twee stille leerlingen kwamen los bij het kaartje.")
        try await deliver(run: run, pair: pair1, definition: adapted, session: 2, on: start.adding(days: 21), present: 26, of: 27, skip: 1,
                          teacherNote: "De plattegrond werkte; het plein kreeg de meeste rode stippen.", workerNote: "")
        try await deliver(run: run, pair: pair1, definition: adapted, session: 3, on: start.adding(days: 35), present: 24, of: 27, skip: 0,
                          teacherNote: "Leerlingen stuurden via de link veel ideeën in voor het plein.", workerNote: "Goed positief geformuleerd, op een paar na.")
        if let otherTeacher, let otherWorker {
            let pair2 = try await service.pair(try await service.formPair(schoolID: home, teacherID: otherTeacher, workerID: otherWorker, groupID: otherGroup,
                                                                           runID: run, on: start, by: coordinator))!
            try await deliver(run: run, pair: pair2, definition: adapted, session: 0, on: start, present: 0, of: 0, skip: 1, teacherNote: "Kennismaking.", workerNote: "")
            try await deliver(run: run, pair: pair2, definition: adapted, session: 1, on: start.adding(days: 9), present: 22, of: 25, skip: 1,
                              teacherNote: "Te weinig tijd voor het kringgesprek.", workerNote: "Volgende keer de kring kleiner maken.")
        }
        // The draft: last year's matrix, the playground cells reworked with the students' ideas.
        var draft = try await service.draft(runID: run)
        if draft.cells.count == 3 && draft.cells[0].count == 4 {
            draft.cells[0][2] = ["Iedereen mag meedoen", "We wachten op onze beurt bij het klimrek"]
        }
        try await service.saveDraft(draft, runID: run)
        let link = try await service.createLink(runID: run, days: 14, by: coordinator, now: Self.noon(today.adding(days: -7)))
        let ideas: [(String, String, String)] = [
            ("Respectvol", "Op het plein", "We wachten op onze beurt bij het klimrek"), ("Respectvol", "Op het plein", "Niemand hoeft alleen te staan"),
            ("Veilig", "Op het plein", "We voetballen alleen op het veld"), ("Veilig", "Online", "We klikken niet op rare linkjes"),
            ("Verantwoordelijk", "Op de gang", "We zetten onze tas onder de kapstok"), ("Respectvol", "Online", "We sturen geen screenshots door zonder te vragen"),
            ("Verantwoordelijk", "Op het plein", "We gooien afval in de bak"), ("Respectvol", "In de klas", "We lachen niemand uit als die iets fout zegt"),
        ]
        for idea in ideas {
            try await service.addIdea(MatrixIdea(expectation: idea.0, setting: idea.1, text: idea.2), runID: run, linkID: link.id)
        }
    }

    /// Noon of a day, as a moment.
    static func noon(_ date: LocalDate) -> Date { Date(timeIntervalSince1970: Double(date.dayNumber * 86_400 + 11 * 3_600)) }
}
