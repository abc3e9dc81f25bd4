/// Every word a user reads, in Dutch and English, in one place. Keys are
/// snake_case so templates can read them as `#(t.key)`. Arguments are
/// written `%1`, `%2`, … in the text.
public enum Catalogue {
    public struct Entry: Sendable {
        public let nl: String
        public let en: String
    }

    /// The text of `key` in `language` with its arguments filled in. An
    /// unknown key shows as itself, and the catalogue test fails on it.
    public static func text(_ key: String, _ language: Language, _ arguments: [String] = []) -> String {
        guard let entry = entries[key] else { return key }
        let text = language == .nl ? entry.nl : entry.en
        return arguments.isEmpty ? text : fill(text, arguments)
    }

    /// `%1`, `%2`, … replaced by the arguments (`%10` and up too); a `%` not followed by
    /// the number of an argument stays as it is. One pass, and an argument's own text is
    /// never read for placeholders.
    static func fill(_ text: String, _ arguments: [String]) -> String {
        var out = ""
        var scalars = text.unicodeScalars[...]
        while let percent = scalars.firstIndex(of: "%") {
            out.unicodeScalars.append(contentsOf: scalars[..<percent])
            var digits = scalars[scalars.index(after: percent)...]
            var number = 0
            var end = digits.startIndex
            while end < digits.endIndex, (48...57).contains(digits[end].value), number * 10 + Int(digits[end].value - 48) <= arguments.count {
                number = number * 10 + Int(digits[end].value - 48)
                end = digits.index(after: end)
            }
            if number >= 1 {
                out += arguments[number - 1]
                digits = digits[end...]
            } else {
                out.unicodeScalars.append("%")
            }
            scalars = digits
        }
        out.unicodeScalars.append(contentsOf: scalars)
        return out
    }

    /// The whole catalogue in one language, for templates.
    public static func table(_ language: Language) -> [String: String] {
        language == .nl ? dutch : english
    }

    private static let dutch = entries.mapValues(\.nl)
    private static let english = entries.mapValues(\.en)

    /// Every entry: the foundation's and each capability's own list (their keys never overlap; a test checks).
    public static let entries: [String: Entry] = foundationEntries.merging(signalEntries) { first, _ in first }.merging(screeningEntries) { first, _ in first }.merging(collaborationEntries) { first, _ in first }.merging(programmeEntries) { first, _ in first }.merging(evaluationEntries) { first, _ in first }.merging(regionEntries) { first, _ in first }

    static let foundationEntries: [String: Entry] = [
        // Layout and navigation
        "app_name": .init(nl: "Samen", en: "Samen"),
        "app_tagline": .init(nl: "School en jeugdhulp, één systeem van ondersteuning", en: "School and youth care, one system of support"),
        "skip_to_content": .init(nl: "Naar de inhoud", en: "Skip to content"),
        "switch_language": .init(nl: "English", en: "Nederlands"),
        "nav_home": .init(nl: "Start", en: "Home"),
        "nav_schools": .init(nl: "Scholen", en: "Schools"),
        "nav_students": .init(nl: "Leerlingen", en: "Students"),
        "nav_staff": .init(nl: "Medewerkers", en: "Staff"),
        "nav_organisations": .init(nl: "Jeugdhulp", en: "Youth care"),
        "nav_accounts": .init(nl: "Accounts", en: "Accounts"),
        "nav_menu": .init(nl: "Menu", en: "Menu"),
        "logout": .init(nl: "Uitloggen", en: "Log out"),
        "change_password": .init(nl: "Wachtwoord wijzigen", en: "Change password"),
        "logged_in_as": .init(nl: "Ingelogd als", en: "Logged in as"),
        "save": .init(nl: "Opslaan", en: "Save"),
        "cancel": .init(nl: "Annuleren", en: "Cancel"),
        "edit": .init(nl: "Wijzigen", en: "Edit"),
        "search": .init(nl: "Zoeken", en: "Search"),
        "previous": .init(nl: "Vorige", en: "Previous"),
        "next": .init(nl: "Volgende", en: "Next"),
        "yes": .init(nl: "ja", en: "yes"),
        "no": .init(nl: "nee", en: "no"),
        "optional": .init(nl: "(optioneel)", en: "(optional)"),
        "form_has_errors": .init(nl: "Niet alles is goed ingevuld. Kijk bij de velden hieronder.", en: "Some fields need attention. See below."),

        // Roles
        "role_admin": .init(nl: "Functioneel beheerder", en: "Administrator"),
        "role_region": .init(nl: "Samenwerkingsverband", en: "Regional partnership"),
        "role_leader": .init(nl: "Schoolleider", en: "School leader"),
        "role_coordinator": .init(nl: "Zorgcoördinator / IB'er", en: "Care coordinator"),
        "role_teacher": .init(nl: "Leerkracht / mentor", en: "Teacher / mentor"),
        "role_youthworker": .init(nl: "Jeugdhulpverlener", en: "Youth-care worker"),
        "role_researcher": .init(nl: "Onderzoeker", en: "Researcher"),

        // School types
        "school_type_PO": .init(nl: "PO – primair onderwijs", en: "PO – primary"),
        "school_type_SO": .init(nl: "SO – speciaal onderwijs", en: "SO – special primary"),
        "school_type_VO": .init(nl: "VO – voortgezet onderwijs", en: "VO – secondary"),
        "school_type_VSO": .init(nl: "VSO – voortgezet speciaal onderwijs", en: "VSO – special secondary"),
        "school_type_MBO": .init(nl: "MBO – middelbaar beroepsonderwijs", en: "MBO – vocational"),

        // Login and password
        "login_title": .init(nl: "Inloggen", en: "Log in"),
        "login_intro": .init(nl: "Log in met je gebruikersnaam en wachtwoord.", en: "Log in with your user name and password."),
        "login_username": .init(nl: "Gebruikersnaam", en: "User name"),
        "login_password": .init(nl: "Wachtwoord", en: "Password"),
        "login_submit": .init(nl: "Inloggen", en: "Log in"),
        "login_missing": .init(nl: "Vul je gebruikersnaam en wachtwoord in.", en: "Enter your user name and password."),
        "login_wrong": .init(nl: "Gebruikersnaam of wachtwoord klopt niet. Controleer beide en probeer het opnieuw.", en: "User name or password is not right. Check both and try again."),
        "login_locked": .init(nl: "Te veel mislukte pogingen. Probeer het na %1 opnieuw, of vraag de beheerder je wachtwoord opnieuw in te stellen.", en: "Too many failed attempts. Try again after %1, or ask the administrator to reset your password."),
        "password_title": .init(nl: "Wachtwoord wijzigen", en: "Change password"),
        "password_current": .init(nl: "Huidig wachtwoord", en: "Current password"),
        "password_new": .init(nl: "Nieuw wachtwoord", en: "New password"),
        "password_repeat": .init(nl: "Herhaal nieuw wachtwoord", en: "Repeat new password"),
        "password_hint": .init(nl: "Minstens 10 tekens. Een zin van een paar woorden is sterk en goed te onthouden.", en: "At least 10 characters. A sentence of a few words is strong and easy to remember."),
        "password_saved": .init(nl: "Je wachtwoord is gewijzigd. Andere sessies zijn uitgelogd.", en: "Your password has been changed. Other sessions have been logged out."),
        "password_current_wrong": .init(nl: "Dit is niet je huidige wachtwoord.", en: "This is not your current password."),
        "password_too_short": .init(nl: "Kies een wachtwoord van minstens %1 tekens.", en: "Choose a password of at least %1 characters."),
        "password_same_as_username": .init(nl: "Je wachtwoord mag niet gelijk zijn aan je gebruikersnaam.", en: "Your password must differ from your user name."),
        "password_mismatch": .init(nl: "De twee nieuwe wachtwoorden zijn niet gelijk. Typ ze opnieuw.", en: "The two new passwords differ. Type them again."),

        // Errors
        "error_title": .init(nl: "Er ging iets mis", en: "Something went wrong"),
        "error_not_found": .init(nl: "Deze pagina of gegevens bestaan niet, of je hebt er geen toegang toe.", en: "This page or record does not exist, or you have no access to it."),
        "error_forbidden": .init(nl: "Je rol geeft geen toegang tot deze handeling. Vraag je zorgcoördinator of de beheerder als je denkt dat dit nodig is.", en: "Your role does not allow this action. Ask your care coordinator or the administrator if you think you need it."),
        "error_unauthorized": .init(nl: "Log eerst in.", en: "Please log in first."),
        "error_csrf": .init(nl: "Dit formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.", en: "This form has expired. Reload the page and try again."),
        "error_internal": .init(nl: "Er ging iets mis aan onze kant. Er is niets half opgeslagen. Probeer het zo nog eens.", en: "Something went wrong on our side. Nothing was half-saved. Please try again shortly."),
        "error_bad_request": .init(nl: "Het verzoek is niet goed leesbaar. Controleer de invoer.", en: "The request could not be read. Check the input."),
        "error_too_large": .init(nl: "Het bestand is te groot (maximaal 32 MB).", en: "The file is too large (32 MB at most)."),
        "error_media_type": .init(nl: "Dit soort inhoud wordt hier niet aangenomen. Stuur JSON (of CSV bij een import).", en: "This kind of content is not accepted here. Send JSON (or CSV for an import)."),
        "error_method": .init(nl: "Deze handeling bestaat niet op dit adres.", en: "This action does not exist at this address."),
        "error_field_missing": .init(nl: "Het veld '%1' ontbreekt. Vul het in.", en: "The field '%1' is missing. Fill it in."),
        "error_field_type": .init(nl: "Het veld '%1' heeft een ongeldige waarde. Controleer het formaat.", en: "The field '%1' has an invalid value. Check its format."),
        "error_body_unreadable": .init(nl: "De inhoud is geen geldige JSON.", en: "The body is not valid JSON."),
        "error_conflict": .init(nl: "Iemand anders heeft net hetzelfde opgeslagen. Laad de pagina opnieuw en controleer de gegevens.", en: "Someone else just saved the same thing. Reload the page and check the data."),
        "error_back_home": .init(nl: "Terug naar start", en: "Back to home"),

        // Home
        "home_title": .init(nl: "Start", en: "Home"),
        "home_intro_admin": .init(nl: "Je beheert de scholen, groepen, leerlingen en accounts van deze installatie. Alles wat je doet wordt vastgelegd.", en: "You manage the schools, groups, students and accounts of this installation. Everything you do is recorded."),
        "home_intro_region": .init(nl: "De scholen van het samenwerkingsverband naast elkaar. Je ziet alleen aantallen, nooit een leerling; aantallen onder de 10 tonen als \"< 10\".", en: "The partnership's schools side by side. You see counts only, never a student; counts below 10 show as \"< 10\"."),
        "home_intro_leader": .init(nl: "Jouw school: groepen, leerlingen en medewerkers.", en: "Your school: groups, students and staff."),
        "home_intro_coordinator": .init(nl: "Jouw school: zoek een leerling, bekijk de groepen, of lees een leerlingbestand in.", en: "Your school: find a student, look at the groups, or import a student list."),
        "home_intro_teacher": .init(nl: "Jouw groepen en leerlingen.", en: "Your groups and students."),
        "home_intro_youthworker": .init(nl: "De scholen waar je werkt. Je ziet een leerling alleen met toestemming van ouders (of de leerling vanaf 16), of als je aan zijn of haar casus bent gekoppeld op een wettelijke grondslag; en dan alleen de onderdelen die daarbij horen.", en: "The schools you work at. You see a student only with consent from the guardians (or the student from 16), or when assigned to their case on a legal basis; and then only the parts that come with it."),
        "home_intro_researcher": .init(nl: "Je ziet geen namen van leerlingen; onderzoeksgegevens zijn gepseudonimiseerd. Je metingen en vragenlijsten verschijnen hier zodra ze zijn aangemaakt.", en: "You see no student names; research data are pseudonymised. Your waves and questionnaires appear here once they are created."),
        "home_your_groups": .init(nl: "Mijn groepen", en: "My groups"),
        "home_no_groups": .init(nl: "Je bent nog aan geen groep gekoppeld. Vraag je zorgcoördinator of de beheerder je aan je groep toe te voegen.", en: "You are not linked to a group yet. Ask your care coordinator or the administrator to add you to your group."),
        "home_your_schools": .init(nl: "Scholen", en: "Schools"),
        "home_find_student": .init(nl: "Leerling zoeken", en: "Find a student"),
        "home_organisation": .init(nl: "Organisatie", en: "Organisation"),
        "home_mentor": .init(nl: "mentor", en: "mentor"),
        "home_no_schools": .init(nl: "Er zijn nog geen scholen waar je toegang toe hebt.", en: "There are no schools you have access to yet."),

        // Schools, groups
        "schools_title": .init(nl: "Scholen", en: "Schools"),
        "schools_new": .init(nl: "Nieuwe school", en: "New school"),
        "school_title": .init(nl: "%1", en: "%1"),
        "school_new_title": .init(nl: "Nieuwe school", en: "New school"),
        "school_edit_title": .init(nl: "School wijzigen", en: "Edit school"),
        "school_code": .init(nl: "Schoolcode (BRIN)", en: "School code (BRIN)"),
        "school_code_hint": .init(nl: "Twee cijfers en twee letters, bijvoorbeeld 10AA.", en: "Two digits and two letters, for example 10AA."),
        "school_name": .init(nl: "Naam", en: "Name"),
        "school_type": .init(nl: "Soort onderwijs", en: "Type of school"),
        "school_city": .init(nl: "Plaats", en: "Town"),
        "school_region": .init(nl: "Samenwerkingsverband", en: "Regional partnership"),
        "school_year": .init(nl: "Schooljaar", en: "School year"),
        "school_groups": .init(nl: "Groepen", en: "Groups"),
        "school_students": .init(nl: "Leerlingen", en: "Students"),
        "school_no_groups": .init(nl: "Deze school heeft nog geen groepen. Voeg hieronder een groep toe of lees een leerlingbestand in.", en: "This school has no groups yet. Add a group below or import a student list."),
        "school_import": .init(nl: "Leerlingbestand inlezen", en: "Import student list"),
        "school_all_students": .init(nl: "Alle leerlingen van deze school", en: "All students of this school"),
        "school_new_student": .init(nl: "Leerling toevoegen", en: "Add a student"),
        "school_add_group": .init(nl: "Groep toevoegen", en: "Add a group"),
        "school_bad_code": .init(nl: "'%1' is geen geldige schoolcode. Gebruik twee cijfers en twee letters, zoals 10AA.", en: "'%1' is not a valid school code. Use two digits and two letters, like 10AA."),
        "school_bad_name": .init(nl: "Geef de school een naam van 2 tot 120 tekens.", en: "Give the school a name of 2 to 120 characters."),
        "school_bad_type": .init(nl: "'%1' is geen soort onderwijs. Kies PO, SO, VO, VSO of MBO.", en: "'%1' is not a type of school. Choose PO, SO, VO, VSO or MBO."),
        "school_bad_region": .init(nl: "Dit samenwerkingsverband bestaat niet. Kies een bestaand samenwerkingsverband.", en: "This regional partnership does not exist. Choose an existing one."),
        "school_code_taken": .init(nl: "Schoolcode %1 is al in gebruik bij een andere school.", en: "School code %1 is already used by another school."),
        "group_title": .init(nl: "Groep %1", en: "Group %1"),
        "group_name": .init(nl: "Naam van de groep", en: "Group name"),
        "group_level": .init(nl: "Leerjaar of niveau", en: "Year or level"),
        "group_mentor": .init(nl: "mentor", en: "mentor"),
        "group_teacher": .init(nl: "leerkracht", en: "teacher"),
        "group_staff": .init(nl: "Leerkrachten", en: "Teachers"),
        "group_mentors": .init(nl: "Mentor", en: "Mentor"),
        "group_students_hidden": .init(nl: "Je rol geeft geen inzage in de leerlingen van deze groep.", en: "Your role gives no access to this group's students."),
        "group_no_students": .init(nl: "Er staan nog geen leerlingen in deze groep.", en: "There are no students in this group yet."),
        "group_bad_staff": .init(nl: "Kies een medewerker van deze school (leerkracht, IB'er of schoolleider).", en: "Choose a staff member of this school (teacher, coordinator or leader)."),
        "group_add_staff": .init(nl: "Leerkracht of mentor toevoegen", en: "Add a teacher or mentor"),
        "group_staff_member": .init(nl: "Medewerker", en: "Staff member"),
        "group_as_mentor": .init(nl: "Mentor van deze groep", en: "Mentor of this group"),
        "group_remove_staff": .init(nl: "Verwijderen uit groep", en: "Remove from group"),
        "group_no_staff": .init(nl: "Er is nog geen leerkracht aan deze groep gekoppeld.", en: "No teacher is linked to this group yet."),
        "group_name_taken": .init(nl: "Er is dit schooljaar al een groep '%1'.", en: "There is already a group '%1' this school year."),

        // Students
        "students_title": .init(nl: "Leerlingen", en: "Students"),
        "students_search_label": .init(nl: "Naam of leerlingnummer", en: "Name or student number"),
        "students_all_schools": .init(nl: "Alle scholen", en: "All schools"),
        "students_summary": .init(nl: "%1 leerlingen · pagina %2 van %3", en: "%1 students · page %2 of %3"),
        "students_none": .init(nl: "Geen leerlingen gevonden. Probeer een deel van de achternaam, of het leerlingnummer.", en: "No students found. Try part of the surname, or the student number."),
        "student_title": .init(nl: "%1", en: "%1"),
        "student_new_title": .init(nl: "Leerling toevoegen", en: "Add a student"),
        "student_edit_title": .init(nl: "Leerling wijzigen", en: "Edit student"),
        "student_name": .init(nl: "Naam", en: "Name"),
        "student_number": .init(nl: "Leerlingnummer", en: "Student number"),
        "student_first_name": .init(nl: "Roepnaam", en: "First name"),
        "student_particle": .init(nl: "Tussenvoegsel", en: "Name particle"),
        "student_last_name": .init(nl: "Achternaam", en: "Surname"),
        "student_birth_date": .init(nl: "Geboortedatum", en: "Date of birth"),
        "student_age": .init(nl: "Leeftijd", en: "Age"),
        "student_group": .init(nl: "Groep", en: "Group"),
        "student_school": .init(nl: "School", en: "School"),
        "student_enrolled": .init(nl: "Ingeschreven op", en: "Enrolled on"),
        "student_left": .init(nl: "Uitgeschreven op", en: "Left on"),
        "student_pseudonym": .init(nl: "Onderzoekscode (pseudoniem)", en: "Research code (pseudonym)"),
        "student_guardians": .init(nl: "Ouders / verzorgers", en: "Parents / guardians"),
        "student_no_guardians": .init(nl: "Er zijn geen ouders of verzorgers bekend.", en: "No parents or guardians are known."),
        "student_date_hint": .init(nl: "dd-mm-jjjj, bijvoorbeeld 22-11-2015", en: "dd-mm-yyyy, for example 22-11-2015"),
        "student_bad_group": .init(nl: "Deze groep hoort niet bij de school van de leerling. Kies een groep van die school.", en: "This group does not belong to the student's school. Choose a group of that school."),
        "student_bad_school": .init(nl: "Deze school bestaat niet of valt buiten je bereik. Kies je eigen school.", en: "This school does not exist or is outside your scope. Choose your own school."),
        "student_number_taken": .init(nl: "Leerlingnummer %1 is op deze school al in gebruik.", en: "Student number %1 is already used at this school."),
        "relation_mother": .init(nl: "moeder", en: "mother"),
        "relation_father": .init(nl: "vader", en: "father"),
        "relation_guardian": .init(nl: "verzorger", en: "guardian"),
        "guardian_add": .init(nl: "Ouder of verzorger toevoegen", en: "Add a parent or guardian"),
        "guardian_remove": .init(nl: "Verwijderen", en: "Remove"),
        "guardian_name": .init(nl: "Naam", en: "Name"),
        "guardian_bad_phone": .init(nl: "'%1' is geen telefoonnummer: gebruik cijfers, spaties, +, - of haakjes, hoogstens 30 tekens.", en: "'%1' is not a phone number: use digits, spaces, +, - or brackets, at most 30 characters."),
        "guardian_bad_relation": .init(nl: "Kies moeder, vader of verzorger.", en: "Choose mother, father or guardian."),
        "guardian_email": .init(nl: "E-mail", en: "E-mail"),
        "guardian_phone": .init(nl: "Telefoon", en: "Phone"),
        "guardian_relation": .init(nl: "Relatie", en: "Relation"),

        // Staff, organisations, accounts
        "staff_title": .init(nl: "Medewerkers", en: "Staff"),
        "staff_none": .init(nl: "Er zijn geen medewerkers gekoppeld aan de scholen die je ziet.", en: "No staff are linked to the schools you see."),
        "staff_name": .init(nl: "Naam", en: "Name"),
        "staff_role": .init(nl: "Rol", en: "Role"),
        "staff_schools": .init(nl: "Scholen", en: "Schools"),
        "staff_email": .init(nl: "E-mail", en: "E-mail"),
        "organisations_title": .init(nl: "Jeugdhulporganisaties", en: "Youth-care organisations"),
        "organisations_none": .init(nl: "Er zijn geen jeugdhulporganisaties gekoppeld aan jouw scholen.", en: "No youth-care organisations are linked to your schools."),
        "organisations_no_workers": .init(nl: "Geen medewerkers gekoppeld.", en: "No workers linked."),
        "accounts_title": .init(nl: "Accounts", en: "Accounts"),
        "accounts_new": .init(nl: "Nieuw account", en: "New account"),
        "accounts_username": .init(nl: "Gebruikersnaam", en: "User name"),
        "accounts_active": .init(nl: "Actief", en: "Active"),
        "accounts_can_login": .init(nl: "Kan inloggen", en: "Can log in"),
        "account_new_title": .init(nl: "Nieuw account", en: "New account"),
        "account_edit_title": .init(nl: "Account wijzigen", en: "Edit account"),
        "account_password_initial": .init(nl: "Beginwachtwoord", en: "Initial password"),
        "account_password_reset": .init(nl: "Nieuw wachtwoord instellen (leeg laten om niet te wijzigen)", en: "Set a new password (leave empty to keep it)"),
        "account_schools": .init(nl: "Scholen", en: "Schools"),
        "account_email": .init(nl: "E-mail", en: "E-mail"),
        "account_bad_username": .init(nl: "Gebruik 2 tot 60 kleine letters, cijfers, punten, streepjes of lage streepjes.", en: "Use 2 to 60 lower-case letters, digits, dots, dashes or underscores."),
        "account_username_taken": .init(nl: "De gebruikersnaam '%1' bestaat al. Kies een andere.", en: "The user name '%1' already exists. Choose another."),
        "account_bad_role": .init(nl: "Kies een rol.", en: "Choose a role."),
        "account_not_self": .init(nl: "Je kunt je eigen beheerdersrol niet intrekken of jezelf uitschakelen.", en: "You cannot remove your own administrator role or deactivate yourself."),

        // Import
        "import_title": .init(nl: "Leerlingbestand inlezen – %1", en: "Import student list – %1"),
        "import_intro": .init(nl: "Lees een CSV-export van je leerlingadministratie in (ParnasSys, Esis, Magister, Somtoday, Eduarte). Kolomkoppen mogen Nederlands of Engels zijn, gescheiden door ; of ,. Verplicht: leerlingnummer, roepnaam, achternaam, geboortedatum, groep. Alles of niets: bij één fout wordt niets ingelezen en zie je elke fout met regel en kolom. Hetzelfde bestand twee keer inlezen verandert niets. Een BSN-kolom wordt genegeerd.", en: "Import a CSV export from your student administration system (ParnasSys, Esis, Magister, Somtoday, Eduarte). Headers may be Dutch or English, separated by ; or ,. Required: student number, first name, surname, date of birth, group. All or nothing: with a single error nothing is imported and you see every error with its line and column. Importing the same file twice changes nothing. A BSN column is ignored."),
        "import_file": .init(nl: "CSV-bestand", en: "CSV file"),
        "import_submit": .init(nl: "Inlezen", en: "Import"),
        "import_done": .init(nl: "Ingelezen: %1 nieuw, %2 gewijzigd, %3 ongewijzigd.", en: "Imported: %1 new, %2 changed, %3 unchanged."),
        "import_groups_created": .init(nl: "Nieuwe groepen", en: "New groups"),
        "import_guardians_added": .init(nl: "Ouders/verzorgers toegevoegd", en: "Guardians added"),
        "import_ignored_columns": .init(nl: "Niet opgeslagen kolommen", en: "Columns not stored"),
        "import_line": .init(nl: "Regel", en: "Line"),
        "import_column": .init(nl: "Kolom", en: "Column"),
        "import_problem": .init(nl: "Wat is er mis", en: "What is wrong"),
        "import_rejected": .init(nl: "Er is niets ingelezen: het bestand bevat %1 fout(en). Herstel ze in het bestand en lees het opnieuw in.", en: "Nothing was imported: the file has %1 problem(s). Fix them in the file and import it again."),
        "import_no_file": .init(nl: "Kies eerst een CSV-bestand.", en: "Choose a CSV file first."),
        "import_unterminated_quote": .init(nl: "Een aanhalingsteken (\") wordt niet gesloten. Controleer deze regel.", en: "A quote (\") is never closed. Check this line."),
        "import_empty_file": .init(nl: "Het bestand is leeg.", en: "The file is empty."),
        "import_no_rows": .init(nl: "Het bestand heeft alleen kolomkoppen en geen leerlingen.", en: "The file has headers but no students."),
        "import_duplicate_column": .init(nl: "Deze kolom komt twee keer voor. Verwijder er één.", en: "This column appears twice. Remove one."),
        "import_missing_column": .init(nl: "Deze verplichte kolom ontbreekt. Voeg een kolom met deze kop toe.", en: "This required column is missing. Add a column with this header."),
        "import_field_count": .init(nl: "Deze regel heeft %1 velden, de kopregel %2. Controleer scheidingstekens en aanhalingstekens.", en: "This line has %1 fields, the header %2. Check separators and quotes."),
        "import_required": .init(nl: "Dit veld is verplicht.", en: "This field is required."),
        "import_bad_number": .init(nl: "'%1' is geen geldig leerlingnummer: gebruik letters, cijfers of -, maximaal 20 tekens.", en: "'%1' is not a valid student number: use letters, digits or -, at most 20 characters."),
        "import_duplicate_number": .init(nl: "Leerlingnummer %1 staat ook al op regel %2.", en: "Student number %1 also appears on line %2."),
        "import_too_long": .init(nl: "Te lang: maximaal %1 tekens.", en: "Too long: at most %1 characters."),
        "import_bad_date": .init(nl: "'%1' is geen geldige datum. Gebruik dd-mm-jjjj, bijvoorbeeld 22-11-2015.", en: "'%1' is not a valid date. Use dd-mm-yyyy, for example 22-11-2015."),
        "import_date_in_future": .init(nl: "De geboortedatum %1 ligt in de toekomst.", en: "The date of birth %1 lies in the future."),
        "import_implausible_birth": .init(nl: "De geboortedatum %1 maakt de leerling ouder dan 30. Controleer de datum.", en: "The date of birth %1 makes the student older than 30. Check the date."),
        "import_left_before_enrolled": .init(nl: "De uitschrijfdatum ligt vóór de inschrijfdatum.", en: "The leaving date is before the enrolment date."),
        "cli_demo_loaded": .init(nl: "Demo geladen: %1 scholen, %2 leerlingen, %3 accounts.", en: "Demo loaded: %1 schools, %2 students, %3 accounts."),
        "cli_demo_skipped": .init(nl: "De database bevat al gegevens; de demo is niet geladen en er is niets veranderd.", en: "The database already holds data; the demo was not loaded and nothing changed."),
        "cli_demo_logins": .init(nl: "Demo-logins (wachtwoord \"%1\"): %2", en: "Demo logins (password \"%1\"): %2"),
        "cli_listening": .init(nl: "Samen luistert op http://%1:%2 (database: %3)", en: "Samen listens on http://%1:%2 (database: %3)"),
        "cli_migrated": .init(nl: "De database is bijgewerkt (%1).", en: "The database is up to date (%1)."),
        "cli_account_created": .init(nl: "Account '%1' (%2) is aangemaakt.", en: "Account '%1' (%2) has been created."),
        "cli_unknown_role": .init(nl: "Onbekende rol '%1'. Kies uit: %2.", en: "Unknown role '%1'. Choose one of: %2."),
        "cli_log_level_capped": .init(nl: "LOG_LEVEL=%1 zou gegevens van leerlingen in het log zetten; het log blijft op 'info'. Zet ook SAMEN_ALLOW_DATA_IN_LOGS=1 om te debuggen, nooit in productie.", en: "LOG_LEVEL=%1 would write student data to the log; logging stays at 'info'. Also set SAMEN_ALLOW_DATA_IN_LOGS=1 to debug, never in production."),
        "cli_unknown_school": .init(nl: "Er is geen school met code '%1'. Controleer de code (bijvoorbeeld 10AA) of maak de school eerst aan.", en: "There is no school with code '%1'. Check the code (for example 10AA) or create the school first."),
        "cli_file_unreadable": .init(nl: "Het bestand '%1' kan niet worden gelezen. Controleer het pad.", en: "The file '%1' cannot be read. Check the path."),
        // Decision rules: what fired, on which data
        "rule_incidents_yellow": .init(nl: "%1 incidenten dit schooljaar: geel (2–5). Bespreek of extra ondersteuning nodig is.", en: "%1 incidents this school year: yellow (2–5). Discuss whether extra support is needed."),
        "rule_incidents_red": .init(nl: "%1 incidenten dit schooljaar: rood (6 of meer). Bespreek individuele ondersteuning.", en: "%1 incidents this school year: red (6 or more). Discuss individual support."),
        "rule_early_warning": .init(nl: "%1 incidenten vóór %2: overweeg ondersteuning op niveau II.", en: "%1 incidents before %2: consider Tier II."),
        "rule_point_card_review": .init(nl: "Kaartscore %1 weken onder het doel (laatste week %2%): bespreek in het team.", en: "Point-card score below goal for %1 weeks (last week %2%): review in the team."),
        "rule_progress_review": .init(nl: "%3: %1 weken onder het doel (laatste week gemiddeld %2): bespreek in het team.", en: "%3: below goal for %1 weeks (last week's average %2): review in the team."),
        "rule_progress_fading": .init(nl: "%3: %1 weken op het doel (laatste week gemiddeld %2): start met afbouwen.", en: "%3: at goal for %1 weeks (last week's average %2): start fading."),
        "rule_point_card_fading": .init(nl: "Kaartscore %1 weken op het doel (laatste week %2%): start met afbouwen.", en: "Point-card score at goal for %1 weeks (last week %2%): start fading."),
        "rule_screening_at_risk": .init(nl: "Screening %1: score %2 valt in de band '%3'. Het team volgt dit op.", en: "Screening %1: score %2 is in the band '%3'. The team follows up."),
        "rule_absence_report": .init(nl: "%1 uur ongeoorloofd verzuim binnen %2 dagen: meld bij DUO.", en: "%1 hours of unauthorised absence within %2 days: report to DUO."),
        "rule_thuiszitter": .init(nl: "Thuiszitter: %1 schooldagen afwezig zonder vrijstelling, sinds %2.", en: "Thuiszitter: absent %1 school days without exemption, since %2."),
        "rules_bands_order": .init(nl: "Rood moet bij meer incidenten beginnen dan geel, en geel bij minstens 1.", en: "Red must start at more incidents than yellow, and yellow at 1 or more."),
        "rules_goal_range": .init(nl: "Het doel is een aandeel tussen 0 en 1, bijvoorbeeld 0,8.", en: "The goal is a share between 0 and 1, for example 0.8."),
        "rules_must_be_positive": .init(nl: "Vul een getal groter dan 0 in.", en: "Enter a number greater than 0."),
        "rules_not_negative": .init(nl: "Vul 0 of meer weken in.", en: "Enter 0 or more weeks."),
        "rules_not_a_number": .init(nl: "'%1' is geen geheel getal van 0 tot 1000.", en: "'%1' is not a whole number from 0 to 1000."),
        "rules_bad_day": .init(nl: "Geef een dag en maand als dd-mm, bijvoorbeeld 31-10.", en: "Give a day and month as dd-mm, for example 31-10."),
        // samen analyze: input problems
        "analyze_empty_file": .init(nl: "Het bestand is leeg of heeft geen kopregel met kolomnamen. Zet de kolomnamen op de eerste regel.", en: "The file is empty or has no header line with column names. Put the column names on the first line."),
        "analyze_missing_column": .init(nl: "Kolom '%1' staat niet in het bestand. Kolommen in het bestand: %2.", en: "Column '%1' is not in the file. Columns in the file: %2."),
        "analyze_unclosed_quote": .init(nl: "Regel %1: een aanhalingsteken wordt niet gesloten. Sluit het veld af met \" of verwijder het aanhalingsteken.", en: "Line %1: a quote is never closed. End the field with \" or remove the quote."),
        "analyze_not_a_number": .init(nl: "Regel %1, kolom %2 (%3): '%4' is geen getal. Gebruik cijfers met een punt of komma als decimaalteken, of laat de cel leeg als de waarde ontbreekt.", en: "Line %1, column %2 (%3): '%4' is not a number. Use digits with a point or comma as decimal mark, or leave the cell empty when the value is missing."),
        "analyze_number_too_large": .init(nl: "Regel %1, kolom %2 (%3): '%4' is te groot om mee te rekenen. Controleer de waarde.", en: "Line %1, column %2 (%3): '%4' is too large to compute with. Check the value."),
        "analyze_bad_count": .init(nl: "Regel %1, kolom %2 (%3): '%4' is geen aantal. Een aantal is 0 of groter.", en: "Line %1, column %2 (%3): '%4' is not a count. A count is 0 or more."),
        "analyze_option_required": .init(nl: "Geef %1 op voor '%2'.", en: "Give %1 for '%2'."),
        "analyze_bad_confidence": .init(nl: "Het betrouwbaarheidsniveau %1 moet tussen 0 en 1 liggen, bijvoorbeeld 0.95.", en: "The confidence level %1 must lie between 0 and 1, for example 0.95."),
        "analyze_reverse_not_item": .init(nl: "'%1' bij --reverse is geen item van de schaal (%2).", en: "'%1' in --reverse is not an item of the scale (%2)."),
        "analyze_need_two_groups": .init(nl: "Kolom '%1' heeft %2 groepen met waarden (%3); deze toets vergelijkt er twee. Kies ze met --groups A,B.", en: "Column '%1' has %2 groups with values (%3); this test compares two. Choose them with --groups A,B."),
        "analyze_unknown_group": .init(nl: "Groep '%1' komt niet voor in kolom '%2' (groepen: %3).", en: "Group '%1' does not occur in column '%2' (groups: %3)."),
        "analyze_unknown_test": .init(nl: "Toets '%1' bestaat niet. Kies uit: %2.", en: "Test '%1' does not exist. Choose one of: %2."),
        "analyze_bad_choice": .init(nl: "%1 '%2' bestaat niet. Kies uit: %3.", en: "%1 '%2' does not exist. Choose one of: %3."),
        "analyze_exact_or_asymptotic": .init(nl: "Kies --exact of --asymptotic, niet allebei.", en: "Choose --exact or --asymptotic, not both."),
        "analyze_bad_option": .init(nl: "%1 Zie 'samen analyze --help'.", en: "%1 See 'samen analyze --help'."),
        // samen analyze: when a test does not apply
        "stats_no_values": .init(nl: "Er zijn geen waarden: elke waarde ontbreekt.", en: "There are no values: every value is missing."),
        "stats_too_few_values": .init(nl: "Hiervoor zijn minstens %1 waarden nodig; er zijn er %2.", en: "This needs at least %1 values; there are %2."),
        "stats_too_few_groups": .init(nl: "Deze toets vergelijkt minstens %1 groepen; de gegevens hebben %2 groep(en) met waarden.", en: "This test compares at least %1 groups; the data have %2 group(s) with values."),
        "stats_group_too_small": .init(nl: "Groep '%1' heeft %3 waarde(n); deze toets heeft er minstens %2 per groep nodig.", en: "Group '%1' has %3 value(s); this test needs at least %2 per group."),
        "stats_all_values_equal": .init(nl: "Alle waarden zijn gelijk, dus er is geen verschil om te toetsen.", en: "Every value is the same, so there is no difference to test."),
        "stats_no_variation_within_groups": .init(nl: "Binnen elke groep zijn alle waarden gelijk terwijl de groepen verschillen: de toetsgrootheid is oneindig en de toets is niet van toepassing.", en: "Within each group all values are equal while the groups differ: the test statistic is infinite and the test does not apply."),
        "stats_group_without_variation": .init(nl: "Alle waarden in groep '%1' zijn gelijk; deze toets vraagt spreiding binnen elke groep. Gebruik de klassieke variantieanalyse of Kruskal-Wallis.", en: "All values in group '%1' are equal; this test needs variation within every group. Use the classic ANOVA or Kruskal–Wallis."),
        "stats_constant_differences": .init(nl: "Alle verschillen tussen de paren zijn gelijk, dus de toetsgrootheid is niet gedefinieerd.", en: "Every paired difference is the same, so the test statistic is undefined."),
        "stats_empty_margin": .init(nl: "'%1' heeft geen waarnemingen; laat die rij of kolom weg uit de tabel.", en: "'%1' has no observations; leave that row or column out of the table."),
        "stats_table_too_small": .init(nl: "De tabel heeft %1 rij(en) en %2 kolom(men); er zijn er minstens twee van elk nodig.", en: "The table has %1 row(s) and %2 column(s); it needs at least two of each."),
        "stats_too_few_items": .init(nl: "Een schaal heeft minstens twee items nodig; er zijn er %1.", en: "A scale needs at least two items; there are %1."),
        "stats_invalid_parameter": .init(nl: "%1 kan niet %2 zijn.", en: "%1 cannot be %2."),
        // samen analyze: the table output
        "analyze_total": .init(nl: "Totaal", en: "Total"),
        "analyze_col_group": .init(nl: "Groep", en: "Group"),
        "analyze_col_missing": .init(nl: "ontbrekend", en: "missing"),
        "analyze_col_mean": .init(nl: "Gem.", en: "Mean"),
        "analyze_col_median": .init(nl: "mediaan", en: "median"),
        "analyze_col_ci": .init(nl: "%1-BI gemiddelde", en: "%1 CI mean"),
        "analyze_col_skewness": .init(nl: "scheefheid", en: "skewness"),
        "analyze_col_kurtosis": .init(nl: "kurtosis", en: "kurtosis"),
        "analyze_col_ci_level": .init(nl: "%1-BI", en: "%1 CI"),
        "analyze_col_source": .init(nl: "Bron", en: "Source"),
        "analyze_between": .init(nl: "Tussen groepen", en: "Between groups"),
        "analyze_within": .init(nl: "Binnen groepen", en: "Within groups"),
        "analyze_col_mean_rank": .init(nl: "Gem. rang", en: "Mean rank"),
        "analyze_col_pair": .init(nl: "Paar", en: "Pair"),
        "analyze_col_diff": .init(nl: "Verschil", en: "Difference"),
        "analyze_col_measure": .init(nl: "Meting", en: "Measure"),
        "analyze_col_item": .init(nl: "Item", en: "Item"),
        "analyze_col_item_total": .init(nl: "Item-rest r", en: "Item–rest r"),
        "analyze_col_alpha_deleted": .init(nl: "α zonder item", en: "α if deleted"),
        "analyze_title_describe": .init(nl: "Beschrijvende statistiek: %1", en: "Descriptive statistics: %1"),
        "analyze_title_anova": .init(nl: "Eenweg-variantieanalyse: %1 naar %2", en: "One-way ANOVA: %1 by %2"),
        "analyze_title_welch": .init(nl: "Welch-variantieanalyse (ongelijke varianties): %1 naar %2", en: "Welch's ANOVA (unequal variances): %1 by %2"),
        "analyze_title_levene": .init(nl: "Levene-toets op gelijke varianties: %1 naar %2", en: "Levene's test of equal variances: %1 by %2"),
        "analyze_title_kruskal": .init(nl: "Kruskal-Wallis-toets: %1 naar %2", en: "Kruskal–Wallis test: %1 by %2"),
        "analyze_title_posthoc": .init(nl: "Post-hocvergelijkingen: %1 naar %2", en: "Post-hoc comparisons: %1 by %2"),
        "analyze_title_ttest_welch": .init(nl: "t-toets voor onafhankelijke groepen (Welch, ongelijke varianties): %1 naar %2", en: "Independent-samples t-test (Welch, unequal variances): %1 by %2"),
        "analyze_title_ttest_student": .init(nl: "t-toets voor onafhankelijke groepen (Student, gelijke varianties): %1 naar %2", en: "Independent-samples t-test (Student, equal variances): %1 by %2"),
        "analyze_title_ttest_paired": .init(nl: "t-toets voor gepaarde metingen: %2 − %1", en: "Paired-samples t-test: %2 − %1"),
        "analyze_title_mannwhitney": .init(nl: "Mann-Whitney-U-toets: %1 naar %2", en: "Mann–Whitney U test: %1 by %2"),
        "analyze_title_wilcoxon": .init(nl: "Wilcoxon-rangtekentoets: %2 − %1", en: "Wilcoxon signed-rank test: %2 − %1"),
        "analyze_title_alpha": .init(nl: "Betrouwbaarheid (Cronbachs alfa), %1 items", en: "Reliability (Cronbach's alpha), %1 items"),
        "analyze_title_chisq": .init(nl: "Chi-kwadraattoets op onafhankelijkheid: %1 × %2", en: "Chi-square test of independence: %1 × %2"),
        "analyze_missing_left_out": .init(nl: "%1 rij(en) zonder waarde of groep zijn weggelaten.", en: "%1 row(s) without a value or group were left out."),
        "analyze_pairs_left_out": .init(nl: "%1 paar/paren met een ontbrekende meting zijn weggelaten.", en: "%1 pair(s) with a missing measure were left out."),
        "analyze_levene_mean": .init(nl: "Afwijkingen van het groepsgemiddelde (Levene; SPSS 'Based on Mean').", en: "Deviations from the group mean (Levene; SPSS 'Based on Mean')."),
        "analyze_levene_median": .init(nl: "Afwijkingen van de groepsmediaan (Brown-Forsythe).", en: "Deviations from the group median (Brown–Forsythe)."),
        "analyze_method_tukey": .init(nl: "Tukey HSD (Tukey-Kramer bij ongelijke groepen); p uit de studentized range-verdeling.", en: "Tukey HSD (Tukey–Kramer for unequal groups); p from the studentized range distribution."),
        "analyze_method_games_howell": .init(nl: "Games-Howell (ongelijke varianties, Welch-vrijheidsgraden per paar).", en: "Games–Howell (unequal variances, Welch degrees of freedom per pair)."),
        "analyze_method_bonferroni": .init(nl: "t-toetsen met Bonferroni-correctie (p × aantal vergelijkingen).", en: "t-tests with Bonferroni correction (p × number of comparisons)."),
        "analyze_method_holm": .init(nl: "t-toetsen met Holm-correctie (stapsgewijs); geen simultane intervallen.", en: "t-tests with Holm's step-down correction; no simultaneous intervals."),
        "analyze_diff_line": .init(nl: "Verschil %1 − %2 = %3, %4-BI [%5, %6]", en: "Difference %1 − %2 = %3, %4 CI [%5, %6]"),
        "analyze_rank_exact": .init(nl: "exact", en: "exact"),
        "analyze_rank_normal": .init(nl: "normale benadering met correctie voor knopen en continuïteit", en: "normal approximation with tie and continuity correction"),
        "analyze_zero_differences": .init(nl: "%1 paar/paren zonder verschil zijn weggelaten (methode van Wilcoxon).", en: "%1 pair(s) without a difference were left out (Wilcoxon's method)."),
        "analyze_listwise": .init(nl: "%1 respondent(en) met een ontbrekend antwoord zijn weggelaten (listwise).", en: "%1 respondent(s) with a missing answer were left out (listwise)."),
        "analyze_reversed": .init(nl: "Omgescoord: %1 (schaal %2).", en: "Reverse-scored: %1 (scale %2)."),
        "analyze_observed_range": .init(nl: "laagste tot hoogste gegeven antwoord; geef --scale-min en --scale-max om de schaal vast te leggen", en: "lowest to highest answer given; set --scale-min and --scale-max to fix the scale"),
        "analyze_alpha_low": .init(nl: "Let op: alfa ligt onder .70; de schaal is niet betrouwbaar genoeg om te rapporteren.", en: "Note: alpha is below .70; the scale is not reliable enough to report."),
        "analyze_negative_item_total": .init(nl: "Let op: een item hangt negatief samen met de rest van de schaal. Moet het worden omgescoord (--reverse)?", en: "Note: an item correlates negatively with the rest of the scale. Should it be reverse-scored (--reverse)?"),
        "analyze_yates": .init(nl: "Met continuïteitscorrectie (Yates): χ² = %1, %2", en: "With continuity correction (Yates): χ² = %1, %2"),
        "analyze_fisher": .init(nl: "Fishers exacte toets (tweezijdig): %1", en: "Fisher's exact test (two-sided): %1"),
        "analyze_expected_below_5": .init(nl: "Let op: %1 van de %2 cellen hebben een verwachte frequentie onder 5; de chi-kwadraatbenadering is dan onbetrouwbaar.", en: "Note: %1 of %2 cells have an expected count below 5; the chi-square approximation is then unreliable."),
        "import_bad_email": .init(nl: "'%1' is geen geldig e-mailadres.", en: "'%1' is not a valid e-mail address."),
    ]
}

import Foundation
