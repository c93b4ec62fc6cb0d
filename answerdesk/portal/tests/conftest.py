"""The browser, SMTP sink and screenshot folder of the desk's browser tests, shared."""

from answerdesk.desk.tests.test_browser import page, screenshots, sink  # noqa: F401
