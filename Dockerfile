# A small image that runs the bot; the database lives in the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_PATH=/data/familybot.sqlite3

RUN useradd --create-home --uid 10001 familybot \
    && mkdir -m 700 /data && chown familybot:familybot /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir -e .

USER familybot
VOLUME ["/data"]
CMD ["python", "-m", "bot"]
