#!/bin/sh
# One-shot step of the demo: creates the Grafana users and team that match the demo mappings of
# provisioning/orgtree, and a service account whose token the distributor uses to read team
# memberships and to open dashboards for reports. Safe to run again: existing users are kept.
set -eu

GRAFANA="${GRAFANA_URL:-http://grafana:3000}"
AUTH="${GRAFANA_ADMIN_USER:-admin}:${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD}"
PASSWORD="${DEMO_PASSWORD:?set DEMO_PASSWORD}"
TOKEN_FILE="${TOKEN_FILE:-/run/orgscope/grafana-token}"

api() { # method path [json]
  curl -sS -u "$AUTH" -H 'Content-Type: application/json' -X "$1" "$GRAFANA$2" ${3:+--data "$3"}
}

until curl -sf "$GRAFANA/api/health" >/dev/null; do sleep 2; done

user() { # login name role
  email="$1@orgscope.example"
  id=$(api GET "/api/users/lookup?loginOrEmail=$1" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
  if [ -z "$id" ]; then
    id=$(api POST /api/admin/users "{\"login\":\"$1\",\"email\":\"$email\",\"name\":\"$2\",\"password\":\"$PASSWORD\",\"OrgId\":1}" \
      | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
    echo "created user $1"
  fi
  api PATCH "/api/org/users/$id" "{\"role\":\"$3\"}" >/dev/null
  echo "$id"
}

user hq.analyst 'Chen Jing' Editor >/dev/null
user east.manager 'Zhou Lei' Viewer >/dev/null
user store.sh001 'Lin Fang' Viewer >/dev/null
user store.sh002 'Xu Min' Viewer >/dev/null
lead=$(user east.lead 'Wu Tao' Viewer | tail -n 1)

team=$(api GET '/api/teams/search?name=East%20Area%20Leads' | sed -n 's/.*"teams":\[{"id":\([0-9]*\).*/\1/p')
if [ -z "$team" ]; then
  team=$(api POST /api/teams '{"name":"East Area Leads"}' | sed -n 's/.*"teamId":\([0-9]*\).*/\1/p')
fi
api POST "/api/teams/$team/members" "{\"userId\":$lead}" >/dev/null || true

if [ ! -s "$TOKEN_FILE" ]; then
  sa=$(api GET '/api/serviceaccounts/search?query=orgscope-distributor' | sed -n 's/.*"serviceAccounts":\[{"id":\([0-9]*\).*/\1/p')
  if [ -z "$sa" ]; then
    sa=$(api POST /api/serviceaccounts '{"name":"orgscope-distributor","role":"Admin"}' | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
  fi
  api POST "/api/serviceaccounts/$sa/tokens" "{\"name\":\"distributor-$(date +%s)\"}" \
    | sed -n 's/.*"key":"\([^"]*\)".*/\1/p' >"$TOKEN_FILE"
  # Grafana's ID tokens name a service account as service-account:<id>; the distributor honours
  # report tickets only from this one.
  echo "service-account:$sa" >"$TOKEN_FILE.account"
  chown "${TOKEN_OWNER:-0}" "$TOKEN_FILE" "$TOKEN_FILE.account"
  chmod 600 "$TOKEN_FILE"
  echo "service account token written to $TOKEN_FILE"
fi
echo "demo users ready"
