# pto-bot's container image: the CI/CD component's jobs start with pto-bot installed, no pip at
# job time. Built on tags by .gitlab-ci.yml with BuildKit rootless (no privileged daemon).
# A wheel is built in one stage and installed in a fresh one: nothing of the build is left.
FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY pto_bot ./pto_bot
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.12-slim
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 pto
USER pto
WORKDIR /home/pto
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# GitLab runs the job script in a shell: no ENTRYPOINT
CMD ["pto-bot", "--help"]
