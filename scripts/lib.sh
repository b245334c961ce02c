# Shared by run.sh and test.sh: checks the toolchain and builds.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

need_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        [ -x /opt/swift/usr/bin/swift ] && export PATH=/opt/swift/usr/bin:$PATH
    fi
    command -v swift >/dev/null 2>&1 || {
        echo "error: the Swift 6 toolchain is not on PATH (install it from swift.org; Vigil needs Swift 6.1 or later)" >&2
        exit 1
    }
}

wait_http() { # url seconds
    local deadline=$((SECONDS + $2))
    while [ $SECONDS -lt $deadline ]; do
        curl -sf "$1" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}
