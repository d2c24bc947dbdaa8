#!/bin/sh
# Entry point of the Sapat image: web, worker and beat all start here.
#
# SAPAT_MIGRATIONS says what to do with the database before the command runs:
#   apply - run `migrate` and `sync_schedules` (the web service; only one
#           container should do this at a time)
#   wait  - wait until another container has applied every migration (the
#           worker and beat services), at most SAPAT_MIGRATIONS_TIMEOUT seconds
#   skip  - nothing (the default, e.g. for `docker compose run web python ...`)
# Then the command (the image's CMD or the service's `command`) replaces this
# shell, so it runs as PID 1 and receives the stop signals itself.
set -eu

case "${SAPAT_MIGRATIONS:-skip}" in
    apply)
        python manage.py migrate --noinput
        python manage.py sync_schedules
        # The organisation's signing key: created once on the keys volume.
        python manage.py signing_init
        ;;
    wait)
        timeout="${SAPAT_MIGRATIONS_TIMEOUT:-300}"
        waited=0
        until python manage.py migrate --check >/dev/null; do
            if [ "$waited" -ge "$timeout" ]; then
                echo "sapat: migrations still unapplied after ${timeout}s, giving up" >&2
                exit 1
            fi
            echo "sapat: waiting for the web service to apply the migrations" >&2
            sleep 5
            waited=$((waited + 5))
        done
        ;;
    skip) ;;
    *)
        echo "sapat: SAPAT_MIGRATIONS must be apply, wait or skip, not '${SAPAT_MIGRATIONS}'" >&2
        exit 64
        ;;
esac

exec "$@"
