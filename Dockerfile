# Counterpoint on Discord: a small runtime image. The database lives on the /data volume; the token comes
# from the environment at run time (docker run -e DISCORD_TOKEN=...), never from the image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    COUNTERPOINT_DB=/data/counterpoint.sqlite3

RUN useradd --create-home --uid 10001 counterpoint \
    && mkdir -p /data /app \
    && chown 10001:10001 /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY debates ./debates
# the same install as the README's quick start, without the editable flag
RUN pip install --no-cache-dir . \
    && counterpoint validate

USER 10001
VOLUME ["/data"]
# healthy while the bot is connected to Discord (it touches a file next to the database every 30 s)
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 CMD ["counterpoint", "health"]
ENTRYPOINT ["counterpoint"]
CMD ["run"]
