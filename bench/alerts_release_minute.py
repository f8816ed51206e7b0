"""Issue 22: 1,000 confirmed subscribers of one statistic; how long from the release's minute until the
last alert is accepted by a local SMTP server (aiosmtpd on loopback)?

A fresh SQLite portal in a temporary folder, the demo's programme, 1,000 subscribers of one statistic with
consent, one release of it announced; the clock is set to the release's minute and ``run_once`` (the pass
``portal notify run`` makes) runs until every message is sent. Floor, in the same run: the same 1,000
messages composed and sent over one SMTP connection with no database (what SMTP itself costs).

    .venv/bin/python bench/alerts_release_minute.py [--subscribers 1000]

Prints one JSON line. Goal: the last e-mail accepted under 60 s after the minute.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from portal.app import create_app  # noqa: E402
from portal.demo import seed  # noqa: E402
from portal.devserver import free_port  # noqa: E402
from portal.http.db import get_database  # noqa: E402
from portal.kernel import migrate  # noqa: E402
from portal.kernel.access import CLI_ACTOR  # noqa: E402
from portal.kernel.clock import FixedClock  # noqa: E402
from portal.kernel.db import make_engine  # noqa: E402
from portal.notify import mail, tokens  # noqa: E402
from portal.notify.models import NotifyEvent, Subscriber, Subscription  # noqa: E402
from portal.notify.service import links  # noqa: E402
from portal.notify.worker import Settings, run_once  # noqa: E402
from release_calendar import service as calendar  # noqa: E402
from release_calendar.rules import Kind, Precision  # noqa: E402

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
RELEASE_AT = datetime(2027, 3, 10, 7, 0, tzinfo=UTC)  # 08:00 Oslo
STATISTIC = "kpi"


class Counting:
    def __init__(self) -> None:
        self.count = 0
        self.last = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        with self.lock:
            self.count += 1
            self.last = time.perf_counter()
        return "250 OK"


def _portal(folder: Path, clock: FixedClock) -> object:
    url = f"sqlite:///{folder / 'portal.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_DIR": str(folder / "instance"),
            "SECRET_KEY": "bench-secret",
            "CLOCK": clock,
            "LOG_LEVEL": "WARNING",
        }
    )
    with get_database(app).sessions() as s:
        seed.seed_programme(s, START)
        s.commit()
    return app


def _subscribers(app: object, n: int) -> None:
    with get_database(app).sessions() as s:  # type: ignore[arg-type]
        s.execute(
            insert(Subscriber),
            [
                {
                    "email": f"abonnent{i}@example.no",
                    "language": "nb" if i % 3 else "en",
                    "nonce": tokens.new_nonce(),
                    "created_at": START,
                }
                for i in range(n)
            ],
        )
        ids = list(s.scalars(select(Subscriber.id)))
        s.execute(
            insert(Subscription),
            [
                {
                    "subscriber_id": sid,
                    "topic": f"statistic:{STATISTIC}",
                    "label": {"nb": "Konsumprisindeksen", "en": "Consumer price index"},
                    "frequency": "immediate",
                    "nonce": tokens.new_nonce(),
                    "consent_at": START,
                    "created_at": START,
                }
                for sid in ids
            ],
        )
        s.commit()


def _announce(app: object) -> None:
    with get_database(app).sessions() as s:  # type: ignore[arg-type]
        calendar.announce(
            s,
            CLI_ACTOR,
            calendar.Announcement(
                statistic=STATISTIC,
                title_nb="KPI februar 2027",
                title_en="CPI February 2027",
                kind=Kind.NEW_FIGURES,
                period_start=date(2027, 2, 1),
                period_end=date(2027, 2, 28),
                period_label_nb="februar 2027",
                period_label_en="February 2027",
                release_at=RELEASE_AT,
                precision=Precision.EXACT,
                confirmed=True,
            ),
            START,
        )
        s.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=1000)
    n = parser.parse_args().subscribers
    counting = Counting()
    port = free_port()
    controller = Controller(counting, hostname="127.0.0.1", port=port)
    controller.start()
    url = f"smtp://127.0.0.1:{port}"
    settings = Settings("bench-secret", "https://statistikk.example.no", "varsler@example.no")
    clock = FixedClock(START)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-alerts-") as folder:
            app = _portal(Path(folder), clock)
            _subscribers(app, n)
            _announce(app)
            sender = mail.SmtpSender(url)
            with app.app_context():  # type: ignore[attr-defined]
                sessions = get_database(app).sessions  # type: ignore[arg-type]
                run_once(sessions, sender, settings, clock.now())  # the announcement's alerts
                counting.count = 0
                clock.set(RELEASE_AT)
                started = time.perf_counter()
                passes = 0
                while counting.count < n and passes < 20:
                    run_once(sessions, sender, settings, clock.now())
                    passes += 1
                minute = counting.last - started
                # Floor: the same messages composed and sent, no database.
                with sessions() as s:
                    subscriptions = list(s.scalars(select(Subscription)))
                    for sub in subscriptions:
                        _ = sub.subscriber
                    event = s.scalar(
                        select(NotifyEvent).where(NotifyEvent.kind == "release.published")
                    )
                    counting.count = 0
                    floor_start = time.perf_counter()
                    for sub in subscriptions:
                        sender.send(
                            mail.compose(
                                kind="alert",
                                subscription=sub,
                                events=[event],  # type: ignore[list-item]
                                tokens=links(settings.secret, sub),
                                base_url=settings.base_url,
                                sender=settings.sender_address,
                                now=clock.now(),
                            )
                        )
                    floor = time.perf_counter() - floor_start
            sender.close()
    finally:
        controller.stop()
    print(
        json.dumps(
            {
                "bench": "alerts_release_minute",
                "subscribers": n,
                "sent": counting.count,
                "passes": passes,
                "minute_to_last_accepted_s": round(minute, 2),
                "floor_compose_and_send_s": round(floor, 2),
                "ratio": round(minute / floor, 2) if floor else None,
                "goal_s": 60,
                "machine": platform.machine(),
                "python": platform.python_version(),
                "at": (START + timedelta(0)).isoformat(),
            }
        )
    )


if __name__ == "__main__":
    main()
