#!/bin/sh
# Entrypoint of the Agora image: short names for the long-running processes,
# anything else runs as given (so `python manage.py <cmd>` works unchanged).
set -eu

cd /app/backend

case "${1:-web}" in
  web)
    shift || true
    exec gunicorn -c config/gunicorn.conf.py config.wsgi:application "$@"
    ;;
  worker)
    shift
    exec celery -A config worker -Q default,orders,search,media,imports -l INFO "$@"
    ;;
  beat)
    shift
    # The schedule lives in the database (django_celery_beat), so beat keeps no
    # state file and any single replica can take over.
    exec celery -A config beat -l INFO --scheduler django_celery_beat.schedulers:DatabaseScheduler "$@"
    ;;
  manage)
    shift
    exec python manage.py "$@"
    ;;
  *)
    exec "$@"
    ;;
esac
