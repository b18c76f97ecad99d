"""`suzhi demo`: the Dunhuang organisation and one account per role, loaded idempotently."""

from django.core.management import call_command

from suzhi.campaigns.models import Campaign, Target
from suzhi.core.demo import ACCOUNTS, DEMO_PASSWORD, TOWNS
from suzhi.core.models import Notice, OperationLog, Organisation, PendingRefresh, RoleAssignment, User
from suzhi.people.models import Person


def snapshot():
    return (
        sorted(Organisation.objects.values_list("code", "path", "name", "org_type__code")),
        sorted(User.objects.values_list("username", "organisation__code", "is_superuser")),
        sorted(RoleAssignment.objects.values_list("user__username", "role__code", "organisation__code")),
        sorted(Notice.objects.values_list("title", "status")),
        sorted(Person.objects.values_list("id_number", "name", "organisation__code", "phone")),
        sorted(Campaign.objects.values_list("code", "title", "updated_at")),
        OperationLog.objects.count(),
    )


def test_demo_loads_dunhuang_and_twice_leaves_the_same_data(db, capsys, settings):
    # A queue that never runs anything: the demo computes what it asked for itself, after loading, rather than on
    # background threads that would wait for its transactions (SQLite: "database is locked").
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    call_command("demo")
    assert not PendingRefresh.objects.exists()
    assert not Target.objects.filter(computed_at__isnull=True).exists()
    first = snapshot()
    call_command("demo")
    assert snapshot() == first
    assert Organisation.objects.find_problems() == ([], [], [], [], [])

    committee = Organisation.objects.get(code="DH")
    assert committee.name == "敦煌市职工职业技能素质提升活动组委会" and committee.depth == 1
    members = {o.name for o in Organisation.objects.get_children(committee)}
    assert {"敦煌市总工会", "敦煌市人力资源和社会保障局", "敦煌市工业和信息化局", "敦煌市科学技术局"} <= members
    federation = Organisation.objects.get(code="DH-ZGH")
    children = Organisation.objects.get_children(federation)
    towns = set(children.filter(org_type__code="town_federation").values_list("name", flat=True))
    assert towns == {f"{town}工会联合会" for town in TOWNS}
    kinds = set(Organisation.objects.get_descendants(federation).values_list("org_type__code", flat=True))
    assert {"system_union", "city_union", "enterprise", "training_station", "school"} <= kinds

    printed = capsys.readouterr().out
    for account in ACCOUNTS:
        # Only logins with something to do today are printed (the judge waits for a kind to judge).
        assert (account.username in printed) is account.printed
        user = User.objects.get(username=account.username)
        assert user.check_password(DEMO_PASSWORD) and not user.must_change_password
        assert user.role_assignments.filter(role__code=account.role_code).exists()
    assert Notice.objects.get().status == Notice.Status.PUBLISHED
    # Synthetic rosters with valid ID numbers under the units, training stations and schools.
    assert Person.objects.count() >= 300
    assert set(Person.objects.values_list("organisation__org_type__code", flat=True)) == {
        "enterprise", "training_station", "school"
    }
    # The seed's plan runs as the demo campaign, its targets computed (zero until records arrive).
    campaign = Campaign.objects.get(code="dunhuang-2024")
    assert campaign.organiser == committee and campaign.activities.count() == 9 and campaign.targets.count() == 3


def test_demo_logins_work(db, client):
    call_command("demo")
    response = client.post("/login/", {"login": "qilizhen", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    year = Campaign.objects.get(code="dunhuang-2024").year
    assert f"关于开展{year}年职工职业技能素质提升活动的通知" in home.content.decode()


def test_the_logins_follow_the_server_start_up_lines(tmp_path, db, capsys):
    """make demo writes the logins to a file and prints it once the server listens (scripts/when_listening.py)."""
    import socket
    import subprocess
    import sys

    from suzhi.config.settings import PROJECT_DIR

    logins = tmp_path / "logins.txt"
    call_command("demo", "--logins-file", str(logins), "--url", "http://127.0.0.1:8000/")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD not in out  # not pushed off the screen by the server's start-up lines: printed after them
    text = logins.read_text(encoding="utf-8")
    assert "http://127.0.0.1:8000/" in text and all(account.username in text for account in ACCOUNTS if account.printed)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        printed = subprocess.run([sys.executable, str(PROJECT_DIR / "scripts" / "when_listening.py"), "127.0.0.1",
                                  str(port), str(logins)], capture_output=True, text=True, timeout=60)
    assert printed.returncode == 0 and printed.stdout == text
    makefile = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8")
    recipe = makefile[makefile.index("\ndemo:"):makefile.index("\ntest:")]
    assert "when_listening.py" in recipe and recipe.index("when_listening.py") < recipe.index("runserver")
