# hashbot in a container: `hashbot run` as an unprivileged user, its state on the /data volume.
#
# Two stages: the first has a C compiler to build the wheels (hashbot's tag engine is compiled with
# mypyc), the second installs only those wheels on the slim base, with no compiler and no pip cache.

FROM python:3.11-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml setup.py README.md LICENSE ./
COPY bot bot
COPY templates templates
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home hashbot \
    && install -d -o hashbot -g hashbot /data
COPY --from=build /wheels /tmp/wheels
RUN pip install --no-cache-dir --no-index /tmp/wheels/*.whl && rm -rf /tmp/wheels
# The example feed and articles, so `hashbot run --dry-run --once` works in the container too.
COPY examples /app/examples
WORKDIR /app
ENV HASHBOT_DATABASE=/data/hashbot.sqlite3 \
    HASHBOT_METRICS_HOST=0.0.0.0 \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
USER hashbot
# hashbot finishes the send in flight and exits 0 on SIGTERM (`docker stop`).
STOPSIGNAL SIGTERM
ENTRYPOINT ["hashbot"]
CMD ["run"]
