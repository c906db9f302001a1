# Counterpoint: small runtime image. The database lives on the /data volume; no token is baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    COUNTERPOINT_DB=/data/counterpoint.sqlite3

RUN useradd --create-home --uid 10001 counterpoint \
    && mkdir -p /data /app \
    && chown counterpoint:counterpoint /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY debates ./debates
RUN pip install --no-cache-dir .

USER counterpoint
VOLUME ["/data"]
HEALTHCHECK --interval=60s --timeout=10s CMD ["counterpoint", "validate"]
ENTRYPOINT ["counterpoint"]
CMD ["debate"]
