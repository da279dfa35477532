# What each scimrecon exit status means, for the cron wrapper and the systemd alert (sourced by
# both; POSIX sh). Keep in step with ExitStatus.swift and the exit-code table in the README.

# scimrecon_exit_meaning STATUS: one line for a mail subject or a log.
scimrecon_exit_meaning() {
    case "$1" in
        0) echo "success" ;;
        1) echo "finished, but some records failed (see scimrecon report --status failure)" ;;
        2) echo "usage or job-file error: the job file or the command line needs fixing" ;;
        3) echo "a safety guard stopped the run; nothing applied; review the withheld deprovisions (scimrecon report --status skipped), then rerun with --force" ;;
        4) echo "an input could not be read, or a record failed under on_error: abort; nothing applied" ;;
        70) echo "internal error in scimrecon (a bug; please report it with the message above)" ;;
        73) echo "the run was applied, but a report could not be written; the message gives the command that regenerates it" ;;
        74) echo "the store or a report could not be written (disk full, read-only folder); see the message above" ;;
        75) echo "another run held the store's lock" ;;
        126 | 127) echo "the scimrecon binary could not be started" ;;
        *)
            if [ "$1" -gt 128 ] 2>/dev/null; then
                echo "killed by signal $(($1 - 128)); a run is applied whole or not at all (scimrecon runs shows which)"
            else
                echo "unexpected exit status (see scimrecon --help)"
            fi
            ;;
    esac
}
