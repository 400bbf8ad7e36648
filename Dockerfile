# pto-bot's container image: the CI/CD component's jobs start with pto-bot installed, no pip at
# job time. Built on tags by .gitlab-ci.yml with BuildKit rootless (no privileged daemon).
# A wheel is built in one stage and installed in a fresh one: nothing of the build is left.
#
# The base image is pinned by digest: python:3.12-slim (Python 3.12.13, Debian trixie) as
# docker-library/repo-info recorded it (repos/python/remote/3.12-slim.md). To move to a newer
# one, take the digest from there (or `docker buildx imagetools inspect python:3.12-slim`).
# Every Python package comes from a lock file with hashes (README "Releasing pto_bot"). The
# templates are compiled into the installed package here, once per version: no job compiles them.
ARG BASE=python:3.12-slim@sha256:229a2c5bfa27522db7815ea81f9bed70af17ccb9de9fc7ad142b1877b5830d36

FROM ${BASE} AS build
WORKDIR /src
COPY requirements-build.lock ./
RUN pip install --no-cache-dir --require-hashes --only-binary=:all: -r requirements-build.lock
COPY pyproject.toml README.md LICENSE ./
COPY pto_bot ./pto_bot
RUN pip wheel --no-cache-dir --no-deps --no-build-isolation --wheel-dir /wheels .

FROM ${BASE}
COPY requirements.lock /tmp/requirements.lock
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --require-hashes --only-binary=:all: -r /tmp/requirements.lock \
    && pip install --no-cache-dir --no-deps --no-index /wheels/*.whl \
    && python -m pto_bot.app.templates \
    && rm -rf /wheels /tmp/requirements.lock \
    && useradd --create-home --uid 10001 pto
USER pto
WORKDIR /home/pto
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# GitLab runs the job script in a shell: no ENTRYPOINT
CMD ["pto-bot", "--help"]
