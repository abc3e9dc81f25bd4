"""Browser fixtures: Debian's headless Chromium driven by Selenium."""
import os
import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ.get("SAMEN_URL", "http://127.0.0.1:8080")


def make_driver(width=1366, height=768):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--lang=nl"):
        options.add_argument(arg)
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.implicitly_wait(5)
    return driver


@pytest.fixture
def browser():
    driver = make_driver()
    yield driver
    driver.quit()


@pytest.fixture
def phone():
    driver = make_driver(390, 844)
    yield driver
    driver.quit()


def _gone(element):
    """Whether a page's element has left the document. Mid-navigation Chromium
    may answer "node does not belong to the document" instead of "stale":
    both mean the old page is gone."""
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def navigates(driver, action):
    """Runs an action that loads a new page (a click, a submit) and waits until
    the old page is gone, so nothing reads the page it is leaving."""
    old = driver.find_element(By.TAG_NAME, "html")
    action()
    wait = WebDriverWait(driver, 15)
    wait.until(lambda d: _gone(old))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def login(driver, username, password="demo"):
    driver.get(BASE + "/login")
    driver.find_element("id", "username").send_keys(username)
    driver.find_element("id", "password").send_keys(password)
    submit = driver.find_element("css selector", "form.form button[type=submit]")
    navigates(driver, submit.click)
