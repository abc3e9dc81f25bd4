import Foundation
import SamenCore

/// Every page's address, built in one place: templates get finished links
/// from their page context and never put a path together themselves.
enum SiteURL: Sendable {
    case home
    case region
    case login(next: String?)
    case logout
    case password
    case language(Language, back: String)
    case schools
    case schoolNew
    case school(UUID)
    case schoolEdit(UUID)
    case schoolImport(UUID)
    case group(UUID)
    case groupStaff(UUID)
    case groupStaffRemove(group: UUID, account: UUID)
    case students(query: String?, schoolID: UUID?)
    case studentNew(schoolID: UUID)
    case student(UUID)
    case studentEdit(UUID)
    case studentGuardians(UUID)
    case studentGuardianRemove(student: UUID, guardian: UUID)
    case staff
    case organisations
    case accounts
    case accountNew
    case accountEdit(UUID)
    case incidents
    case incidentsOfStudent(UUID)
    case incidentNew(studentID: UUID?)
    case incident(UUID)
    case incidentEdit(UUID)
    case incidentStatus(UUID)
    case recognitionNew(studentID: UUID?)
    case labels(UUID)
    case labelArchive(UUID)
    case signals(tab: String?)
    case signal(UUID)
    case signalDecisions(UUID)
    case rules(UUID)
    case holidays(UUID)
    case holidayRemove(school: UUID, holiday: UUID)
    case absenceHome
    case absence(UUID)
    case absenceImport(UUID)
    case absenceEntry(UUID)
    case thuiszitters(UUID)
    case pyramid(UUID)
    case pyramids
    case interventions(UUID)
    case interventionEdit(UUID)
    case workshops(UUID)
    case workshop(UUID)
    case workshopEvents(UUID)
    case workshopNote(UUID)
    case workshopNotes(UUID)
    case workshopMerge(UUID)
    case script(String)
    case dashboard(UUID)
    case dashboardCSV(UUID)
    case studentEnrolments(UUID)
    case enrolment(UUID)
    case enrolmentCards(UUID)
    case enrolmentFade(UUID)
    case enrolmentMeasurements(UUID)
    case enrolmentEnd(UUID)
    case screening(UUID)
    case screeningRounds(UUID)
    case screeningRound(UUID)
    case screeningGroup(round: UUID, group: UUID)
    case screeningCSV(UUID)
    case instruments
    case instrument(UUID)
    case instrumentNew(school: UUID?, from: UUID?)
    case instrumentEdit(UUID)
    case instrumentArchive(UUID)
    case studentConsent(UUID)
    case team(UUID)
    case cases(UUID)
    case programmes
    case questionnaires
    case waves
    case pairs(UUID)
    case studentCases(UUID)
    case consentWithdraw(student: UUID, consent: UUID)
    case studentAudit(UUID)
    case stylesheet

    var path: String {
        switch self {
        case .home: return "/"
        case .region: return "/region"
        case .login(let next):
            guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), next != "/login" else { return "/login" }
            return "/login?next=" + Self.encode(next)
        case .logout: return "/logout"
        case .password: return "/account/password"
        case .language(let language, let back): return "/language/\(language.rawValue)?back=" + Self.encode(back)
        case .schools: return "/schools"
        case .schoolNew: return "/schools/new"
        case .school(let id): return "/schools/\(id)"
        case .schoolEdit(let id): return "/schools/\(id)/edit"
        case .schoolImport(let id): return "/schools/\(id)/import"
        case .group(let id): return "/groups/\(id)"
        case .groupStaff(let id): return "/groups/\(id)/staff"
        case .groupStaffRemove(let group, let account): return "/groups/\(group)/staff/\(account)/remove"
        case .students(let query, let schoolID):
            var items: [String] = []
            if let query, !query.isEmpty { items.append("q=" + Self.encode(query)) }
            if let schoolID { items.append("school=\(schoolID)") }
            return "/students" + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
        case .studentNew(let schoolID): return "/students/new?school=\(schoolID)"
        case .student(let id): return "/students/\(id)"
        case .studentEdit(let id): return "/students/\(id)/edit"
        case .studentGuardians(let id): return "/students/\(id)/guardians"
        case .studentGuardianRemove(let student, let guardian): return "/students/\(student)/guardians/\(guardian)/remove"
        case .staff: return "/staff"
        case .organisations: return "/organisations"
        case .accounts: return "/accounts"
        case .accountNew: return "/accounts/new"
        case .accountEdit(let id): return "/accounts/\(id)/edit"
        case .incidents: return "/incidents"
        case .incidentsOfStudent(let id): return "/incidents?student=\(id)"
        case .incidentNew(let student): return "/incidents/new" + (student.map { "?student=\($0)" } ?? "")
        case .incident(let id): return "/incidents/\(id)"
        case .incidentEdit(let id): return "/incidents/\(id)/edit"
        case .incidentStatus(let id): return "/incidents/\(id)/status"
        case .recognitionNew(let student): return "/recognitions/new" + (student.map { "?student=\($0)" } ?? "")
        case .labels(let school): return "/schools/\(school)/labels"
        case .labelArchive(let id): return "/labels/\(id)/archive"
        case .signals(let tab): return "/signals" + (tab.map { "?tab=\($0)" } ?? "")
        case .signal(let id): return "/signals/\(id)"
        case .signalDecisions(let id): return "/signals/\(id)/decisions"
        case .rules(let school): return "/schools/\(school)/rules"
        case .holidays(let school): return "/schools/\(school)/holidays"
        case .holidayRemove(let school, let holiday): return "/schools/\(school)/holidays/\(holiday)/remove"
        case .absenceHome: return "/absence"
        case .absence(let school): return "/absence?school=\(school)"
        case .absenceImport(let school): return "/absence/import?school=\(school)"
        case .absenceEntry(let school): return "/absence/new?school=\(school)"
        case .thuiszitters(let school): return "/absence/thuiszitters?school=\(school)"
        case .pyramid(let school): return "/schools/\(school)/pyramid"
        case .pyramids: return "/pyramids"
        case .interventions(let school): return "/schools/\(school)/interventions"
        case .interventionEdit(let id): return "/interventions/\(id)/edit"
        case .workshops(let school): return "/schools/\(school)/workshops"
        case .workshop(let id): return "/workshops/\(id)"
        case .workshopEvents(let id): return "/workshops/\(id)/events"
        case .workshopNote(let id): return "/workshops/\(id)/note"
        case .workshopNotes(let id): return "/workshops/\(id)/notes"
        case .workshopMerge(let id): return "/workshops/\(id)/merge"
        case .script(let name): return "/js/\(name)"
        case .dashboard(let school): return "/schools/\(school)/dashboard"
        case .dashboardCSV(let school): return "/schools/\(school)/dashboard.csv"
        case .studentEnrolments(let id): return "/students/\(id)/enrolments"
        case .enrolment(let id): return "/enrolments/\(id)"
        case .enrolmentCards(let id): return "/enrolments/\(id)/cards"
        case .enrolmentFade(let id): return "/enrolments/\(id)/fade"
        case .enrolmentMeasurements(let id): return "/enrolments/\(id)/measurements"
        case .enrolmentEnd(let id): return "/enrolments/\(id)/end"
        case .screening(let school): return "/schools/\(school)/screening"
        case .screeningRounds(let school): return "/schools/\(school)/screening/rounds"
        case .screeningRound(let id): return "/screening/rounds/\(id)"
        case .screeningGroup(let round, let group): return "/screening/rounds/\(round)/groups/\(group)"
        case .screeningCSV(let id): return "/screening/rounds/\(id)/results.csv"
        case .instruments: return "/screening/instruments"
        case .instrument(let id): return "/screening/instruments/\(id)"
        case .instrumentNew(let school, let from):
            let items = [school.map { "school=\($0)" }, from.map { "from=\($0)" }].compactMap { $0 }
            return "/screening/instruments/new" + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
        case .instrumentEdit(let id): return "/screening/instruments/\(id)/edit"
        case .instrumentArchive(let id): return "/screening/instruments/\(id)/archive"
        case .studentConsent(let id): return "/students/\(id)/consent"
        case .team(let id): return "/schools/\(id)/team"
        case .cases(let id): return "/schools/\(id)/cases"
        case .programmes: return "/programmes"
        case .questionnaires: return "/questionnaires"
        case .waves: return "/waves"
        case .pairs(let id): return "/schools/\(id)/pairs"
        case .studentCases(let id): return "/students/\(id)/cases"
        case .consentWithdraw(let student, let consent): return "/students/\(student)/consent/\(consent)/withdraw"
        case .studentAudit(let id): return "/students/\(id)/audit"
        case .stylesheet: return "/css/samen.css"
        }
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
