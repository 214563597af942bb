"""Which Screen class shows which screen name (the flow's Screen values plus "end" and "out_of_service")."""

from __future__ import annotations

from kiosk.screens import KioskScreen
from kiosk.screens.attract import AttractScreen
from kiosk.screens.call import CallScreen
from kiosk.screens.consent import ConsentScreen
from kiosk.screens.emergency import EmergencyScreen
from kiosk.screens.end import EndScreen
from kiosk.screens.form import FormScreen
from kiosk.screens.language import LanguageScreen
from kiosk.screens.non_urgent import NonUrgentScreen
from kiosk.screens.out_of_service import OutOfServiceScreen
from kiosk.screens.rating import RatingScreen
from kiosk.screens.receipt import ReceiptScreen
from kiosk.screens.review import ReviewScreen
from kiosk.screens.service import ServiceScreen
from kiosk.screens.triage import TriageScreen
from kiosk.session.flow import Screen


def screen_classes() -> dict[str, type[KioskScreen]]:
    return {
        Screen.ATTRACT.value: AttractScreen,
        Screen.LANGUAGE.value: LanguageScreen,
        Screen.TRIAGE.value: TriageScreen,
        Screen.EMERGENCY.value: EmergencyScreen,
        Screen.NON_URGENT.value: NonUrgentScreen,
        Screen.CALL.value: CallScreen,
        Screen.SERVICE.value: ServiceScreen,
        Screen.FORM.value: FormScreen,
        Screen.REVIEW.value: ReviewScreen,
        Screen.CONSENT.value: ConsentScreen,
        Screen.RECEIPT.value: ReceiptScreen,
        Screen.RATING.value: RatingScreen,
        "end": EndScreen,
        "out_of_service": OutOfServiceScreen,
    }
