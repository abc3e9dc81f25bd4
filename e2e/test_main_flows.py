"""Main flows in a real browser against `samen serve --demo`."""
import os
import random
import tempfile
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import BASE, login, navigates


def test_teacher_logs_in_and_sees_own_group(browser):
    login(browser, "teacher")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Start"
    cards = browser.find_elements(By.CSS_SELECTOR, ".group-card")
    assert [c.find_element(By.TAG_NAME, "a").text for c in cards] == ["7a"]
    students = cards[0].find_elements(By.CSS_SELECTOR, "ul.students li a")
    assert len(students) >= 20
    first = students[0].text
    navigates(browser, students[0].click)
    assert browser.find_element(By.TAG_NAME, "h1").text.split()[0] in first
    assert "Leerlingnummer" in browser.page_source
    # Another school's student list is not reachable: the search shows own group only.
    browser.get(BASE + "/students")
    groups = {row.find_elements(By.TAG_NAME, "td")[2].text for row in browser.find_elements(By.CSS_SELECTOR, "tbody tr")}
    assert groups == {"7a"}


def test_login_by_keyboard_alone_on_a_phone(phone):
    phone.get(BASE + "/login")
    body = phone.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)  # skip link
    phone.switch_to.active_element.send_keys(Keys.TAB)  # brand
    # Walk with TAB until the user name field has focus.
    for _ in range(6):
        if phone.switch_to.active_element.get_attribute("id") == "username":
            break
        phone.switch_to.active_element.send_keys(Keys.TAB)
    assert phone.switch_to.active_element.get_attribute("id") == "username"
    navigates(phone, lambda: phone.switch_to.active_element.send_keys("coordinator", Keys.TAB, "demo", Keys.ENTER))
    assert phone.find_element(By.TAG_NAME, "h1").text == "Start"
    # Nothing is wider than the phone's screen.
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= phone.execute_script("return window.innerWidth") + 1


def test_wrong_password_says_so_next_to_the_form(browser):
    login(browser, "teacher", "fout-wachtwoord")
    error = browser.find_element(By.ID, "login-error")
    assert "klopt niet" in error.text
    assert browser.find_element(By.ID, "username").get_attribute("value") == "teacher"


def test_language_switch_to_english(browser):
    login(browser, "leader")
    navigates(browser, browser.find_element(By.CSS_SELECTOR, "a.lang").click)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Home"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    navigates(browser, browser.find_element(By.CSS_SELECTOR, "a.lang").click)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Start"


def test_coordinator_imports_a_student_list(browser):
    login(browser, "coordinator")
    navigates(browser, browser.find_element(By.LINK_TEXT, "OBS De Regenboog").click)
    navigates(browser, browser.find_element(By.LINK_TEXT, "Leerlingbestand inlezen").click)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
        f.write("Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep\n")
        f.write("880001;Lieke;van der;Veen;12-03-2016;5a\n880002;Bram;;Kok;40-01-2016;5a\n")
        path = f.name
    number = f"E2E{random.randrange(10**9)}"  # new on every run, so the test can run again on the same server
    browser.find_element(By.ID, "file").send_keys(path)
    navigates(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click)
    assert "Er is niets ingelezen" in browser.page_source
    rows = browser.find_elements(By.CSS_SELECTOR, "table.problems tbody tr")
    assert [r.find_elements(By.TAG_NAME, "td")[0].text for r in rows] == ["3"]
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep\n{number};Lieke;van der;Veen;12-03-2016;5a\n")
    browser.find_element(By.ID, "file").send_keys(path)
    navigates(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click)
    assert "Ingelezen: 1 nieuw" in browser.page_source
    os.unlink(path)
    browser.get(BASE + "/students?q=" + number)
    assert "Veen, Lieke van der" in browser.page_source


def test_teacher_records_an_incident_on_a_phone(phone):
    """The quick form: pick the student, the behaviour, send. Three steps, one screen."""
    login(phone, "teacher")
    navigates(phone, phone.find_element(By.ID, "quick-incident").click)
    assert phone.find_element(By.TAG_NAME, "h1").text == "Incident vastleggen"
    # The choices the phone offers while typing: every student of the school, "Name (group, number)".
    choices = [o.get_attribute("value") for o in phone.find_elements(By.CSS_SELECTOR, "#student-choices option")]
    pick = next(c for c in choices if " (7a, " in c)
    name = pick.split(" (7a, ")[0]
    start = time.monotonic()
    phone.find_element(By.ID, "student_1").send_keys(pick)
    Select(phone.find_element(By.ID, "behaviour_id")).select_by_visible_text("Verstoren van de les")
    # Date, time and place are filled in already.
    assert phone.find_element(By.ID, "date").get_attribute("value")
    assert phone.find_element(By.ID, "time").get_attribute("value")
    assert Select(phone.find_element(By.ID, "location_id")).first_selected_option.get_attribute("value")
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= phone.execute_script("return window.innerWidth") + 1
    navigates(phone, phone.find_element(By.ID, "send").click)
    assert time.monotonic() - start < 30
    assert "Het incident is vastgelegd." in phone.page_source
    assert "Ter beoordeling" in phone.page_source
    assert name in phone.find_element(By.CSS_SELECTOR, "dl.facts").text


def test_coordinator_opens_a_signal_and_records_a_decision(browser):
    login(browser, "coordinator")
    worklist = browser.find_element(By.CSS_SELECTOR, "section.worklist")
    navigates(browser, worklist.find_element(By.PARTIAL_LINK_TEXT, "nieuwe signalen").click)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Signalen"
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert rows, "the demo has open signals"
    student = rows[0].find_element(By.TAG_NAME, "a").text
    navigates(browser, rows[0].find_element(By.TAG_NAME, "a").click)
    # The data in view: the rule's finding, the incidents it fired on.
    assert browser.find_element(By.CSS_SELECTOR, ".signal-message").text
    assert browser.find_elements(By.XPATH, "//h2[text()='De gegevens']/following-sibling::div[1]//tbody/tr")
    card = browser.find_element(By.CSS_SELECTOR, ".signal-card").text
    higher = "Niveau III (individueel)" if "Niveau II " in card or "Niveau III" in card else "Niveau II (kleine groep)"
    Select(browser.find_element(By.ID, "decision")).select_by_visible_text("Intensiveren")
    Select(browser.find_element(By.ID, "tier_after")).select_by_visible_text(higher)
    browser.find_element(By.ID, "note").send_keys("Aanmelden voor Check-In/Check-Out.")
    navigates(browser, browser.find_element(By.ID, "record-decision").click)
    decisions = browser.find_element(By.XPATH, "//h2[text()='Besluiten']/following-sibling::div[1]").text
    assert "Intensiveren" in decisions and "Aanmelden voor Check-In/Check-Out." in decisions
    assert higher in browser.find_element(By.CSS_SELECTOR, ".signal-card").text
    assert student in browser.find_element(By.TAG_NAME, "h1").text


def test_pyramid_renders_and_the_workshop_board_updates_live(browser, phone):
    login(browser, "coordinator")
    navigates(browser, browser.find_element(By.LINK_TEXT, "Piramide").click)
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Piramide van afstemming")
    assert len(browser.find_elements(By.CSS_SELECTOR, "figure.chart svg polygon")) == 3
    assert len(browser.find_elements(By.CSS_SELECTOR, "table caption + thead + tbody tr")) == 3
    # A team session: the board on the projector, notes from a phone.
    browser.find_element(By.ID, "title").send_keys("Studiedag")
    navigates(browser, browser.find_element(By.ID, "start-workshop").click)
    board = browser.current_url
    note_link = browser.find_element(By.CSS_SELECTOR, "p.join a").get_attribute("href")
    login(phone, "teacher")
    phone.get(note_link)
    phone.find_element(By.CSS_SELECTOR, "input[name=tier][value='2']").click()
    text = f"Kanjertraining in groepjes {random.randrange(10**6)}"
    phone.find_element(By.ID, "text").send_keys(text)
    navigates(phone, phone.find_element(By.ID, "add-note").click)
    assert "Staat op het bord" in phone.page_source
    # The projector shows it without a reload.
    assert browser.current_url == board
    WebDriverWait(browser, 20).until(lambda d: text in d.find_element(By.ID, "board").text)
    assert browser.find_element(By.ID, "board").get_attribute("data-updated")
    # Afterwards the coordinator merges the notes into the inventory.
    browser.get(board)
    navigates(browser, browser.find_element(By.ID, "merge").click)
    assert text in browser.find_element(By.TAG_NAME, "main").text


def test_teacher_rates_the_group_in_a_screening_round(browser):
    """The open round waits for the demo teacher's group: rate two students on one sheet;
    the coordinator then sees internalising and externalising side by side."""
    login(browser, "teacher")
    navigates(browser, browser.find_element(By.LINK_TEXT, "Screening").click)
    navigates(browser, browser.find_element(By.LINK_TEXT, "Tussenmeting").click)
    navigates(browser, browser.find_element(By.CSS_SELECTOR, "#round-groups a").click)
    assert "geen SDQ, SAEBRS of SCOL" in browser.page_source
    rows = browser.find_elements(By.CSS_SELECTOR, "#rating-form tbody tr")
    assert len(rows) > 10
    # The first student worries quietly; the second is at ease.
    answers = [["2", "2", "2", "1", "0", "0", "0", "1", "2", "0", "1", "1"],
               ["0", "0", "1", "0", "2", "0", "0", "1", "2", "0", "2", "2"]]
    for row, values in zip(rows[:2], answers):
        for select, value in zip(row.find_elements(By.TAG_NAME, "select"), values):
            Select(select).select_by_value(value)
    navigates(browser, browser.find_element(By.ID, "save-ratings").click)
    assert "beoordelingen opgeslagen" in browser.find_element(By.ID, "saved").text
    first = browser.find_elements(By.CSS_SELECTOR, "#rating-form tbody tr")[0]
    assert "INT 9 Zorg" in first.text
    navigates(browser, browser.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click)
    login(browser, "coordinator")
    navigates(browser, browser.find_element(By.LINK_TEXT, "Screening").click)
    navigates(browser, browser.find_element(By.LINK_TEXT, "Tussenmeting").click)
    assert "Internaliserend en externaliserend naast elkaar" in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, "figure.chart svg rect")
    overview = browser.find_element(By.ID, "overview").text
    assert "alleen internaliserend in de zorgband" in overview


def logout(driver):
    navigates(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click)


def listed_students(driver):
    driver.get(BASE + "/students")
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "tbody tr td a")]


def test_consent_opens_a_student_to_youth_care_and_withdrawal_closes_it(browser):
    """The coordinator records a guardian's consent to share support with the youth-care
    organisation; the youth-care worker then finds the student, with only that part; after
    withdrawal the student is gone at once; the audit trail shows who looked."""
    login(browser, "youthworker")
    before = listed_students(browser)
    assert 0 < len(before) < 10
    logout(browser)

    login(browser, "coordinator")
    browser.get(BASE + "/students")
    links = [(a.text, a.get_attribute("href")) for a in browser.find_elements(By.CSS_SELECTOR, "tbody tr td a")]
    name, href = None, None
    for text, link in links:
        if text in before:
            continue
        browser.get(link)
        if "geen geldige toestemming" in browser.find_element(By.ID, "consent-status").text:
            name, href = text, link
            break
    assert name, "a student without consent"
    navigates(browser, browser.find_element(By.CSS_SELECTOR, "#consent-status a").click)
    Select(browser.find_element(By.ID, "organisation_id")).select_by_visible_text("Jeugdhulp Veenendrecht")
    signals = browser.find_element(By.CSS_SELECTOR, "input[name='parts[]'][value='signals']")
    if signals.is_selected():
        signals.click()  # support only
    Select(browser.find_element(By.ID, "guardian_id")).select_by_index(1)
    navigates(browser, browser.find_element(By.ID, "record-consent").click)
    assert "Geldig" in browser.find_element(By.ID, "consents").text
    logout(browser)

    login(browser, "youthworker")
    assert name in listed_students(browser)
    browser.get(href)
    basis = browser.find_element(By.ID, "access-basis").text
    assert "Ondersteuning" in basis and "Signalen" not in basis
    assert "Ouders / verzorgers" not in browser.page_source
    logout(browser)

    login(browser, "coordinator")
    browser.get(href.rstrip("/") + "/consent")
    withdraw = browser.find_elements(By.CSS_SELECTOR, "#consents form.withdraw button")
    assert len(withdraw) == 1
    navigates(browser, withdraw[0].click)
    assert "Ingetrokken" in browser.find_element(By.ID, "consents").text
    navigates(browser, browser.find_element(By.ID, "audit-link").click)
    trail = browser.find_element(By.ID, "audit").text
    assert "Yasmina El Idrissi" in trail and "jeugdhulp met toestemming" in trail
    logout(browser)

    login(browser, "youthworker")
    assert name not in listed_students(browser)
    browser.get(href)
    assert "bestaan niet, of je hebt er geen toegang toe" in browser.page_source


def test_team_meeting_from_agenda_to_decision_and_action(browser):
    """The coordinator plans the team's meeting: its agenda comes from the data; a signal on it
    is decided from the meeting and the decision is listed there; an action gets an owner and a
    date; the printable minutes carry both."""
    login(browser, "coordinator")
    navigates(browser, browser.find_element(By.LINK_TEXT, "Team").click)
    assert "Yasmina El Idrissi" in browser.find_element(By.ID, "members").text
    assert browser.find_elements(By.CSS_SELECTOR, "#open-actions li.overdue"), "the demo's overdue action stands out"
    title = browser.find_element(By.ID, "title")
    title.clear()
    title.send_keys("Teamoverleg browsertest")
    navigates(browser, browser.find_element(By.ID, "plan-meeting").click)
    assert "Teamoverleg browsertest" in browser.find_element(By.TAG_NAME, "h1").text
    agenda = browser.find_elements(By.CSS_SELECTOR, "#agenda li.agenda-signal")
    assert agenda, "open signals on the agenda"
    assert browser.find_elements(By.CSS_SELECTOR, "#agenda li.agenda-trend svg"), "a point-card chart inline"
    navigates(browser, agenda[0].find_element(By.CSS_SELECTOR, "a.decide").click)
    assert browser.find_element(By.ID, "back-to-meeting")
    # Continue at the current tier (other tests may have raised it already), review in six weeks (the default).
    Select(browser.find_element(By.ID, "decision")).select_by_value("continue")
    browser.find_element(By.ID, "note").send_keys("Besproken in het teamoverleg: Check-In/Check-Out")
    navigates(browser, browser.find_element(By.CSS_SELECTOR, "#decision-form button[type=submit]").click)
    assert "Teamoverleg browsertest" in browser.find_element(By.TAG_NAME, "h1").text
    assert "Besproken in het teamoverleg" in browser.find_element(By.ID, "decisions").text
    browser.find_element(By.ID, "text").send_keys("Ouders uitnodigen voor een gesprek")
    Select(browser.find_element(By.ID, "owner_id")).select_by_visible_text("Thijs van der Meer")
    navigates(browser, browser.find_element(By.ID, "add-action").click)
    assert "Ouders uitnodigen voor een gesprek" in browser.find_element(By.ID, "action-list").text
    navigates(browser, browser.find_element(By.ID, "print-link").click)
    printed = browser.find_element(By.TAG_NAME, "main").text
    assert "Besproken in het teamoverleg" in printed and "Ouders uitnodigen" in printed


def test_coordinator_opens_a_case_from_a_signal_and_records_its_steps(browser):
    """A signal becomes a case with a lead; its steps are recorded with dates; the school's page
    shows the case and the lead times per month."""
    login(browser, "coordinator")
    browser.get(BASE + "/signals")
    navigates(browser, browser.find_elements(By.CSS_SELECTOR, "tbody tr a")[0].click)
    navigates(browser, browser.find_element(By.ID, "open-case-link").click)
    Select(browser.find_element(By.ID, "type")).select_by_value("referral")
    Select(browser.find_element(By.ID, "worker_id")).select_by_visible_text("Yasmina El Idrissi")
    navigates(browser, browser.find_element(By.ID, "open-case").click)
    assert "Verwijzing naar jeugdhulp" in browser.page_source
    assert "Eerste contact" in browser.find_element(By.ID, "record-step").text
    navigates(browser, browser.find_element(By.ID, "record-step").click)
    steps = browser.find_element(By.ID, "steps").text
    assert "Signaal of aanvraag" in steps and "Eerste contact" in steps
    assert "Start interventie" in browser.find_element(By.ID, "record-step").text
    navigates(browser, browser.find_element(By.LINK_TEXT, "Casussen").click)
    assert browser.find_elements(By.CSS_SELECTOR, "#open-cases tbody tr")
    assert browser.find_elements(By.CSS_SELECTOR, "#lead-times tbody tr")


def test_guardian_opens_a_personal_link_and_gives_consent(browser):
    """The coordinator makes a guardian's link on the consent page; the guardian opens it
    without an account and gives consent to share; the coordinator sees it recorded."""
    login(browser, "coordinator")
    browser.get(BASE + "/students")
    navigates(browser, browser.find_elements(By.CSS_SELECTOR, "tbody tr td a")[-1].click)
    student = browser.current_url
    navigates(browser, browser.find_element(By.CSS_SELECTOR, "#consent-status a").click)
    Select(browser.find_element(By.ID, "link-guardian")).select_by_index(1)
    navigates(browser, browser.find_element(By.ID, "make-link").click)
    link = browser.find_element(By.ID, "new-link").text
    assert link.startswith("/ouder/")
    logout(browser)
    browser.get(BASE + link)
    assert "Voor de ouders van" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_element(By.ID, "involved").text
    Select(browser.find_element(By.ID, "organisation_id")).select_by_visible_text("Jeugdhulp Veenendrecht")
    navigates(browser, browser.find_element(By.ID, "give-consent").click)
    assert "Uw toestemming is vastgelegd" in browser.find_element(By.ID, "guardian-notice").text
    assert "Geldig" in browser.find_element(By.ID, "consents").text
    login(browser, "coordinator")
    browser.get(student.rstrip("/") + "/consent")
    assert "Gegeven via de persoonlijke link." in browser.find_element(By.ID, "consents").text


def test_respect_run_pair_logs_a_meeting_and_students_shape_the_matrix(browser):
    """The teacher of a Respect pair logs the next meeting with attendance, the checklist and a
    reflection; the coordinator makes the students' anonymous link; a student sends an idea
    without an account; the coordinator sees it with the cell, publishes, and the poster shows it."""
    login(browser, "teacher")
    pair = browser.find_element(By.ID, "my-pairs").text
    assert "Yasmina El Idrissi" in pair and "volgende: Bijeenkomst" in pair
    navigates(browser, browser.find_element(By.LINK_TEXT, "Programma's").click)
    navigates(browser, browser.find_elements(By.CSS_SELECTOR, "#runs a")[0].click)
    assert "Respect" in browser.find_element(By.TAG_NAME, "h1").text
    navigates(browser, browser.find_elements(By.CSS_SELECTOR, "#delivery-grid a[href*='/sessions/']")[0].click)
    assert "Checklist" in browser.find_element(By.TAG_NAME, "main").text
    browser.find_element(By.ID, "present").send_keys("23")
    browser.find_element(By.ID, "expected").send_keys("27")
    browser.find_elements(By.CSS_SELECTOR, "input[name='fidelity[]']")[0].click()
    browser.find_element(By.ID, "reflection").send_keys("De groepsapp-casus opende het gesprek")
    navigates(browser, browser.find_element(By.ID, "log-delivery").click)
    assert "De groepsapp-casus opende het gesprek" in browser.find_element(By.ID, "deliveries").find_element(By.XPATH, "..").text
    run = browser.current_url.split("#")[0]
    logout(browser)

    login(browser, "coordinator")
    browser.get(run + "/matrix")
    navigates(browser, browser.find_element(By.ID, "make-link").click)
    link = browser.find_element(By.ID, "new-link").text
    assert link.startswith("/ideeen/")
    logout(browser)

    browser.get(BASE + link)
    Select(browser.find_element(By.ID, "expectation")).select_by_visible_text("Veilig")
    Select(browser.find_element(By.ID, "setting")).select_by_visible_text("Online")
    browser.find_element(By.ID, "text").send_keys("We zetten onze locatie uit in de groepsapp")
    navigates(browser, browser.find_element(By.ID, "send-idea").click)
    assert "Dank je" in browser.find_element(By.ID, "idea-notice").text

    login(browser, "coordinator")
    browser.get(run + "/matrix")
    assert "We zetten onze locatie uit in de groepsapp" in browser.find_element(By.ID, "matrix").get_attribute("textContent")
    cell = browser.find_element(By.NAME, "c1_3")
    cell.send_keys(Keys.END, "\nWe zetten onze locatie uit in de groepsapp")
    navigates(browser, browser.find_element(By.ID, "save-matrix").click)
    assert "opgeslagen" in browser.find_element(By.ID, "matrix-notice").text
    navigates(browser, browser.find_element(By.ID, "publish-matrix").click)
    assert "gepubliceerd" in browser.find_element(By.ID, "matrix-notice").text
    navigates(browser, browser.find_elements(By.CSS_SELECTOR, "#published a")[0].click)
    assert "We zetten onze locatie uit in de groepsapp" in browser.find_element(By.ID, "poster").text


def test_teacher_fills_in_a_questionnaire_on_a_phone_and_the_count_rises(browser, phone):
    """The researcher puts the collaboration scan to the home school; the teacher finds it on
    the home page of a phone, answers every question and sends; the researcher's response count
    for the school goes up by one."""
    login(browser, "researcher")
    navigates(browser, browser.find_element(By.LINK_TEXT, "Metingen").click)
    browser.find_element(By.ID, "name").send_keys("Browsertest nulmeting")
    Select(browser.find_element(By.ID, "questionnaire_id")).select_by_visible_text("Samenwerkingsscan school en jeugdhulp (v1)")
    for box in browser.find_elements(By.CSS_SELECTOR, "input[name='school_ids[]']"):
        if "OBS De Regenboog" in box.find_element(By.XPATH, "..").text:
            box.click()
    navigates(browser, browser.find_element(By.ID, "create-wave").click)
    wave = browser.current_url
    before = int(browser.find_element(By.CSS_SELECTOR, "#rates tbody tr td:nth-child(4)").text)

    login(phone, "teacher")
    # The demo's open working-factors scan is on the list too; the new wave is the collaboration scan.
    navigates(phone, phone.find_element(By.PARTIAL_LINK_TEXT, "Samenwerkingsscan").click)
    questions = phone.find_elements(By.CSS_SELECTOR, "fieldset.question")
    assert len(questions) == 20
    for question in questions:
        option = question.find_elements(By.CSS_SELECTOR, "input[type=radio]")[3]
        phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", option)
        option.click()
    send = phone.find_element(By.ID, "send-answers")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", send)
    navigates(phone, send.click)
    assert "Verstuurd" in phone.find_element(By.ID, "respond-notice").text

    browser.get(wave)
    after = int(browser.find_element(By.CSS_SELECTOR, "#rates tbody tr td:nth-child(4)").text)
    assert after == before + 1


def test_researcher_reads_the_follow_up_report_against_the_baseline(browser):
    """The demo's collaboration scan: the follow-up's report shows the school types' table with
    its test, the change since the baseline tested on linked pairs, and the charts."""
    login(browser, "researcher")
    navigates(browser, browser.find_element(By.LINK_TEXT, "Metingen").click)
    navigates(browser, browser.find_element(By.LINK_TEXT, "Samenwerkingsscan vervolgmeting").click)
    navigates(browser, browser.find_element(By.ID, "report-link").click)
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Onderlinge afhankelijkheid" in page
    assert "Variantieanalyse" in page or "Welch-toets" in page
    assert "Nulmeting en vervolgmeting" in page
    assert "Gepaarde t-toets" in page
    assert browser.find_elements(By.CSS_SELECTOR, "svg.bar-chart")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.slope-chart")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.profile-chart")
    rows = browser.find_elements(By.CSS_SELECTOR, "#scale_interdependence tbody tr")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows][:3] == ["PO", "SO", "VO"]

