import Foundation
import SamenCore
import Vapor

/// A student's figures of one school year as the student's page and a
/// signal's page show them: tier, incident band, counts, the incidents.
struct StudentFigures: Encodable {
    var tier: Int
    var tierLabel: String
    var band: String
    var bandKey: String
    var incidentCount: Int
    var recognitionCount: Int
    var incidents: [IncidentLine]
    /// How many incidents the list leaves out.
    var more: Int
    /// The year's recognitions, newest first (the student's page lists a few); not sent to templates.
    var recognitions: [RecognitionJSON]

    enum CodingKeys: String, CodingKey { case tier, tierLabel, band, bandKey, incidentCount, recognitionCount, incidents, more }

    /// `onlyComplete` lists completed incidents only (what the rules count);
    /// otherwise every incident the viewer sees, drafts and reviews included.
    /// The band and the count are always of completed incidents.
    static func load(req: Request, studentID: UUID, schoolID: UUID, year: SchoolYearPeriod, viewer: Viewer,
                     onlyComplete: Bool, limit: Int) async throws -> StudentFigures {
        let language = req.language
        var filter = IncidentService.Filter()
        filter.studentID = studentID
        filter.from = year.start
        filter.to = year.end
        filter.perPage = limit
        filter.status = onlyComplete ? .complete : nil
        let listed = try await req.incidents.list(for: viewer, filter: filter, language: language)
        var complete = listed.total
        if !onlyComplete {
            filter.status = .complete
            filter.perPage = 1
            complete = try await req.incidents.list(for: viewer, filter: filter, language: language).total
        }
        let band = IncidentRules.band(incidents: complete, try await req.rules.thresholds(schoolID: schoolID))
        let recognitions = try await req.incidents.recognitions(studentID: studentID, language: language, limit: 1000)
            .filter { $0.date >= year.start.iso && $0.date <= year.end.iso }
        let tier = try await req.signals.tier(studentID: studentID)
        let lines = IncidentController()
        return StudentFigures(tier: tier.rawValue, tierLabel: Catalogue.text("tier_\(tier.rawValue)", language),
                              band: Catalogue.text("band_\(band.rawValue)", language), bandKey: band.rawValue,
                              incidentCount: complete, recognitionCount: recognitions.count,
                              incidents: listed.items.map { lines.line($0, language) }, more: listed.total - listed.items.count,
                              recognitions: recognitions)
    }
}
