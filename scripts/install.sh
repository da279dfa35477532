#!/usr/bin/env bash
# Installs scimrecon for cron or systemd: the binary, its cron wrapper and alert helper, the job
# files, a `scimrecon` system user, the store and log folders, and the timers or the crontab.
# Run from anywhere; `scripts/install.sh --help` lists the options. Rerunning it upgrades the
# binary and helpers and keeps job files and settings an administrator has edited.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)

usage() {
    cat <<'USAGE'
usage: scripts/install.sh [options]

  --binary PATH        the scimrecon binary to install (default: .build/release/scimrecon;
                       build it with `swift build -c release --static-swift-stdlib` or `make release`)
  --prefix DIR         binary in DIR/bin, helpers in DIR/lib/scimrecon (default: /usr/local)
  --sysconfdir DIR     job files and scimrecon.conf (default: /etc/scimrecon)
  --statedir DIR       the working folder: store and reports in DIR/output (default: /var/lib/scimrecon)
  --logdir DIR         the cron wrapper's logs (default: /var/log/scimrecon)
  --unitdir DIR        systemd units (default: /etc/systemd/system)
  --crondir DIR        the system crontab (default: /etc/cron.d)
  --logrotatedir DIR   the logrotate rule (default: /etc/logrotate.d)
  --destdir DIR        stage every file under DIR (for packaging); the files still name the
                       final paths, and nothing is done to the running system
  --scheduler S        systemd, cron or none (default: systemd when systemd runs, else cron)
  --with-samples       copy samples/ into the working folder, so the shipped jobs run as they are
  --system             create the user, set owners and reload systemd (default: when root, with
                       no --destdir, and with --prefix under /usr or /opt)
  --no-system          only copy files and make folders (for a test prefix or a non-root install)
  -h, --help           this text
USAGE
}

binary=$repo/.build/release/scimrecon
prefix=/usr/local
sysconfdir=/etc/scimrecon
statedir=/var/lib/scimrecon
logdir=/var/log/scimrecon
unitdir=/etc/systemd/system
crondir=/etc/cron.d
logrotatedir=/etc/logrotate.d
destdir=
scheduler=
samples=no
system=

while [ $# -gt 0 ]; do
    case "$1" in
        --binary | --prefix | --sysconfdir | --statedir | --logdir | --unitdir | --crondir | --logrotatedir | --destdir | --scheduler)
            if [ $# -lt 2 ]; then
                echo "install.sh: $1 needs a value" >&2
                exit 2
            fi
            value=$2
            case "$1" in
                --binary) binary=$value ;;
                --prefix) prefix=$value ;;
                --sysconfdir) sysconfdir=$value ;;
                --statedir) statedir=$value ;;
                --logdir) logdir=$value ;;
                --unitdir) unitdir=$value ;;
                --crondir) crondir=$value ;;
                --logrotatedir) logrotatedir=$value ;;
                --destdir) destdir=$value ;;
                --scheduler) scheduler=$value ;;
            esac
            shift 2
            ;;
        --with-samples) samples=yes; shift ;;
        --system) system=yes; shift ;;
        --no-system) system=no; shift ;;
        -h | --help) usage; exit 0 ;;
        *)
            echo "install.sh: unknown option '$1' (see --help)" >&2
            exit 2
            ;;
    esac
done

for dir in "$prefix" "$sysconfdir" "$statedir" "$logdir" "$unitdir" "$crondir" "$logrotatedir"; do
    case "$dir" in
        /*) ;;
        *)
            echo "install.sh: '$dir' is not an absolute path" >&2
            exit 2
            ;;
    esac
done
bindir=$prefix/bin
libdir=$prefix/lib/scimrecon
docdir=$prefix/share/doc/scimrecon

if [ -z "$scheduler" ]; then
    if [ -d /run/systemd/system ]; then scheduler=systemd; else scheduler=cron; fi
fi
case "$scheduler" in
    systemd | cron | none) ;;
    *)
        echo "install.sh: --scheduler is systemd, cron or none, not '$scheduler'" >&2
        exit 2
        ;;
esac

if [ -z "$system" ]; then
    system=yes
    why=
    if [ "$(id -u)" -ne 0 ]; then
        system=no why="not root"
    elif [ -n "$destdir" ]; then
        system=no why="files staged under --destdir"
    else
        case "$prefix" in
            /usr | /usr/* | /opt | /opt/*) ;;
            *) system=no why="a test prefix ($prefix)" ;;
        esac
    fi
else
    why="--no-system"
fi

if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then
    echo "install.sh: no binary at $binary; build one with \`swift build -c release --static-swift-stdlib\`" >&2
    echo "  (or \`make release\`), or name one with --binary PATH" >&2
    exit 1
fi
# A binary linked against the toolchain's Swift libraries stops working when the toolchain moves.
if command -v ldd >/dev/null 2>&1; then
    swift_libraries=$(ldd "$binary" 2>/dev/null | awk '/libswift|libFoundation|libdispatch|libBlocksRuntime/ { print $3 }' || true)
    if [ -n "$swift_libraries" ]; then
        echo "install.sh: warning: $binary loads Swift libraries at run time:" >&2
        printf '%s\n' "$swift_libraries" | sed 's/^/  /' >&2
        echo "  build it with --static-swift-stdlib for a machine without the Swift toolchain" >&2
    fi
fi

say() { echo "install.sh: $*"; }

# Rewrites the default folders named in the shipped files to the ones chosen here.
localize() {
    sed -e "s|/usr/local/bin/scimrecon|$bindir/scimrecon|g" \
        -e "s|/usr/local/lib/scimrecon|$libdir|g" \
        -e "s|/usr/local/share/doc/scimrecon|$docdir|g" \
        -e "s|/etc/scimrecon|$sysconfdir|g" \
        -e "s|/var/lib/scimrecon|$statedir|g" \
        -e "s|/var/log/scimrecon|$logdir|g" \
        "$1"
}

# put MODE SOURCE TARGET [localize]: installs one file (TARGET is the final path).
put() {
    local mode=$1 source=$2 target=$3 rewrite=${4:-}
    mkdir -p "$destdir$(dirname "$target")"
    if [ -n "$rewrite" ]; then
        localize "$source" >"$destdir$target.tmp.$$"
    else
        cp "$source" "$destdir$target.tmp.$$"
    fi
    chmod "$mode" "$destdir$target.tmp.$$"
    mv -f "$destdir$target.tmp.$$" "$destdir$target"
}

# keep MODE SOURCE TARGET: installs a file an administrator edits, never over their version.
keep() {
    local mode=$1 source=$2 target=$3
    if [ -e "$destdir$target" ]; then
        if ! cmp -s <(localize "$source") "$destdir$target"; then
            put "$mode" "$source" "$target.new" rewrite
            say "kept $target as edited; the shipped version is $target.new"
        fi
    else
        put "$mode" "$source" "$target" rewrite
    fi
}

# folder MODE OWNER DIR
folder() {
    mkdir -p "$destdir$3"
    chmod "$1" "$destdir$3"
    if [ "$system" = yes ]; then chown "$2" "$destdir$3"; fi
}

if [ "$system" = yes ]; then
    if getent passwd scimrecon >/dev/null; then
        say "system user scimrecon exists"
    else
        nologin=$(command -v nologin || echo /usr/sbin/nologin)
        if command -v useradd >/dev/null 2>&1; then
            useradd --system --user-group --home-dir "$statedir" --no-create-home --shell "$nologin" \
                --comment "scimrecon reconciliation" scimrecon
        else
            adduser --system --group --home "$statedir" --no-create-home --shell "$nologin" scimrecon
        fi
        say "created system user scimrecon"
    fi
else
    say "skipped: system user scimrecon, owners and systemd ($why)"
fi

log_group=scimrecon
if [ "$system" = yes ] && getent group adm >/dev/null; then log_group=adm; fi

put 0755 "$binary" "$bindir/scimrecon"
put 0755 "$repo/jobs/scimrecon-cron" "$libdir/scimrecon-cron" rewrite
put 0755 "$repo/jobs/scimrecon-alert" "$libdir/scimrecon-alert" rewrite
put 0644 "$repo/jobs/scimrecon-exit-codes.sh" "$libdir/scimrecon-exit-codes.sh"
put 0644 "$repo/jobs/README-job-format.md" "$docdir/README-job-format.md"

# Job files name inputs and folders, not secrets; still, only root edits them and only the job reads them.
folder 0750 root:scimrecon "$sysconfdir"
for job in "$repo"/jobs/*.yml; do
    keep 0640 "$job" "$sysconfdir/$(basename "$job")"
    if [ "$system" = yes ]; then chown root:scimrecon "$destdir$sysconfdir/$(basename "$job")"*; fi
done
keep 0640 "$repo/jobs/scimrecon.conf" "$sysconfdir/scimrecon.conf"
if [ "$system" = yes ]; then chown root:scimrecon "$destdir$sysconfdir/scimrecon.conf"*; fi

# The working folder holds the store (output/scimrecon.sqlite in the shipped jobs) and the reports.
folder 0750 scimrecon:scimrecon "$statedir"
folder 0750 scimrecon:scimrecon "$statedir/output"
folder 0750 "scimrecon:$log_group" "$logdir"
if [ "$samples" = yes ]; then
    mkdir -p "$destdir$statedir/samples"
    cp -R "$repo/samples/." "$destdir$statedir/samples/"
    if [ "$system" = yes ]; then chown -R scimrecon:scimrecon "$destdir$statedir/samples"; fi
    say "copied the samples into $statedir/samples"
fi

put 0644 "$repo/jobs/scimrecon.logrotate" "$logrotatedir/scimrecon" rewrite

case "$scheduler" in
    systemd)
        for unit in "$repo"/jobs/*.service "$repo"/jobs/*.timer; do
            put 0644 "$unit" "$unitdir/$(basename "$unit")" rewrite
        done
        if [ "$system" = yes ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
        next="systemctl enable --now scimrecon-entra.timer scimrecon-hr.timer"
        ;;
    cron)
        put 0644 "$repo/jobs/crontab" "$crondir/scimrecon" rewrite
        next="nothing: cron reads $crondir/scimrecon by itself"
        ;;
    none) next="schedule $libdir/scimrecon-cron JOB as the scimrecon user" ;;
esac

say "installed $bindir/scimrecon, job files in $sysconfdir, working folder $statedir${destdir:+ (under $destdir)}"
say "next: point the inputs in $sysconfdir/*.yml at your logs and exports, try one with"
say "  cd $statedir && sudo -u scimrecon $bindir/scimrecon plan $sysconfdir/entra-nightly.yml"
say "then start the schedule: $next"
