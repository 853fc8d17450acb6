"""The portal's static files (a Vite build in gateway/portal/dist; this module is not named
portal so that it cannot be confused with that folder): index.html
for the root and every client route, hashed assets with a long cache; until
a build exists, a plain landing page pointing at the API documentation."""

from __future__ import annotations

from pathlib import Path

from werkzeug.utils import send_from_directory
from werkzeug.wrappers import Request, Response

LANDING_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>市级信息化项目管理系统</title>
<style>
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;
background:#f5f7fa;color:#303133}
header{background:#b71c1c;color:#fff;padding:18px 32px;font-size:20px}
main{max-width:760px;margin:40px auto;background:#fff;padding:28px 36px;border-radius:6px;
box-shadow:0 1px 4px rgba(0,0,0,.08)}
a{color:#1565c0}li{margin:10px 0}small{color:#909399}
</style>
</head>
<body>
<header>连云港市 · 市级信息化项目管理系统</header>
<main>
<p>依据《连云港市市级政务信息化项目建设管理办法》（连政办发〔2021〕59号）建设。</p>
<p>门户页面尚未部署。当前可用：</p>
<ul>
<li><a href="/api/docs">接口文档</a> <small>（OpenAPI：<a href="/api/openapi.json">/api/openapi.json</a>）</small></li>
<li><a href="/health">系统运行状态</a></li>
</ul>
</main>
</body>
</html>
"""


# Vite names every built asset by its content hash, so an asset never changes
# under its name and may be cached for good; index.html names the current
# ones and is revalidated on every load.
ASSET_CACHE = "public, max-age=31536000, immutable"
INDEX_CACHE = "no-cache"


def index(request: Request, dist: Path) -> Response:
    """index.html for the portal's every client route (the browser shows the page)."""
    if (dist / "index.html").is_file():
        response = send_from_directory(dist, "index.html", request.environ)
        response.headers["Cache-Control"] = INDEX_CACHE
        return response
    return Response(LANDING_PAGE, content_type="text/html; charset=utf-8")


def asset(request: Request, dist: Path, path: str) -> Response:
    # send_from_directory refuses paths that escape the directory (404).
    response = send_from_directory(dist / "assets", path, request.environ)
    response.headers["Cache-Control"] = ASSET_CACHE
    return response
