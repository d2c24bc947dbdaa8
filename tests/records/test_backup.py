"""Backups and restores of the whole portal (records.backup, §4.2.4, §7.5.5)."""

import gzip
import hashlib
import io
import json
import shutil
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from records import backup
from records.backup import (
    BackupError,
    backup_create,
    backup_directory,
    backup_list,
    backup_restore,
    backup_verify,
    migrations_behind,
)
from records.backup_tasks import nightly_backup
from sapat.accounts.models import OrganisationProfile, OrgUnit, User
from sapat.accounts.services import organisation_profile_update
from sapat.signing import services as signing
from sapat.signing.models import Signature, SignedPDF
from sapat.signing.selectors import pdfs_of
from tests.accounts.factories import TEST_PASSWORD, OrgUnitFactory, UserFactory
from tests.quality.factories import PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages are quoted in English (the portal's default is Kyrgyz)."""
    from django.utils import translation

    with translation.override("en"):
        yield


# --- Helpers --------------------------------------------------------------------


def _counts() -> dict[str, int]:
    """Rows of every table a backup holds, counted here independently."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label != "sessions"
        and model._meta.managed
        and not model._meta.proxy
    }


def _dump() -> list[dict]:
    """Every row as dumpdata sees it, but beat's "last change" timestamp.

    Loading periodic tasks touches django_celery_beat's change tracker
    (its signal ignores ``raw``); beat reloads the schedule, as it should.
    """
    out = io.StringIO()
    call_command(
        "dumpdata",
        exclude=["sessions", "django_celery_beat.periodictasks"],
        use_base_manager=True,
        stdout=out,
    )
    return json.loads(out.getvalue())


def _media(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _staging_left(media_root: Path) -> list[Path]:
    return [
        *media_root.parent.glob(f"{backup.STAGING_PREFIX}*"),
        *media_root.glob(f"{backup.STAGING_PREFIX}*"),
    ]


def _put_media(media_root: Path) -> None:
    default_storage.save("records/2026/акт-001.pdf", ContentFile(b"%PDF-1.7 act\n"))
    default_storage.save("uploads/empty.txt", ContentFile(b""))
    (media_root / "deep" / "er").mkdir(parents=True)
    (media_root / "deep" / "er" / "blob.bin").write_bytes(bytes(range(256)) * 1024)


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {
            member.name: tar.extractfile(member).read()
            for member in tar.getmembers()
            if member.isfile()
        }


def _write(path: Path, members: dict[str, bytes], extra=()) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
        for info in extra:
            tar.addfile(info)
    return path


def _rewrite(archive: Path, edit_manifest=None, **replace: bytes) -> Path:
    """A copy of ``archive`` with members replaced and the manifest edited.

    ``data.json`` replaced here keeps a manifest that matches it, so only
    what the test means to break is broken.
    """
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    for name, payload in replace.items():
        members[name.replace("__", "/")] = payload
    if "data.json" in replace:
        manifest["data"]["size"] = len(replace["data.json"])
        manifest["data"]["sha256"] = hashlib.sha256(replace["data.json"]).hexdigest()
    if edit_manifest:
        edit_manifest(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    return _write(archive.with_name("edited.tar.gz"), members)


@pytest.fixture
def media_root(settings) -> Path:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture
def archives(tmp_path) -> Path:
    return tmp_path / "backups"


@pytest.fixture
def archive(archives, media_root) -> Path:
    """A backup of a small portal: a few people, a unit, some media."""
    UserFactory.create_batch(2, roles=["staff"])
    _put_media(media_root)
    return backup_create(directory=archives)


# --- The acceptance test: backup, lose everything, restore ---------------------


@pytest.mark.django_db(transaction=True)
def test_backup_then_loss_then_restore_brings_everything_back(
    pdf_keys, organisation, director, make_user, media_root, archives
):
    keeper, manager = make_user("staff"), make_user("quality_manager")
    unit = OrgUnitFactory(name_en="Expertise")
    assign_perm("accounts.change_orgunit", keeper, unit)
    organisation_profile_update(actor=director, short_name="Сапат")
    policy = PolicyFactory()
    route = signing.route_start(obj=policy, actor=manager)
    signature = signing.route_sign(
        step=route.steps.get(signer=director), actor=director, password=TEST_PASSWORD
    )
    pdf = pdfs_of(policy).get()
    assert pdf.status == SignedPDF.Status.READY  # rendered on commit, eagerly
    _put_media(media_root)

    counts, rows, media = _counts(), _dump(), _media(media_root)
    permissions = set(
        UserObjectPermission.objects.values_list(
            "user_id", "permission_id", "content_type_id", "object_pk"
        )
    )
    history = list(
        OrganisationProfile.history.order_by("history_id").values_list(
            "history_id", "history_user_id", "short_name"
        )
    )
    assert history[-1][1:] == (director.pk, "Сапат")
    assert f"signed/{pdf.created_at:%Y}/" in pdf.file.name
    assert len(media) == 4

    path = backup_create(directory=archives)
    assert path.parent == archives and path.name.startswith("sapat-backup-")
    assert path.stat().st_mode & 0o077 == 0  # password hashes inside

    # The loss: an empty database (flush recreates content types and
    # permissions under other ids) and no media folder at all.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)
    assert not User.objects.exists()

    restored = backup_restore(archive=path)

    assert restored == counts
    assert _counts() == counts
    assert _dump() == rows
    assert _media(media_root) == media
    assert _staging_left(media_root) == []
    assert (
        set(
            UserObjectPermission.objects.values_list(
                "user_id", "permission_id", "content_type_id", "object_pk"
            )
        )
        == permissions
    )
    keeper = User.objects.get(pk=keeper.pk)
    assert keeper.has_perm("accounts.change_orgunit", OrgUnit.objects.get(pk=unit.pk))
    assert (
        list(
            OrganisationProfile.history.order_by("history_id").values_list(
                "history_id", "history_user_id", "short_name"
            )
        )
        == history
    )
    kept = Signature.objects.get(pk=signature.pk)
    assert (kept.signer_id, kept.content_hash) == (director.pk, signature.content_hash)
    pdf = SignedPDF.objects.get(pk=pdf.pk)
    assert hashlib.sha256(pdf.file.read()).hexdigest() == pdf.sha256
    assert User.objects.get(pk=director.pk).check_password(TEST_PASSWORD)

    # Sequences go on after the restored ids: new rows, new history, new
    # many-to-many rows.
    newcomer = UserFactory(roles=["director"])
    assert newcomer.pk > max(u.pk for u in User.objects.exclude(pk=newcomer.pk))
    organisation_profile_update(actor=director, short_name="Сапат-2")
    assert OrganisationProfile.history.count() == len(history) + 1
    if connection.vendor == "postgresql":
        # TRUNCATE left the trigger: the database still refuses edits.
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE signing_signature SET comment = 'x'")


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_fails_while_loading_changes_nothing(
    archives, media_root, make_user
):
    make_user("staff")
    _put_media(media_root)
    path = backup_create(directory=archives)
    data = json.loads(_members(path)["data.json"])
    user = next(row for row in data if row["model"] == "accounts.user")
    user["fields"]["unit"] = 999_999  # a unit that does not exist
    broken = _rewrite(path, **{"data.json": json.dumps(data).encode()})
    backup_verify(archive=broken)  # well formed: the failure comes at loading
    survivor = make_user("staff", username="survivor")
    (media_root / "new.txt").write_text("after the backup")
    counts, media = _counts(), _media(media_root)

    with pytest.raises(BackupError, match="nothing was changed"):
        backup_restore(archive=broken)

    assert User.objects.filter(pk=survivor.pk).exists()
    assert _counts() == counts
    assert _media(media_root) == media
    assert _staging_left(media_root) == []


@pytest.mark.django_db(transaction=True)
def test_the_restore_command_asks_for_yes_then_restores_into_a_mounted_media_root(
    archives, media_root, make_user, monkeypatch
):
    # MEDIA_ROOT as a volume (docker-compose): it cannot be renamed, so its
    # entries are swapped inside it.
    monkeypatch.setattr(backup, "_can_swap_whole_folder", lambda root: False)
    staff_id = make_user("staff").pk
    _put_media(media_root)
    out = io.StringIO()
    call_command("backup", "--dir", str(archives), "--keep", "3", stdout=out)
    path = Path(out.getvalue().splitlines()[0])
    assert "verified:" in out.getvalue() and " 3 media files" in out.getvalue()
    counts, media = _counts(), _media(media_root)
    User.objects.get(pk=staff_id).delete()
    (media_root / "uploads" / "empty.txt").unlink()
    (media_root / "later.txt").write_text("made after the backup")

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path), stdout=io.StringIO())
    assert not User.objects.filter(pk=staff_id).exists()

    out = io.StringIO()
    call_command("restore", str(path), "--yes", stdout=out)
    assert "Restored" in out.getvalue()
    assert User.objects.filter(pk=staff_id).exists()
    assert _counts() == counts
    assert _media(media_root) == media
    assert _staging_left(media_root) == []


# --- Bad archives are refused before anything is touched -------------------------


@pytest.fixture
def before(media_root):
    """A row and a media file made before a refused restore; checks both after."""
    survivor = UserFactory(username="survivor")
    (media_root / "keep.txt").write_text("still here")

    def check():
        assert User.objects.filter(pk=survivor.pk).exists()
        assert (media_root / "keep.txt").read_text() == "still here"
        assert _staging_left(media_root) == []

    return check


def _refused(path: Path, match: str, before) -> None:
    with pytest.raises(BackupError, match=match) as error:
        backup_verify(archive=path)
    assert path.name in str(error.value)
    with pytest.raises(BackupError, match=match):
        backup_restore(archive=path)
    before()


def test_random_bytes_are_not_an_archive(tmp_path, before):
    path = tmp_path / "sapat-backup-20260101-000000.tar.gz"
    path.write_bytes(bytes(range(256)) * 64)
    _refused(path, "not a readable tar.gz archive", before)


def test_a_truncated_archive_is_refused(archive, before):
    cut = archive.with_name("cut.tar.gz")
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _refused(cut, "not a readable tar.gz archive", before)


def test_an_archive_with_a_wrong_gzip_checksum_is_refused(archive, before):
    payload = bytearray(archive.read_bytes())
    payload[-8] ^= 0xFF  # the CRC-32 in the gzip trailer
    damaged = archive.with_name("crc.tar.gz")
    damaged.write_bytes(bytes(payload))
    _refused(damaged, "not a readable tar.gz archive", before)


def test_a_missing_file_is_refused(tmp_path, before):
    _refused(tmp_path / "nowhere.tar.gz", "no such file", before)


def test_another_applications_archive_is_refused(tmp_path, before):
    manifest = json.dumps({"format": "shop-backup", "version": 1}).encode()
    path = _write(tmp_path / "shop.tar.gz", {"manifest.json": manifest})
    _refused(path, "not a Sapat backup", before)


def test_a_tar_without_a_manifest_is_refused(tmp_path, before):
    path = _write(tmp_path / "plain.tar.gz", {"notes.txt": b"hello"})
    _refused(path, "no manifest.json", before)


def test_an_archive_of_other_installed_apps_is_refused(archive, before):
    edited = _rewrite(archive, lambda m: m["apps"].append("shop"))
    _refused(edited, r"another application.*only in the archive: shop", before)


def test_an_archive_of_a_newer_version_is_refused(archive, before):
    edited = _rewrite(archive, lambda m: m["migrations"].update(accounts="0099_x"))
    _refused(edited, "newer version of Sapat.*accounts.0099_x", before)
    edited = _rewrite(archive, lambda m: m.update(version=2))
    _refused(edited, "newer version of Sapat", before)


@pytest.mark.parametrize(
    ("name", "kind", "match"),
    [
        ("media/../../evil.txt", tarfile.REGTYPE, "outside the archive"),
        ("../evil.txt", tarfile.REGTYPE, "outside the archive"),
        ("/etc/evil.txt", tarfile.REGTYPE, "absolute path"),
        ("media/link", tarfile.SYMTYPE, "a link or a device"),
        ("media/hard", tarfile.LNKTYPE, "a link or a device"),
        ("media/tty", tarfile.CHRTYPE, "a link or a device"),
    ],
)
def test_an_unsafe_member_is_refused(archive, before, name, kind, match):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = "/etc/passwd" if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE) else ""
    edited = _write(archive.with_name("unsafe.tar.gz"), _members(archive), [info])
    _refused(edited, match, before)
    assert not (archive.parent.parent / "evil.txt").exists()


def test_a_damaged_media_file_is_refused(archive, before):
    edited = _rewrite(archive, **{"media__deep/er/blob.bin": b"tampered"})
    _refused(edited, "“deep/er/blob.bin” is damaged", before)


def test_a_media_file_missing_or_unlisted_is_refused(archive, before):
    members = _members(archive)
    del members["media/uploads/empty.txt"]
    edited = _write(archive.with_name("missing.tar.gz"), members)
    _refused(edited, "“uploads/empty.txt” listed in the manifest is missing", before)
    edited = _rewrite(archive, **{"media__extra.txt": b"smuggled"})
    _refused(edited, "“extra.txt” is not in the manifest", before)


def test_an_archive_without_data_or_with_other_data_is_refused(archive, before):
    members = _members(archive)
    del members["data.json"]
    edited = _write(archive.with_name("nodata.tar.gz"), members)
    _refused(edited, "no data.json", before)
    members = _members(archive)
    members["data.json"] = b"[]"
    edited = _write(archive.with_name("otherdata.tar.gz"), members)
    _refused(edited, "data.json is damaged", before)


def test_a_damaged_manifest_is_refused(archive, before):
    edited = _rewrite(archive, lambda m: m.pop("counts"))
    _refused(edited, "manifest is damaged", before)
    members = _members(archive)
    members["manifest.json"] = b"{not json"
    edited = _write(archive.with_name("badjson.tar.gz"), members)
    _refused(edited, "not JSON", before)


# --- Making archives -----------------------------------------------------------


def test_an_archive_holds_the_data_the_media_and_a_manifest(archive, media_root):
    members = _members(archive)
    assert sorted(members) == [
        "data.json",
        "manifest.json",
        "media/deep/er/blob.bin",
        "media/records/2026/акт-001.pdf",
        "media/uploads/empty.txt",
    ]
    manifest = json.loads(members["manifest.json"])
    assert manifest["format"] == "sapat-backup" and manifest["version"] == 1
    assert manifest["database"] == connection.vendor
    assert "records" in manifest["apps"] and "contenttypes" in manifest["apps"]
    assert manifest["migrations"]["accounts"].startswith("00")
    assert manifest["counts"]["accounts.User"] == User.objects.count()
    assert manifest["counts"]["auth.Permission"] > 0
    assert "sessions.Session" not in manifest["counts"]
    blob = (media_root / "deep" / "er" / "blob.bin").read_bytes()
    assert {
        "path": "deep/er/blob.bin",
        "size": len(blob),
        "sha256": hashlib.sha256(blob).hexdigest(),
    } in manifest["media"]
    models = {row["model"] for row in json.loads(members["data.json"])}
    assert {"contenttypes.contenttype", "auth.permission", "accounts.user"} <= models
    assert "sessions.session" not in models
    verified = backup_verify(archive=archive)
    assert verified.rows == sum(manifest["counts"].values())
    assert verified.created_at.tzinfo is not None


def test_the_newest_archives_are_kept(archives, media_root):
    archives.mkdir()
    old = [archives / f"sapat-backup-2020010{day}-000000.tar.gz" for day in range(1, 8)]
    for path in old:
        path.write_bytes(b"old")
    unrelated = archives / "sapat-backup-manual-copy.tar.gz"
    unrelated.write_bytes(b"mine")

    newest = backup_create(directory=archives, keep=3)

    assert backup_list(directory=archives) == [old[-2], old[-1], newest]
    assert unrelated.exists()
    assert not list(archives.glob(".sapat-*"))  # no temporary file left


def test_keep_14_deletes_the_oldest(archives, media_root):
    archives.mkdir()
    for day in range(1, 15):
        (archives / f"sapat-backup-202001{day:02d}-000000.tar.gz").write_bytes(b"x")

    newest = backup_create(directory=archives)

    kept = backup_list(directory=archives)
    assert len(kept) == 14 and kept[-1] == newest
    assert not (archives / "sapat-backup-20200101-000000.tar.gz").exists()


def test_archives_made_in_the_same_second_get_distinct_names(
    archives, media_root, monkeypatch
):
    moment = datetime(2026, 5, 1, 2, 30, 0, 123456, tzinfo=UTC)
    monkeypatch.setattr(backup.timezone, "now", lambda: moment)
    made = [backup_create(directory=archives, keep=2) for _ in range(3)]
    assert [path.name for path in made] == [
        "sapat-backup-20260501-023000.tar.gz",
        "sapat-backup-20260501-023000-123456.tar.gz",
        "sapat-backup-20260501-023000-123456-1.tar.gz",
    ]
    assert backup_list(directory=archives) == made[1:]


def test_backups_are_not_kept_under_media_root(media_root):
    with pytest.raises(BackupError, match="MEDIA_ROOT"):
        backup_create(directory=media_root / "backups")
    assert not (media_root / "backups").exists()


def test_keep_must_be_at_least_one(archives):
    with pytest.raises(ValueError, match="keep"):
        backup_create(directory=archives, keep=0)


def test_the_backup_folder_comes_from_settings_then_environment(
    settings, tmp_path, monkeypatch
):
    settings.BACKUP_DIR = tmp_path / "from-settings"
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path / "from-env"))
    assert backup_directory() == tmp_path / "from-settings"
    settings.BACKUP_DIR = None
    assert backup_directory() == tmp_path / "from-env"
    monkeypatch.delenv("BACKUP_DIR")
    assert backup_directory() == Path(django_settings.BASE_DIR) / "var" / "backups"


def test_the_nightly_task_writes_to_the_backup_folder(settings, tmp_path, media_root):
    settings.BACKUP_DIR = tmp_path / "nightly"
    path = Path(nightly_backup())
    assert path.parent == tmp_path / "nightly"
    assert backup_verify(archive=path).format == "sapat-backup"


def test_the_backup_command_refuses_keep_zero(archives):
    with pytest.raises(CommandError, match="--keep"):
        call_command("backup", "--dir", str(archives), "--keep", "0")


def test_the_restore_command_gives_one_line_for_a_bad_archive(tmp_path, before):
    path = tmp_path / "broken.tar.gz"
    path.write_bytes(gzip.compress(b"not a tar at all" * 100))
    with pytest.raises(CommandError, match=r"broken\.tar\.gz: not a readable"):
        call_command("restore", str(path), "--yes")
    before()


def test_an_older_archive_is_accepted_and_its_lag_named(archive):
    edited = _rewrite(archive, lambda m: m["migrations"].update(signing="0001_initial"))
    manifest = backup_verify(archive=edited)
    assert migrations_behind(manifest=manifest) == ["signing"]
    assert migrations_behind(manifest=backup_verify(archive=archive)) == []


def test_a_backup_keeps_timestamps_to_the_microsecond():
    import datetime

    from records.backup_json import FullPrecisionEncoder

    moment = datetime.datetime(2026, 11, 27, 22, 51, 1, 400, tzinfo=datetime.UTC)
    text = json.dumps(moment, cls=FullPrecisionEncoder)
    assert text == '"2026-11-27T22:51:01.000400Z"'
    from django.utils.dateparse import parse_datetime

    assert parse_datetime(json.loads(text)) == moment
