# Sourced by backup.sh and restore.sh: DATABASE_URL is set, and the PostgreSQL client tools
# on PATH are not older than the server (pg_dump refuses a newer server; a dump written by a
# newer pg_dump cannot be read by an older pg_restore).

pg_client_check() {  # tool (pg_dump or pg_restore)
    local tool=$1 client server
    if [ -z "${DATABASE_URL:-}" ]; then
        echo "$tool: set DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/taibao" >&2
        return 1
    fi
    case $DATABASE_URL in
        postgres://* | postgresql://*) ;;
        *) echo "$tool: DATABASE_URL must be a postgresql:// URL" >&2; return 1 ;;
    esac
    command -v "$tool" >/dev/null || {
        echo "$tool: not found on PATH; install the PostgreSQL client of the server's version" >&2
        return 1
    }
    client=$("$tool" --version | grep -oE '[0-9]+(\.[0-9]+)+' | head -1 | cut -d. -f1)
    server=$(psql "$DATABASE_URL" -XAtc "SHOW server_version_num") || {
        echo "$tool: cannot reach the database of DATABASE_URL" >&2
        return 1
    }
    server=$((server / 10000))
    if [ "$client" -lt "$server" ]; then
        echo "$tool: the client is PostgreSQL $client, the server $server; install $tool $server or newer" >&2
        return 1
    fi
    if [ "$client" -ne "$server" ]; then
        echo "$tool: note: client PostgreSQL $client, server $server" >&2
    fi
}
