#!/usr/bin/env bash
# Start the services ccweb needs when they do not answer. Usage: bin/services.sh redis|mariadb|postgresql ...
# Commands follow the machine notes: no systemd here, so each daemon is started directly.
set -euo pipefail
cd "$(dirname "$0")/.."

wait_for() {  # wait_for NAME COMMAND... : up to 30 s
    local name=$1; shift
    for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
    echo "error: $name did not start; see its log" >&2; return 1
}

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG; }
mariadb_up() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 -u root ping || mariadb-admin ping; }
postgresql_up() { pg_isready -q -h 127.0.0.1 -p 5432; }

start_redis() {
    redis_up >/dev/null 2>&1 && return 0
    echo "==> starting Redis"
    mkdir -p var/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir "$PWD/var/redis" --logfile "$PWD/var/redis/redis.log"
    wait_for Redis redis_up
}

start_mariadb() {
    if ! mariadb_up >/dev/null 2>&1; then
        echo "==> starting MariaDB"
        mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
        start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
        wait_for MariaDB mariadb_up
    fi
    # The test account: root over the local socket can always create it.
    mariadb -u root -e "CREATE DATABASE IF NOT EXISTS ccweb_test;
        CREATE USER IF NOT EXISTS 'ccweb'@'%' IDENTIFIED BY 'ccweb';
        CREATE USER IF NOT EXISTS 'ccweb'@'localhost' IDENTIFIED BY 'ccweb';
        GRANT ALL ON ccweb_test.* TO 'ccweb'@'%'; GRANT ALL ON ccweb_test.* TO 'ccweb'@'localhost';"
}

start_postgresql() {
    if ! postgresql_up >/dev/null 2>&1; then
        echo "==> starting PostgreSQL"
        version=$(ls /etc/postgresql | sort -V | tail -1)
        pg_ctlcluster --skip-systemctl-redirect "$version" main start
        wait_for PostgreSQL postgresql_up
    fi
    psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q "$@"; }
    psql_admin -tc "SELECT 1 FROM pg_roles WHERE rolname='ccweb'" | grep -q 1 \
        || psql_admin -c "CREATE ROLE ccweb LOGIN CREATEDB PASSWORD 'ccweb'"
    psql_admin -tc "SELECT 1 FROM pg_database WHERE datname='ccweb_test'" | grep -q 1 \
        || psql_admin -c "CREATE DATABASE ccweb_test OWNER ccweb"
}

for service in "$@"; do "start_$service"; done
