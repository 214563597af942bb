"""A bare FastAPI endpoint with the kiosk delivery's path, body and answer, and no work behind it.

bench/delivery.py measures it in the same run as the real backend, to show what the backend's own work costs.
"""

from __future__ import annotations

from fastapi import FastAPI

from domain.wire import CASES_PATH, CaseDelivery, CaseReceipt

app = FastAPI()


@app.post(CASES_PATH, response_model=CaseReceipt, status_code=201)
def deliver_case(delivery: CaseDelivery) -> CaseReceipt:
    return CaseReceipt(case_id=delivery.case_id, reference="AAA-AAA", duplicate=False)


@app.get("/healthz")
def health() -> dict[str, str]:
    return {"status": "ok"}
