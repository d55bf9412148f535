#!/bin/sh
# Wait until every container of a compose project is ready: running and healthy (or running,
# without a health check), or a one-shot job (restart: "no") that exited 0. What `docker compose
# up --wait` does, for Compose v1 too (Debian's docker-compose has no --wait). `make deploy` runs it.
#   sh airflow/config/compose-wait.sh PROJECT [SECONDS]       (default 600 s, COMPOSE_WAIT_SECONDS)
set -eu
project="${1:?usage: compose-wait.sh PROJECT [SECONDS]}"
limit="${2:-${COMPOSE_WAIT_SECONDS:-600}}"
start=$(date +%s)
while :; do
    ids=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
    if [ -z "$ids" ]; then
        echo "compose-wait: project $project has no containers" >&2
        exit 1
    fi
    pending="" failed=""
    for id in $ids; do
        set -- $(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}}' "$id")
        name=${1#/} state=$2 health=$3 code=$4 restart=${5:-no}
        case "$state/$health" in
            running/healthy|running/none) ;;
            exited/*)
                if [ "$code" = 0 ] && { [ "$restart" = no ] || [ -z "$restart" ]; }; then :; else failed="$failed $name(exit $code)"; fi ;;
            */unhealthy) failed="$failed $name(unhealthy)" ;;
            *) pending="$pending $name($state/$health)" ;;
        esac
    done
    if [ -n "$failed" ]; then
        echo "compose-wait: not ready:$failed" >&2
        for name in $failed; do docker logs --tail 40 "${name%%(*}" >&2 || true; done
        exit 1
    fi
    if [ -z "$pending" ]; then
        echo "compose-wait: every container of $project is ready ($(( $(date +%s) - start )) s)"
        exit 0
    fi
    if [ $(( $(date +%s) - start )) -ge "$limit" ]; then
        echo "compose-wait: still waiting after $limit s for:$pending" >&2
        exit 1
    fi
    sleep 2
done
