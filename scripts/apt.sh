# Sourced by the ensure-*.sh scripts: installs Debian packages a test suite needs, as root or
# through sudo, non-interactively; one place for how (and for the message when it cannot).
#
#   apt_install WHAT WHY PACKAGE...
#
# WHAT names what is missing ("chromium"), WHY says what the packages are for; PACKAGE...
# are apt-get install's arguments. Exits 1 with a one-line hint when this user cannot install.
apt_install() {
    what=$1
    why=$2
    shift 2
    if [ "$(id -u)" -eq 0 ]; then
        run=""
    elif command -v sudo >/dev/null 2>&1; then
        run="sudo"
    else
        echo "$what is missing and this user cannot install it: apt-get install $*" >&2
        exit 1
    fi
    echo "installing $why" >&2
    export DEBIAN_FRONTEND=noninteractive
    $run apt-get update -qq
    $run apt-get install -y -qq "$@" >/dev/null
}
