#!/usr/bin/env bash
# Production on one machine (`make prod`): the Procfile's processes under honcho, DEBUG=0,
# against PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) on this machine by default.
#
#  1. SECRET_KEY and FIELD_ENCRYPTION_KEY come from the environment, else from .env.prod
#     (git-ignored), else are generated once into .env.prod.
#  2. PostgreSQL and Redis must answer; the database is created when it does not exist.
#  3. The Procfile's `release` (migrate, collectstatic), then the demo world if the shop is empty
#     AND TAIBAO_LOAD_DEMO=1 (its accounts share a published password); otherwise create the
#     first platform admin with `python manage.py createsuperuser`.
#  4. honcho starts web (gunicorn on 127.0.0.1:$PORT), worker and beat; Ctrl-C stops all three.
#
# Any variable set in the environment wins over .env.prod and over the defaults below.
set -euo pipefail
cd "$(dirname "$0")/.."

ENV_FILE=${ENV_FILE:-.env.prod}
export PATH="$PWD/.venv/bin:$PATH"

if [ -f "$ENV_FILE" ]; then
    while IFS='=' read -r key value || [ -n "$key" ]; do
        [[ $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
        if [ -z "${!key:-}" ]; then export "$key=$value"; fi
    done <"$ENV_FILE"
fi

if [ -z "${SECRET_KEY:-}" ] || [ -z "${FIELD_ENCRYPTION_KEY:-}" ]; then
    (umask 077 && touch "$ENV_FILE")
    if [ -z "${SECRET_KEY:-}" ]; then
        SECRET_KEY=$(python -c "import secrets; print(secrets.token_urlsafe(50))")
        echo "SECRET_KEY=$SECRET_KEY" >>"$ENV_FILE"
        export SECRET_KEY
        echo "make prod: generated SECRET_KEY into $ENV_FILE (git-ignored)"
    fi
    if [ -z "${FIELD_ENCRYPTION_KEY:-}" ]; then
        FIELD_ENCRYPTION_KEY=$(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")
        echo "FIELD_ENCRYPTION_KEY=$FIELD_ENCRYPTION_KEY" >>"$ENV_FILE"
        export FIELD_ENCRYPTION_KEY
        echo "make prod: generated FIELD_ENCRYPTION_KEY into $ENV_FILE (git-ignored);" \
            "back it up: households' ID numbers and phones cannot be read without it"
    fi
fi

export DEBUG=0
export DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/taibao}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export PORT=${PORT:-8000}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
# Plain HTTP on this machine, no TLS proxy in front: no redirect to https, cookies not
# marked secure, no HSTS. Behind a TLS proxy set these to 1 / 1 / 31536000 (the settings'
# defaults: HSTS for a year, with subdomains and preload).
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-0}
export SECURE_COOKIES=${SECURE_COOKIES:-0}
export SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}
# No proxy in front either to serve the uploads (product images): Django serves MEDIA_ROOT.
export SERVE_MEDIA=${SERVE_MEDIA:-1}

python scripts/prod_services.py

# The environment is complete: keep honcho from reading a .env over it.
honcho start --env /dev/null --no-colour release

if [ "${TAIBAO_LOAD_DEMO:-0}" != "1" ]; then
    echo "make prod: the demo world is not loaded (TAIBAO_LOAD_DEMO=1 loads it);" \
        "create the first platform admin with: python manage.py createsuperuser"
elif python manage.py shell --verbosity 0 -c "from catalog.models import Product; raise SystemExit(0 if Product.objects.exists() else 3)"; then
    echo "make prod: the shop has products; the demo world is not loaded"
else
    status=$?
    [ "$status" -eq 3 ] || exit "$status"
    echo "make prod: empty shop, TAIBAO_LOAD_DEMO=1, loading the demo world"
    python manage.py load_demo
fi

echo "make prod: http://127.0.0.1:$PORT/ (gunicorn; worker and beat beside it). Ctrl-C stops."
exec honcho start --env /dev/null --port "$PORT" web worker beat
