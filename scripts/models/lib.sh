# Helpers sourced by the scripts in scripts/models/ (not run on its own: setup-models.sh skips lib.sh).
# have_file PATH SHA256: true when PATH exists with that sha256.
have_file() {
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}
# check_file PATH SHA256: fail loudly when a file just built does not have the expected hash.
check_file() {
  local got
  got="$(sha256sum "$1" | cut -d' ' -f1)"
  if [ "$got" != "$2" ]; then
    echo "model file $1 has sha256 $got, expected $2" >&2
    exit 1
  fi
}
