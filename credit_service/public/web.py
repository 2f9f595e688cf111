"""Serving stored documents: straight from storage, with the hash as ETag."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, request

from credit_service.documents.services import document_bytes


def send_document(document, download_name: str, *, inline: bool = True) -> Response:
    etag = f'"{document.sha256}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=60",
        "X-Verification-Code": document.verification_code or "",
        "Content-Disposition": (f"{'inline' if inline else 'attachment'}; "
                                f"filename*=UTF-8''{quote(download_name)}"),
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("If-None-Match") == etag:
        return Response(status=304, headers=headers)
    return Response(document_bytes(document), mimetype=document.media_type.split(";")[0],
                    headers=headers, content_type=document.media_type)
