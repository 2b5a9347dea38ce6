# A small image that runs the bot; the database lives in the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_PATH=/data/familybot.sqlite3

RUN useradd --create-home --uid 10001 familybot \
    && mkdir -m 700 /data && chown familybot:familybot /data

# Exact versions with hashes first (a layer that changes only when the lock does) ...
WORKDIR /src
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

# ... then the bot as a regular package (catalogs and migrations are package data); the
# sources are removed so that what runs is what was installed.
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir --no-deps . && pip check && cd / && rm -rf /src

WORKDIR /home/familybot
USER familybot
VOLUME ["/data"]
CMD ["python", "-m", "bot"]
