"""Stable addresses of each territory's latest bulletin, in every format, for phone platforms
that play a file from a URL and for the "Listen" buttons of the website. Each answer carries an
ETag (hash of the content) and its Last-Modified, so that a platform polling the file downloads
it only when it changed (riverains.http.conditional answers the 304)."""
import hashlib
import os
import re
from datetime import UTC, datetime
from functools import lru_cache

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from notices.models import Notice
from riverains.http import conditional
from territories.models import Territory

from . import conf, english
from .services import NOTICE_PART, PHONE_SECTIONS, ensure_bulletin, ensure_clip, territory_dir

CONTENT_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".txt": "text/plain; charset=utf-8",
}


@lru_cache(maxsize=512)
def _etag(path, inode, mtime_ns, size):
    """Hash of a file's content; the key changes with every atomic replace (new inode)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return '"' + digest.hexdigest()[:32] + '"'


RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def requested_range(request, size, etag):
    """(first, last) byte of a single-range request, None for the whole file, or "unsatisfiable".
    Safari and iOS only play audio served in ranges (they start with "bytes=0-1"), and phone
    platforms resume downloads with them; several ranges at once are answered whole."""
    match = RANGE.fullmatch(request.headers.get("Range", "").replace(" ", ""))
    if not match or request.headers.get("If-Range", etag) != etag:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        first, last = max(size - int(last), 0), size - 1
    else:
        first, last = int(first), min(int(last), size - 1) if last else size - 1
    if first >= size or first > last:
        return "unsatisfiable"
    return first, last


def _partial(handle, content_type, first, last, size):
    handle.seek(first)
    response = StreamingHttpResponse(_read(handle, last - first + 1), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = last - first + 1
    return response


def _read(handle, remaining):
    with handle:
        while remaining > 0:
            block = handle.read(min(remaining, 1 << 16))
            if not block:
                return
            remaining -= len(block)
            yield block


def serve(request, path, filename=None):
    """The file as it is now: opened once, so the ETag and Last-Modified describe the bytes sent."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        raise Http404
    stat = os.fstat(handle.fileno())
    etag = _etag(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    content_type = CONTENT_TYPES[os.path.splitext(str(path))[1]]

    def whole_or_part():
        wanted = requested_range(request, stat.st_size, etag)
        if wanted == "unsatisfiable":
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{stat.st_size}"
            response["ETag"] = etag
            patch_cache_control(response, public=True, max_age=conf.cache_seconds())
        elif wanted:
            response = _partial(handle, content_type, *wanted, stat.st_size)
        else:
            response = FileResponse(handle, content_type=content_type)
            response["Content-Length"] = stat.st_size
        if filename and response.status_code in (200, 206):
            response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response

    response = conditional(
        request, whole_or_part, etag=etag, last_modified=datetime.fromtimestamp(stat.st_mtime, tz=UTC),
        cache_control={"public": True, "max_age": conf.cache_seconds()},
    )
    if response.status_code in (304, 412):  # no body: the file stays unread
        handle.close()
    response["Accept-Ranges"] = "bytes"
    return response


def _territory(slug):
    return get_object_or_404(Territory.objects.published(), slug=slug)


@require_safe
def bulletin_file(request, territory, name):
    territory = _territory(territory)
    ensure_bulletin(territory)
    return serve(request, territory_dir(territory) / name, filename=f"{territory.slug}-{name}")


@require_safe
def section_file(request, territory, name):
    if name not in PHONE_SECTIONS and not NOTICE_PART.match(name):
        raise Http404
    territory = _territory(territory)
    bulletin = ensure_bulletin(territory)
    if f"{name}.wav" not in bulletin.files:  # a notice no longer current: its old file is not served
        raise Http404
    return serve(request, territory_dir(territory) / f"{name}.wav")


@require_safe
def english_file(request, territory, name):
    """The English key's recordings (issue 16): the summary ("resume") and the menu's prompt."""
    if name not in ("resume", "menu"):
        raise Http404
    territory = _territory(territory)
    return serve(request, english.ensure_english(territory) if name == "resume" else english.ensure_prompt(territory))


@require_safe
def notice_file(request, territory, pk, ext):
    territory = _territory(territory)
    notice = get_object_or_404(Notice.objects.published().select_related("site__commune", "territory"),
                               pk=pk, territory=territory)
    audio = ensure_clip(notice)
    return serve(request, audio.with_suffix(f".{ext}"))
