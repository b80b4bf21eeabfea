"""When PostgreSQL cannot be reached the app says so in Chinese within seconds, and recovers by itself."""
import contextlib
import socket
import threading
import time

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, make_app
from tenants.binding import normalise_url


def database_address(url: str) -> tuple[str, int]:
    """The host and port of the test database: the proxy forwards there, whatever server the tests were given."""
    parsed = normalise_url(url)
    return parsed.host or "127.0.0.1", parsed.port or 5432


class Switchboard:
    """A TCP forwarder in front of PostgreSQL that can be switched off (connections refused,
    open ones cut) and on again on the same port: an outage and a recovery."""

    def __init__(self, target):
        self.target, self.port, self.server, self.links, self.frozen = target, None, None, [], False
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()

    def on(self):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen(16)
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def off(self):
        try:
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self.server.close()
        self.frozen = False
        self._cut()

    def freeze(self):
        """A frozen server: open connections are lost, new ones are accepted and never answered."""
        self.frozen = True
        self._cut()

    def _cut(self):
        for link in self.links:
            try:
                link.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            link.close()
        self.links = []

    def _accept(self, server):
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            if self.frozen:  # a hung server: the connection is taken and never answered
                self.links.append(client)
                continue
            upstream = socket.create_connection(self.target)
            self.links += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass


@contextlib.contextmanager
def _signed_in_behind(switchboard, database_url):
    """An app whose database is reached through the switchboard, signed in to zhen while it forwards."""
    switchboard.on()
    url = sa.make_url(database_url).set(host="127.0.0.1", port=switchboard.port).render_as_string(hide_password=False)
    app = make_app(url)
    client = app.test_client()
    try:
        client.post("/t/zhen/login", data={"username": "admin", "password": PASSWORD})
        assert client.get("/t/zhen/").status_code == 200
        yield client
    finally:
        switchboard.off()
        with app.app_context():
            from app.extensions import db, tenancy

            tenancy.engines.dispose()
            db.engine.dispose()


@pytest.mark.only_on("postgresql")
def test_a_database_outage_is_a_chinese_503_and_the_app_recovers_by_itself(database_url, make_tenant):
    make_tenant("zhen", name="某镇总工会")
    switchboard = Switchboard(database_address(database_url))
    with _signed_in_behind(switchboard, database_url) as client:
        switchboard.off()
        started = time.monotonic()
        down = client.get("/t/zhen/")
        assert down.status_code == 503 and time.monotonic() - started < 10
        assert "数据库暂时无法连接，您的数据没有丢失" in down.get_data(as_text=True)
        assert client.get("/healthz").status_code == 503

        switchboard.on()
        back = client.get("/t/zhen/")
        assert back.status_code == 200 and "某镇总工会" in back.get_data(as_text=True)  # same process, same cookie


@pytest.mark.only_on("postgresql")
def test_a_frozen_database_is_a_chinese_503_within_five_seconds(database_url, make_tenant):
    """A server that takes connections but never answers (its processes stopped): the connect timeout gives
    the 503 long before gunicorn would kill the worker."""
    make_tenant("zhen", name="某镇总工会")
    switchboard = Switchboard(database_address(database_url))
    with _signed_in_behind(switchboard, database_url) as client:
        switchboard.freeze()
        started = time.monotonic()
        hung = client.get("/t/zhen/")
        assert hung.status_code == 503 and time.monotonic() - started < 5
        assert "数据库暂时无法连接，您的数据没有丢失" in hung.get_data(as_text=True)
