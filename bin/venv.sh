# Sourced by bin/run and bin/test: make .venv and install a requirements file into it, once per change.
# Usage: ensure_venv requirements.txt
ensure_venv() {
  local requirements="$1"
  local python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    echo "Creating the virtual environment in .venv ..."
    "$python" -m venv .venv
  fi
  # Reinstall only when the requirements change: the stamp holds their hash.
  local stamp=".venv/.installed-$(basename "$requirements")"
  local hash
  hash=$(cat "$requirements" requirements.txt | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
    echo "Installing $requirements ..."
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r "$requirements"
    echo "$hash" > "$stamp"
  fi
}
